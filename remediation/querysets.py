"""Who may read which remediation rows (DESIGN.md §4), in one place.

- EW staff read every case, every timeline entry and every affiliate's engagement.
- A monitoring partner's members read the cases their organisation leads: the plan and the
  entries for partners and affiliates, never the internal ones.
- An affiliate reads the cases at factories in its supply chain and those it was invited to.
  Until it joins, only their summary; once joined, the plan and the entries for affiliates.
  Linked grievances and internal entries never reach it.
- A company contact reads only the actions its company owns and its own progress updates on
  them: no case, timeline, finding or other company's action.

Each model's `visible_to(reader)` (the reader of `affiliates.reader`) holds all of its rules.
"""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


class CaseQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every case; a partner the cases its organisation leads; an affiliate the
        cases at factories in its supply chain and those it was invited to (what it reads of
        them is the business of the plan's and the timeline's own `visible_to`)."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(lead_partner_id=reader.partner_id)
        if reader.is_affiliate:
            from suppliers.querysets import supply_chain_factory_ids

            from .models import Participation

            affiliate = reader.affiliate
            invited = Participation.objects.filter(case=OuterRef("pk"), affiliate=affiliate)
            return self.filter(
                Q(factory_id__in=supply_chain_factory_ids(affiliate)) | Q(Exists(invited))
            )
        return self.none()

    def joined_by(self, affiliate):
        from .models import Participation

        return self.filter(
            Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), affiliate=affiliate, joined_on__isnull=False
                )
            )
        )

    def with_participation_of(self, affiliate):
        """`joined`: whether this affiliate has joined, for lists that show both kinds."""
        from .models import Participation

        return self.annotate(
            joined=Exists(
                Participation.objects.filter(
                    case=OuterRef("pk"), affiliate=affiliate, joined_on__isnull=False
                )
            )
        )

    def active(self):
        from .models import ACTIVE_CASE_STATUSES

        return self.filter(status__in=ACTIVE_CASE_STATUSES)

    def with_overdue(self, today: date | None = None):
        """Cases with an open action past its due date on `today`, from the stored `next_due`
        (remediation/aggregates.py)."""
        return self.filter(next_due__lt=today or timezone.localdate())

    def with_finding_ids(self, findings):
        """`finding_ids`: the ids of the linked findings among `findings` (the reader's
        `Finding.objects.visible_to`), in order, as an array read with the row."""
        return self.annotate(
            finding_ids=ArraySubquery(
                findings.filter(remediation_cases=OuterRef("pk")).order_by("pk").values("pk")
            )
        )

    def with_grievance_references(self, grievances):
        """`grievance_references`: the references of the linked grievances among
        `grievances` (the reader's `Grievance.objects.visible_to`), newest first, as an array
        read with the row."""
        return self.annotate(
            grievance_references=ArraySubquery(
                grievances.filter(remediation_cases=OuterRef("pk"))
                .order_by("-received_on", "-pk")
                .values("reference")
            )
        )

    def with_action_counts(self, today: date | None = None):
        """`overdue_count`: how many open actions were due before `today`. `action_count` and
        `open_action_count` are stored on the case; this one depends on the day, so it is
        counted, only for a case whose stored `next_due` says it has one, and after the list's
        LIMIT (PostgreSQL evaluates a select-list subquery only for the rows it returns)."""
        from .models import RemediationAction

        today = today or timezone.localdate()
        overdue = (
            RemediationAction.objects.overdue(today)
            .filter(case=OuterRef("pk"))
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            overdue_count=models.Case(
                models.When(
                    next_due__lt=today,
                    then=Coalesce(Subquery(overdue, output_field=models.IntegerField()), 0),
                ),
                default=0,
                output_field=models.IntegerField(),
            )
        )


def _joined_case_ids(affiliate):
    from .models import RemediationCase

    return RemediationCase.objects.joined_by(affiliate).values("pk")


class ActionQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """The plan: staff all of it; a partner its organisation's cases'; an affiliate only
        the cases it has joined."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(case__lead_partner_id=reader.partner_id)
        if reader.is_affiliate:
            return self.filter(case__in=_joined_case_ids(reader.affiliate))
        if reader.is_company:
            # The company portal: the actions the company owns, whatever the case.
            return self.filter(owner_supplier_id=reader.company_id)
        return self.none()

    def open(self):
        from .models import OPEN_ACTION_STATUSES

        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: date | None = None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def in_active_cases(self):
        from .models import ACTIVE_CASE_STATUSES

        return self.filter(case__status__in=ACTIVE_CASE_STATUSES)


class UpdateQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """The timeline: staff every entry; a partner the entries for partners and for
        affiliates in its organisation's cases; an affiliate the entries for affiliates in
        the cases it has joined. Internal entries reach staff only."""
        from .models import Audience

        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(
                audience__in=[Audience.PARTNERS, Audience.AFFILIATES],
                case__lead_partner_id=reader.partner_id,
            )
        if reader.is_affiliate:
            return self.filter(
                audience=Audience.AFFILIATES, case__in=_joined_case_ids(reader.affiliate)
            )
        return self.none()


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """A timeline file is read with its entry, by whoever may read the entry."""
        from .models import CaseUpdate

        return self.filter(update__in=CaseUpdate.objects.visible_to(reader))


class ProgressQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """A company's progress updates on its actions: read with the plan (staff, the lead
        partner, the affiliates that joined) and by the company that owns the action."""
        from .models import RemediationAction

        return self.filter(action__in=RemediationAction.objects.visible_to(reader).values("pk"))


class ProgressAttachmentQuerySet(models.QuerySet):
    def downloadable_by(self, reader):
        """The evidence files of progress updates: staff, the case's lead partner and the
        company that owns the action (its own evidence, never another company's). Affiliates
        read that there are files, never the files (as for partners' evidence)."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(progress__action__case__lead_partner_id=reader.partner_id)
        if reader.is_company:
            return self.filter(progress__action__owner_supplier_id=reader.company_id)
        return self.none()


def open_cases_at_factory(reader):
    """How many active cases `reader` may read at the factory `OuterRef("pk")`: for the
    factory lists."""
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import RemediationCase

    counts = (
        RemediationCase.objects.visible_to(reader)
        .active()
        .filter(factory=OuterRef("pk"))
        .order_by()
        .values("factory")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)
