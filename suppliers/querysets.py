"""Reads of shared supply-chain rows, with the visibility rules of DESIGN.md §4 in one place.

The supply-chain rule is stated once, in `DisclosureLineQuerySet.in_supply_chain()`, and read
as "this factory is in this affiliate's supply chain" through
`FactoryQuerySet.in_supply_chain_of(affiliate)`, which every app's `visible_to(reader)` uses.
"""

from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_scopes import scopes_disabled

# A site is in an affiliate's supply chain once the disclosure naming it for one of the
# affiliate's contracts is accepted and vouched for (`vouched`).
SUPPLY_CHAIN_STATUSES = ("accepted",)


def vouched(prefix: str = "") -> Q:
    """Disclosures whose sites someone other than the officer vouched for: submitted by the
    contractor (and accepted by the officer), or confirmed by EW staff. An officer alone
    cannot put a factory in the supply chain, and so read its findings or join its case."""
    return Q(**{f"{prefix}status__in": SUPPLY_CHAIN_STATUSES}) & (
        Q(**{f"{prefix}submitted_by_contractor": True})
        | Q(**{f"{prefix}confirmed_at__isnull": False})
    )


class DisclosureLineQuerySet(models.QuerySet):
    def in_supply_chain(self):
        """The lines that put their site in their affiliate's supply chain."""
        return self.filter(vouched("disclosure__"))


def _chain_lines():
    """Every affiliate's supply-chain links, whatever the scope (callers filter): the table
    `SupplyChainLink`, kept equal to `DisclosureLineQuerySet.in_supply_chain()`."""
    from .models import SupplyChainLink

    return SupplyChainLink.objects.all()


def supply_chain_factory_ids(affiliate, *, contracts=None):
    """The ids of the sites in the affiliate's supply chain (under `contracts` only, if
    given), as a subquery (the index `supply_chain_affiliate` answers it alone without
    `contracts`): for `factory_id IN (...)` filters. An id may come more than once."""
    lines = _chain_lines().filter(affiliate=affiliate)
    if contracts is not None:
        lines = lines.filter(contract__in=contracts)
    return lines.values("factory_id")


class SupplierQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff read the registry; an affiliate its contractors and the companies linked to
        the sites in its supply chain; anyone else no company."""
        if reader.is_staff:
            return self.all()
        if not reader.is_affiliate:
            return self.none()
        from .models import Contract, Factory

        with scopes_disabled():
            contractors = Contract.objects.filter(affiliate=reader.affiliate).values(
                "contractor_id"
            )
        chain = Factory.objects.in_supply_chain_of(reader.affiliate)
        return self.filter(Q(pk__in=contractors) | Q(factory_links__factory__in=chain)).distinct()


class FactoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)

    def in_supply_chain_of(self, affiliate, *, contracts=None):
        """The sites in the affiliate's supply chain (under `contracts` only, if given)."""
        lines = _chain_lines().filter(affiliate=affiliate)
        if contracts is not None:
            lines = lines.filter(contract__in=contracts)
        return self.filter(pk__in=lines.values("factory_id"))

    def visible_to(self, reader):
        """Staff read every site; an affiliate those in its supply chain; anyone else none."""
        if reader.is_staff:
            return self.active()
        if not reader.is_affiliate:
            return self.none()
        return self.active().in_supply_chain_of(reader.affiliate)

    def with_affiliate_count(self):
        """How many affiliates have the site in their supply chain (for everyone to see): now
        the stored `Factory.affiliate_count`; kept so that callers read as before."""
        return self

    def with_leverage(self):
        """Affiliates linked and their combined contract value in euros (staff only): the
        stored `affiliate_count` and `combined_value_eur`."""
        return self


class DisclosureQuerySet(models.QuerySet):
    def with_line_count(self):
        """`line_count`: the disclosure's lines, as a subquery per row rather than a join
        grouped over every disclosure, so that a page of a list counts the lines of its own
        rows only (PostgreSQL evaluates it after the sort and the LIMIT)."""
        Line = self.model._meta.get_field("lines").related_model
        lines = (
            Line._base_manager.filter(disclosure=OuterRef("pk"))
            .order_by()
            .values("disclosure")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(line_count=Coalesce(Subquery(lines), 0))

    def overdue(self):
        return self.awaiting_contractor().filter(due_date__lt=timezone.localdate())

    def awaiting_contractor(self):
        Status = self.model.Status
        return self.filter(status__in=[Status.REQUESTED, Status.RETURNED])

    def of_contractor(self, company_id: int):
        """Every affiliate's requests to one contractor, for its contacts' inbox (the
        company portal): the one read of disclosures across tenants a company may make. Run
        it outside a tenant scope (`scopes_disabled`); never pass it anything but the
        reader's own company."""
        return self.filter(contract__contractor_id=company_id)
