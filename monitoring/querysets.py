"""Who may read which monitoring rows (DESIGN.md §4, rules 2–4), in one place.

- EW staff read everything.
- A monitoring partner's members read their own organisation's reports, findings and files.
- An affiliate reads only *published* findings (and the published version of their report)
  at factories in its supply chain; never a draft, a confidential text or a file.
- Anyone else reads nothing.
"""

from __future__ import annotations

from django.db import models


def _partner_of(user):
    membership = getattr(user, "partner_membership", None)
    return membership.partner_id if membership else None


class MonitoringReportQuerySet(models.QuerySet):
    def for_staff_or_partner(self, user):
        """Full reports, confidential parts included: staff, or the submitting partner."""
        if not user.is_authenticated:
            return self.none()
        if user.is_ew_staff:
            return self
        partner_id = _partner_of(user)
        return self.filter(partner_id=partner_id) if partner_id else self.none()

    def published(self):
        return self.filter(status="published", published_at__isnull=False)

    def published_for_affiliate(self, affiliate):
        from suppliers.models import Factory

        return self.published().filter(factory__in=Factory.objects.in_supply_chain_of(affiliate))

    def awaiting_triage(self):
        return self.filter(status__in=["submitted", "in_triage", "needs_information", "validated"])


class FindingQuerySet(models.QuerySet):
    def for_staff_or_partner(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_ew_staff:
            return self
        partner_id = _partner_of(user)
        return self.filter(report__partner_id=partner_id) if partner_id else self.none()

    def published(self):
        return self.filter(
            published_at__isnull=False,
            report__status="published",
            report__published_at__isnull=False,
        )

    def published_for_affiliate(self, affiliate):
        from suppliers.models import Factory

        return self.published().filter(
            report__factory__in=Factory.objects.in_supply_chain_of(affiliate)
        )

    def with_display_relations(self):
        """What a finding's card shows, fetched in a fixed number of queries."""
        from .models import RecruitmentFee

        return self.select_related("standard", "sub_standard", "report__factory").prefetch_related(
            models.Prefetch("fees", queryset=RecruitmentFee.objects.order_by("cost_item", "pk"))
        )
