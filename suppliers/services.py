"""Disclosure workflow, the contractor's link, factory merges and the supplier mapping."""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from affiliates.models import token_digest
from core.email import send_now
from core.errors import DomainError
from core.reminders import Schedule, Step, reminders_record, subject_key, user_recipient

from . import merges
from .models import (
    Disclosure,
    DisclosureLine,
    Factory,
    Supplier,
    SupplierFactory,
)

audit_log = logging.getLogger("ew.audit")

# The one list of allowed disclosure transitions.
TRANSITIONS = {
    Disclosure.Status.REQUESTED: {Disclosure.Status.SUBMITTED},
    Disclosure.Status.RETURNED: {Disclosure.Status.SUBMITTED},
    Disclosure.Status.SUBMITTED: {Disclosure.Status.ACCEPTED, Disclosure.Status.RETURNED},
    Disclosure.Status.ACCEPTED: set(),
}
EDITABLE_STATUSES = {Disclosure.Status.REQUESTED, Disclosure.Status.RETURNED}
CONTRACTOR_LINK_MIN_VALIDITY = timedelta(days=30)


def _transition(disclosure: Disclosure, to: str) -> None:
    if to not in TRANSITIONS[disclosure.status]:
        raise DomainError(
            _("A disclosure that is “%(status)s” cannot become “%(target)s”.")
            % {"status": disclosure.get_status_display(), "target": Disclosure.Status(to).label}
        )
    disclosure.status = to


def _locked(disclosure: Disclosure) -> Disclosure:
    with scope(affiliate=disclosure.affiliate):
        return (
            Disclosure.objects.select_for_update()
            .select_related("contract", "affiliate", "contract__contractor")
            .get(pk=disclosure.pk)
        )


def disclosure_ensure_editable(disclosure: Disclosure) -> None:
    if disclosure.status not in EDITABLE_STATUSES:
        raise DomainError(
            _("This disclosure is “%(status)s”: its lines can no longer be changed.")
            % {"status": disclosure.get_status_display()}
        )


def disclosure_submit(*, disclosure: Disclosure, by=None) -> Disclosure:
    """The list is complete: by the officer, or by the contractor through its link."""
    with transaction.atomic(), scope(affiliate=disclosure.affiliate_id):
        disclosure = _locked(disclosure)
        with scope(affiliate=disclosure.affiliate):
            if not DisclosureLine.objects.filter(disclosure=disclosure).exists():
                raise DomainError(_("Add at least one production site before submitting."))
        _transition(disclosure, Disclosure.Status.SUBMITTED)
        disclosure.submitted_at = timezone.now()
        # Through the contractor's link there is no user, and a contact of the contractor
        # (the company portal) acts for it too; an officer's submission needs EW staff to
        # confirm the sites once accepted.
        disclosure.submitted_by_contractor = by is None or acts_for_contractor(by, disclosure)
        # The contractor's link works only until the list is submitted.
        disclosure.contractor_token_digest = ""
        disclosure.contractor_token_expires_at = None
        disclosure.save()
    audit_log.info(
        "disclosure submitted: disclosure=%s by=%s", disclosure.pk, getattr(by, "pk", "contractor")
    )
    return disclosure


def acts_for_contractor(user, disclosure: Disclosure) -> bool:
    """Whether the user is a contact of the disclosure's contractor (the company portal's
    `user.company_contact`, read as an attribute: this app sits below `engagement`)."""
    contact = getattr(user, "company_contact", None)
    return contact is not None and contact.company_id == disclosure.contract.contractor_id


def disclosure_accept(*, disclosure: Disclosure, by) -> Disclosure:
    """Accepting makes the sites part of the supplier-to-factory mapping."""
    with transaction.atomic(), scope(affiliate=disclosure.affiliate_id):
        disclosure = _locked(disclosure)
        _transition(disclosure, Disclosure.Status.ACCEPTED)
        disclosure.decided_at = timezone.now()
        disclosure.decided_by = by
        disclosure.save()
        _record_brand_links(disclosure)
    audit_log.info("disclosure accepted: disclosure=%s by=%s", disclosure.pk, by.pk)
    return disclosure


def disclosure_confirm(*, disclosure: Disclosure, by) -> Disclosure:
    """EW staff vouch for the sites of an accepted list the officer typed or uploaded: they
    join the affiliate's supply chain (its findings, its grievance counts, its cases)."""
    if not getattr(by, "is_ew_staff", False):
        raise DomainError(_("Only Electronics Watch staff confirm a disclosure."))
    with transaction.atomic(), scope(affiliate=disclosure.affiliate_id):
        disclosure = _locked(disclosure)
        if disclosure.status != Disclosure.Status.ACCEPTED:
            raise DomainError(_("Only an accepted disclosure can be confirmed."))
        if disclosure.puts_sites_in_supply_chain:
            raise DomainError(_("This disclosure needs no confirmation."))
        disclosure.confirmed_at = timezone.now()
        disclosure.confirmed_by = by
        disclosure.save(update_fields=["confirmed_at", "confirmed_by"])
    audit_log.info("disclosure confirmed: disclosure=%s by=%s", disclosure.pk, by.pk)
    return disclosure


def disclosure_return(*, disclosure: Disclosure, comments: str, by) -> Disclosure:
    comments = comments.strip()
    if not comments:
        raise DomainError(_("Say what the contractor must correct."), field="comments")
    with transaction.atomic(), scope(affiliate=disclosure.affiliate_id):
        disclosure = _locked(disclosure)
        _transition(disclosure, Disclosure.Status.RETURNED)
        disclosure.comments = comments
        disclosure.decided_at = timezone.now()
        disclosure.decided_by = by
        disclosure.save()
        if disclosure.contractor_email:
            _issue_contractor_link(disclosure, disclosure.contractor_email)
    audit_log.info("disclosure returned: disclosure=%s by=%s", disclosure.pk, by.pk)
    return disclosure


def disclosure_request_contractor(*, disclosure: Disclosure, email: str, by) -> Disclosure:
    """E-mail the contractor a link to fill in the list without an account."""
    with transaction.atomic(), scope(affiliate=disclosure.affiliate_id):
        disclosure = _locked(disclosure)
        disclosure_ensure_editable(disclosure)
        _issue_contractor_link(disclosure, email.strip().lower())
    audit_log.info("contractor link sent: disclosure=%s by=%s", disclosure.pk, by.pk)
    return disclosure


def _issue_contractor_link(disclosure: Disclosure, email: str) -> None:
    token = secrets.token_urlsafe(32)
    disclosure.contractor_email = email
    disclosure.contractor_token_digest = token_digest(token)
    disclosure.contractor_token_expires_at = max(
        timezone.now() + CONTRACTOR_LINK_MIN_VALIDITY,
        timezone.make_aware(
            timezone.datetime.combine(
                disclosure.due_date + timedelta(days=14), timezone.datetime.min.time()
            )
        ),
    )
    disclosure.save()
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_contractor_email(disclosure, token, language))


def _send_contractor_email(disclosure: Disclosure, token: str, language: str) -> None:
    """Sent directly, not through Celery: the link's token must never rest in the broker."""
    link = settings.SITE_URL + reverse("suppliers:contractor_disclosure", kwargs={"token": token})
    with translation.override(language):
        context = {
            "disclosure": disclosure,
            "contract": disclosure.contract,
            "affiliate": disclosure.affiliate,
            "link": link,
            "template_url": settings.SITE_URL
            + reverse("suppliers:disclosure_template", kwargs={"fmt": "xlsx"}),
        }
    send_now(
        to=disclosure.contractor_email,
        template_prefix="suppliers/email/contractor",
        context=context,
        language=language,
    )


def disclosure_from_contractor_token(token: str) -> Disclosure:
    """The disclosure a contractor's link opens; a DomainError when it no longer works."""
    disclosure = None
    if token and len(token) <= 100:
        with scopes_disabled():
            disclosure = (
                Disclosure.objects.select_related("contract", "affiliate", "contract__contractor")
                .filter(contractor_token_digest=token_digest(token))
                .first()
            )
    if disclosure is None:
        raise DomainError(_("This link is not valid, or the list was already submitted."))
    if disclosure.contractor_token_expires_at <= timezone.now():
        raise DomainError(_("This link has expired. Ask the buyer for a new one."))
    return disclosure


def supply_chain_refresh() -> None:
    """Make the supply-chain table (`SupplyChainLink`) and every factory's stored leverage
    again from the disclosure lines, in two statements. The triggers of migration 0021 keep
    them exact through every write; this is for bulk loads that went around them (the network
    generator calls it once at the end)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT suppliers_supply_chain_refresh()")


def disclosure_line_delete(*, line: DisclosureLine, by) -> None:
    disclosure_ensure_editable(line.disclosure)
    line.delete()
    audit_log.info(
        "disclosure line deleted: line=%s by=%s", line.pk, getattr(by, "pk", "contractor")
    )


def _record_brand_links(disclosure: Disclosure) -> None:
    """Each accepted line says: this brand sources this product model from this site."""
    today = timezone.localdate()
    with scope(affiliate=disclosure.affiliate):
        lines = list(
            DisclosureLine.objects.filter(disclosure=disclosure).values(
                "brand", "factory_id", "product_model"
            )
        )
    by_brand: dict[str, Supplier] = {}
    products: dict[tuple[int, int], set[str]] = {}
    for line in lines:
        name = line["brand"].strip()
        key = name.casefold()
        if key not in by_brand:
            brand = Supplier.objects.filter(
                Q(name__iexact=name) | Q(aliases__contains=[name])
            ).first()
            if brand is None:
                brand = Supplier.objects.create(name=name, is_brand=True)
            elif not brand.is_brand:
                brand.is_brand = True
                brand.save(update_fields=["is_brand"])
            by_brand[key] = brand
        products.setdefault((by_brand[key].pk, line["factory_id"]), set()).add(
            line["product_model"]
        )
    reference = disclosure.contract.reference
    for (supplier_id, factory_id), models_ in products.items():
        link, created = SupplierFactory.objects.get_or_create(
            supplier_id=supplier_id,
            factory_id=factory_id,
            source=SupplierFactory.Source.DISCLOSURE,
            defaults={
                "first_seen": today,
                "last_seen": today,
                "source_reference": reference,
                "products": ", ".join(sorted(models_))[:500],
            },
        )
        if not created:
            known = {p.strip() for p in link.products.split(",") if p.strip()}
            link.products = ", ".join(sorted(known | models_))[:500]
            link.last_seen = today
            link.save(update_fields=["products", "last_seen"])


def supplier_factory_record(
    *, supplier: Supplier, factory: Factory, products: str, first_seen, source_reference: str, by
) -> SupplierFactory:
    """A fact found by Electronics Watch's own research."""
    link, _created = SupplierFactory.objects.update_or_create(
        supplier=supplier,
        factory=factory,
        source=SupplierFactory.Source.STAFF,
        defaults={
            "products": products,
            "first_seen": first_seen,
            "last_seen": timezone.localdate(),
            "source_reference": source_reference,
            "created_by": by,
        },
    )
    return link


# --- Factory de-duplication: suppliers/merges.py (re-exported here, where callers look) ---

factory_merge = merges.factory_merge
factory_unmerge = merges.factory_unmerge
match_review_decide = merges.match_review_decide


# --- Reminders -------------------------------------------------------------------------

# A week before the due date, on the day, the day after, then weekly while still waiting.
DISCLOSURE_DUE = Schedule(
    "suppliers.disclosure_due",
    steps=(Step(-7, "due_in_7_days"), Step(0, "due_today"), Step(1, "overdue")),
    repeat_every=7,
)


def disclosure_reminder_kind(due_date, today) -> str | None:
    """Which reminder of the schedule, if any, falls due on `today` itself."""
    step = DISCLOSURE_DUE.step_on(due_date, today)
    return step.kind if step else None


def disclosure_reminders_sweep(*, today=None) -> int:
    """Queue the disclosure reminders due for the affiliates' admins and officers; returns
    how many e-mails were queued.

    Through the reminder ledger (`core.reminders`), in one transaction with the e-mails: a
    rerun queues nothing, and after days without a sweep the latest reminder that fell due
    meanwhile goes out once ("due in 5 days"), the ones it supersedes never. A fixed number
    of queries whatever the number of disclosures.
    """
    from affiliates.models import Membership
    from core.outbox import Message, outbox_enqueue

    today = today or timezone.localdate()
    with transaction.atomic(), scopes_disabled():
        disclosures = {
            d.pk: d
            for d in Disclosure.objects.filter(
                status__in=EDITABLE_STATUSES, due_date__lte=DISCLOSURE_DUE.horizon(today)
            ).select_related("contract__contractor", "affiliate")
        }
        recipients: dict[int, list] = defaultdict(list)
        for membership in Membership.objects.filter(
            affiliate__in={d.affiliate_id for d in disclosures.values()},
            role__in=Membership.EDITORS,
            user__is_active=True,
        ).select_related("user"):
            recipients[membership.affiliate_id].append(membership.user)
        users = {user.pk: user for members in recipients.values() for user in members}
        rows = reminders_record(
            [
                DISCLOSURE_DUE.candidate(
                    subject_key(Disclosure, disclosure.pk),
                    disclosure.due_date,
                    user_recipient(user.pk),
                )
                for disclosure in disclosures.values()
                for user in recipients[disclosure.affiliate_id]
            ],
            schedules=[DISCLOSURE_DUE],
            today=today,
        )
        messages = []
        for row in rows:
            disclosure, user = disclosures[row.subject_pk], users[row.recipient_user_pk]
            messages.append(
                Message(
                    key=f"disclosure-reminder:{row.pk}",
                    recipient=user.email,
                    template_prefix="suppliers/email/disclosure_reminder",
                    context={
                        "disclosure": disclosure,
                        "contract": disclosure.contract,
                        "affiliate": disclosure.affiliate,
                        "kind": row.kind,
                        "link": settings.SITE_URL + disclosure.get_absolute_url(),
                        "days_left": (row.deadline - today).days,
                        "days_overdue": (today - row.deadline).days,
                    },
                    language=user.language,
                )
            )
        return outbox_enqueue(messages, skip_known=False)


# --- A company's RBA membership (industry engagement: RBA referrals) -----------------------


def supplier_set_rba_membership(*, supplier, rba_membership: str, rba_member_since, by):
    """Record whether a company is a member of the Responsible Business Alliance, and since
    when. Only staff; a non-member has no "since" date."""
    RbaMembership = Supplier.RbaMembership

    if not getattr(by, "is_ew_staff", False):
        raise DomainError(_("Only Electronics Watch staff record RBA membership."))
    if rba_membership not in RbaMembership.values:
        raise DomainError(_("Choose a kind of RBA membership."), field="rba_membership")
    if rba_membership == RbaMembership.NONE:
        rba_member_since = None
    if rba_member_since is not None and rba_member_since > timezone.localdate():
        raise DomainError(_("The membership cannot start in the future."), field="rba_member_since")
    with transaction.atomic():
        supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
        supplier.rba_membership = rba_membership
        supplier.rba_member_since = rba_member_since
        supplier.save(update_fields=["rba_membership", "rba_member_since", "updated_at"])
    return supplier
