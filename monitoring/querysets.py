"""Who may read which monitoring rows (DESIGN.md §4, rules 2–4), in one place.

- EW staff read everything.
- A monitoring partner's members read their own organisation's reports, findings and files.
- An affiliate reads only *published* findings (and the published version of their report)
  at factories in its supply chain; never a draft, a confidential text or a file.
- A company contact reads the findings shared with its company for reply (`FindingReply`, in
  the version written for it), its own answers and their files; never a report or a finding
  itself.
- Anyone else reads nothing.

Each model's `visible_to(reader)` (the reader of `affiliates.reader`) holds all of its rules.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import ExpressionWrapper, F

# Up to this many findings, sorting them all beats walking the newest of the network.
FEW_FINDINGS = 1000


def _supply_chain_of(affiliate):
    """The ids of the affiliate's sites, from the supply-chain table (joined first)."""
    from suppliers.querysets import supply_chain_factory_ids

    return supply_chain_factory_ids(affiliate)


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
            return self.published().filter(factory_id__in=_supply_chain_of(reader.affiliate))
        return self.none()

    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED, published_at__isnull=False)

    def to_triage(self):
        """Sent by their partner, waiting for staff to read them."""
        Status = self.model.Status
        return self.filter(status__in=[Status.SUBMITTED, Status.IN_TRIAGE])

    def awaiting_publication(self):
        """Validated by staff, not yet published to the affiliates."""
        return self.filter(status=self.model.Status.VALIDATED)

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
            return self.published().filter(
                report__factory_id__in=_supply_chain_of(reader.affiliate)
            )
        return self.none()

    def published(self):
        return self.filter(_published_finding())

    def unpublished(self):
        """The findings `published()` leaves out, as one condition on the row and its report:
        not `pk NOT IN (the published ones)`, which PostgreSQL answered at network scale by
        looking each finding up in half a million (more than twelve minutes)."""
        return self.exclude(_published_finding())

    def newest(self, count: int, *, total: int | None = None):
        """The `count` most recently published of these findings. With few of them (`total`,
        when the caller has counted them anyway), they are found from the affiliate's supply
        chain first and only they are sorted: PostgreSQL would otherwise walk the index on
        `published_at` backwards through every newer finding of the network (a small
        affiliate's two findings among 500,000). The sort key is an expression for that
        reason: no index serves it, so the plan starts from the supply-chain set."""
        if total is not None and total <= FEW_FINDINGS:
            key = ExpressionWrapper(
                F("published_at") + timedelta(0), output_field=models.DateTimeField()
            )
            return self.order_by(key.desc(), "-pk")[:count]
        return self.order_by("-published_at", "-pk")[:count]

    def with_display_relations(self):
        """What a finding's card shows, fetched in a fixed number of queries; not what it never
        shows to anyone (the confidential texts: neither read nor decrypted)."""
        return (
            self.select_related("standard", "sub_standard", "report__factory")
            .defer("confidential_text", "evidence_summary", "report__summary")
            .with_published_replies()
        )

    def with_published_replies(self):
        """Each finding's `published_replies`: the companies' answers affiliates may read (one
        query for the whole list)."""
        from .models import FindingReply

        return self.prefetch_related(
            models.Prefetch(
                "company_replies",
                queryset=FindingReply.objects.shown_with_published_finding(),
                to_attr="published_replies",
            )
        )


def _published_finding() -> models.Q:
    """A finding published to the affiliates: itself, and its report."""
    from .models import MonitoringReport  # models.py imports this module

    return models.Q(
        published_at__isnull=False,
        report__status=MonitoringReport.Status.PUBLISHED,
        report__published_at__isnull=False,
    )


class EvidenceFileQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff and the submitting partner; never an affiliate, published report or not."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(report__partner_id=reader.partner_id)
        return self.none()


class RightOfReplyQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every right of reply; a company contact its company's; nobody else."""
        if reader.is_staff:
            return self.all()
        if reader.is_company:
            return self.filter(company_id=reader.company_id)
        return self.none()


class FindingReplyQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every shared finding; a company contact those shared with its company (the
        text written for it, never the finding's own texts); an affiliate the answers shown
        beside the published findings it reads; nobody else."""
        if reader.is_staff:
            return self.all()
        if reader.is_company:
            return self.filter(right_of_reply__company_id=reader.company_id)
        if reader.is_affiliate:
            from .models import Finding

            return self.shown_with_published_finding().filter(
                finding__in=Finding.objects.visible_to(reader)
            )
        return self.none()

    def shown_with_published_finding(self):
        """What affiliates read beside a published finding: the company's answer, or that
        none came by the deadline (recorded by the sweep). Nothing before publication."""
        from .models import MonitoringReport

        return (
            self.filter(
                models.Q(answered_at__isnull=False)
                | models.Q(right_of_reply__lapsed_at__isnull=False),
                finding__published_at__isnull=False,
                finding__report__status=MonitoringReport.Status.PUBLISHED,
            )
            .select_related("right_of_reply__company")
            .order_by("right_of_reply__company__name", "pk")
        )

    def awaiting_answer(self):
        """Shared findings the company can still answer and has not: before the deadline,
        before the finding is published."""
        from django.utils import timezone

        return self.filter(
            answered_at__isnull=True,
            right_of_reply__lapsed_at__isnull=True,
            right_of_reply__due_date__gte=timezone.localdate(),
            finding__published_at__isnull=True,
        )


class ReplyAttachmentQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff, and the contacts of the company that attached them; never an affiliate."""
        if reader.is_staff:
            return self.all()
        if reader.is_company:
            return self.filter(reply__right_of_reply__company_id=reader.company_id)
        return self.none()


def open_findings_at_factory(reader):
    """How many of the findings `reader` may read at the factory `OuterRef("pk")` are still
    open (not unsubstantiated, not remediated and verified): for the factory lists."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import Finding

    closed = [Finding.Status.NOT_SUBSTANTIATED, Finding.Status.REMEDIATED_VERIFIED]
    counts = (
        Finding.objects.visible_to(reader)
        .filter(report__factory=OuterRef("pk"))
        .exclude(status__in=closed)
        .order_by()
        .values("report__factory")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)
