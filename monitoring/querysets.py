"""Who may read which monitoring rows (DESIGN.md §4, rules 2–4), in one place.

- EW staff read everything.
- A monitoring partner's members read their own organisation's reports, findings and files.
- An affiliate reads only *published* findings (and the published version of their report)
  at factories in its supply chain; never a draft, a confidential text or a file.
- Anyone else reads nothing.

Each model's `visible_to(reader)` (the reader of `affiliates.reader`) holds all of its rules.
"""

from __future__ import annotations

from django.db import models


def _supply_chain_of(affiliate):
    from suppliers.models import Factory

    return Factory.objects.in_supply_chain_of(affiliate)


class MonitoringReportQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every report; a partner its organisation's, confidential parts included; an
        affiliate the published ones at factories in its supply chain (their published
        version only: the serializers and templates for affiliates show nothing else)."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(partner_id=reader.partner_id)
        if reader.is_affiliate:
            return self.published().filter(factory__in=_supply_chain_of(reader.affiliate))
        return self.none()

    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED, published_at__isnull=False)

    def awaiting_triage(self):
        Status = self.model.Status
        return self.filter(
            status__in=[
                Status.SUBMITTED,
                Status.IN_TRIAGE,
                Status.NEEDS_INFORMATION,
                Status.VALIDATED,
            ]
        )


class FindingQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every finding; a partner its organisation's; an affiliate the published ones
        at factories in its supply chain."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(report__partner_id=reader.partner_id)
        if reader.is_affiliate:
            return self.published().filter(report__factory__in=_supply_chain_of(reader.affiliate))
        return self.none()

    def published(self):
        from .models import MonitoringReport  # models.py imports this module

        return self.filter(
            published_at__isnull=False,
            report__status=MonitoringReport.Status.PUBLISHED,
            report__published_at__isnull=False,
        )

    def with_display_relations(self):
        """What a finding's card shows, fetched in a fixed number of queries."""
        from .models import RecruitmentFee

        return self.select_related("standard", "sub_standard", "report__factory").prefetch_related(
            models.Prefetch("fees", queryset=RecruitmentFee.objects.order_by("cost_item", "pk"))
        )


class EvidenceFileQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff and the submitting partner; never an affiliate, published report or not."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(report__partner_id=reader.partner_id)
        return self.none()
