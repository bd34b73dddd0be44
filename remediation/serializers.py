"""Remediation API shapes, one per audience (DESIGN.md §4).

- EW staff read a case in full: every action with its owner's contact, every timeline entry
  with its audience, the linked findings and grievances, and which affiliates take part.
- The lead monitoring partner reads its cases: the plan, and the entries for partners and
  affiliates; no grievance, no participant.
- An affiliate reads the summary of every case it may see; once it has joined, also the plan
  (without the owner's contact) and the entries for affiliates, and the ids of the linked
  findings published for it. Never a grievance, an internal entry, an author (a partner's
  member may have written it) or another affiliate's participation.

The rows (and which actions, entries and findings are prefetched for whom) come from
`remediation.api.CaseViewSet.get_queryset`; these classes only decide the fields.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import PlainColumns
from monitoring.models import MonitoringPartner
from monitoring.serializers import NamedChoiceField
from suppliers.models import Factory

from .compensation import compensation_figures
from .models import (
    OPEN_ACTION_STATUSES,
    ActionStatus,
    Audience,
    CaseStatus,
    CaseUpdate,
    Compensation,
    CompensationPayment,
    Participation,
    RemediationAction,
    RemediationCase,
)


def case_status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        enum_name="RemediationCaseStatusEnum", choices=CaseStatus.choices, read_only=True, **kwargs
    )


def action_status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        enum_name="RemediationActionStatusEnum",
        choices=ActionStatus.choices,
        read_only=True,
        **kwargs,
    )


class CaseFactorySerializer(PlainColumns, serializers.ModelSerializer):
    class Meta:
        model = Factory
        fields = ["id", "name"]
        read_only_fields = fields


class CasePartnerSerializer(PlainColumns, serializers.ModelSerializer):
    class Meta:
        model = MonitoringPartner
        fields = ["id", "name"]
        read_only_fields = fields


# --- Actions --------------------------------------------------------------------------------


class AffiliateCaseActionSerializer(PlainColumns, serializers.ModelSerializer):
    """An action of the plan as a participating affiliate reads it: no contact person."""

    status = action_status_field()
    overdue = serializers.SerializerMethodField(
        help_text=_("True when the action is still open and its due date has passed.")
    )

    class Meta:
        model = RemediationAction
        fields = [
            "id",
            "description",
            "owner_name",
            "due_date",
            "status",
            "overdue",
            "verified_on",
            "verified_by",
        ]
        read_only_fields = fields

    @cached_property
    def _today(self):
        return self.context.get("today") or timezone.localdate()

    def get_overdue(self, action) -> bool:
        if type(action) is dict:  # a plain row (`PlainColumns`)
            return action["status"] in OPEN_ACTION_STATUSES and action["due_date"] < self._today
        return action.is_overdue(self._today)


class CaseActionSerializer(AffiliateCaseActionSerializer):
    """An action in full, for EW staff and the lead partner: who to contact, what shows it
    was done, how it was verified."""

    class Meta(AffiliateCaseActionSerializer.Meta):
        fields = [
            *AffiliateCaseActionSerializer.Meta.fields,
            "owner_supplier",
            "contact_name",
            "contact_email",
            "contact_language",
            "evidence",
            "claimed_on",
            "verification_note",
            "rejection_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- Timeline -------------------------------------------------------------------------------


class AffiliateCaseUpdateSerializer(PlainColumns, serializers.ModelSerializer):
    """A timeline entry for affiliates: what and when, not who (it may be a monitor)."""

    class Meta:
        model = CaseUpdate
        fields = ["id", "text", "created_at"]
        read_only_fields = fields


class CaseUpdateSerializer(AffiliateCaseUpdateSerializer):
    """A timeline entry for EW staff and the lead partner: who can read it, and who wrote it."""

    audience = NamedChoiceField(
        enum_name="CaseUpdateAudienceEnum", choices=Audience.choices, read_only=True
    )
    author = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta(AffiliateCaseUpdateSerializer.Meta):
        fields = ["id", "audience", "text", "author", "created_at"]
        read_only_fields = fields


class PartnerCaseUpdateSerializer(CaseUpdateSerializer):
    """A timeline entry for the lead partner: affiliates are never named to partners, so an
    entry written by an affiliate's member has no author."""

    author = serializers.SerializerMethodField(
        help_text=_(
            "E-mail of the EW staff member or partner member who wrote it; null when a "
            "participating affiliate's member wrote it."
        )
    )

    class Meta(CaseUpdateSerializer.Meta):
        pass

    def get_author(self, update) -> str | None:
        if type(update) is dict:  # a plain row (`PlainColumns`, `case_page_rows`)
            named = update["author__is_ew_staff"] or update["author__partner_membership"]
            return update["author__email"] if named else None
        author = update.author
        if author is None or not (author.is_ew_staff or author.is_partner_member):
            return None
        return author.email


class CaseParticipantSerializer(PlainColumns, serializers.ModelSerializer):
    affiliate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    joined = serializers.BooleanField(
        source="has_joined",
        read_only=True,
        help_text=_("False while the affiliate is only invited."),
    )

    class Meta:
        model = Participation
        fields = ["affiliate", "invited_on", "joined", "joined_on"]
        read_only_fields = fields


# --- Cases ----------------------------------------------------------------------------------

CASE_SUMMARY = [
    "id",
    "reference",
    "title",
    "summary",
    "factory",
    "status",
    "severity",
    "fast_track",
    "opened_on",
]


# --- Compensation (Employer Pays) -----------------------------------------------------------


class CompensationPaymentSerializer(PlainColumns, serializers.ModelSerializer):
    class Meta:
        model = CompensationPayment
        fields = ["id", "paid_on", "amount", "workers_paid", "note", "created_at"]
        read_only_fields = fields


class AffiliateCompensationPaymentSerializer(PlainColumns, serializers.ModelSerializer):
    """A payment as an affiliate reads it: when and how much."""

    class Meta:
        model = CompensationPayment
        fields = ["paid_on", "amount"]
        read_only_fields = fields


class ShareAtMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text=_("First day of the month."))
    share = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        help_text=_("Per cent of what is owed reimbursed by the end of the month."),
    )


class CompensationCohortSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    corridor = serializers.CharField(
        allow_null=True, help_text=_("The migration corridor, when the cohort has one.")
    )
    origin_country = serializers.CharField()
    destination_country = serializers.CharField()


class CompensationSerializer(PlainColumns, serializers.ModelSerializer):
    """Money owed to workers and what has been paid, payment by payment; for recruitment
    fees, the migrant cohort whose fees it reimburses (counts only, never a worker)."""

    kind = NamedChoiceField(
        enum_name="CompensationKindEnum", choices=Compensation.Kind.choices, read_only=True
    )
    cohort = serializers.SerializerMethodField()
    share_reimbursed = serializers.SerializerMethodField(
        help_text=_("Per cent of what is owed that has been paid, to one decimal.")
    )
    share_over_time = serializers.SerializerMethodField(
        help_text=_("Per cent reimbursed at the end of each month since the first payment.")
    )
    payments = CompensationPaymentSerializer(many=True, read_only=True)

    class Meta:
        model = Compensation
        fields = [
            "id",
            "kind",
            "description",
            "currency",
            "amount_owed",
            "amount_agreed",
            "amount_paid",
            "share_reimbursed",
            "workers_covered",
            "cohort",
            "payments",
            "share_over_time",
        ]
        read_only_fields = fields

    def _figures(self, compensation):
        cache = self.context.setdefault("_compensation_figures", {})
        if compensation.pk not in cache:
            cache[compensation.pk] = compensation_figures(
                compensation, self.context.get("today"), with_steps=False
            )
        return cache[compensation.pk]

    @extend_schema_field(CompensationCohortSerializer(allow_null=True))
    def get_cohort(self, compensation):
        cohort = compensation.cohort
        if cohort is None:
            return None
        return {
            "id": cohort.pk,
            "corridor": str(cohort.corridor) if cohort.corridor_id else None,
            "origin_country": cohort.origin_country.code,
            "destination_country": cohort.destination_country.code,
        }

    @extend_schema_field(serializers.DecimalField(max_digits=4, decimal_places=1))
    def get_share_reimbursed(self, compensation) -> str:
        return str(self._figures(compensation).progress.share)

    @extend_schema_field(ShareAtMonthSerializer(many=True))
    def get_share_over_time(self, compensation):
        return [
            {"month": month.isoformat(), "share": str(share)}
            for month, share in self._figures(compensation).progress.series
        ]


class AffiliateCompensationSerializer(CompensationSerializer):
    """The same figures for an affiliate that joined the case: the number of workers only at
    or above the count threshold (DESIGN.md §4), no note on a payment."""

    workers_covered = serializers.SerializerMethodField(
        help_text=_("Null when fewer workers than the threshold under which counts are hidden.")
    )
    payments = AffiliateCompensationPaymentSerializer(many=True, read_only=True)

    class Meta(CompensationSerializer.Meta):
        pass

    def get_workers_covered(self, compensation) -> int | None:
        if compensation.workers_covered < settings.EW_GRIEVANCE_COUNT_THRESHOLD:
            return None
        return compensation.workers_covered


class PaymentInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    workers_paid = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class _CaseBase(PlainColumns, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    factory = CaseFactorySerializer(read_only=True)
    status = case_status_field()


class PartnerCaseSerializer(_CaseBase):
    """A case the partner's organisation leads: the plan and the entries for partners and
    affiliates."""

    lead_partner = CasePartnerSerializer(read_only=True, allow_null=True)
    staff_lead = serializers.SlugRelatedField(slug_field="email", read_only=True)
    findings = serializers.SerializerMethodField(
        help_text=_("Ids of the linked findings this reader may read.")
    )
    action_count = serializers.IntegerField(read_only=True)
    overdue_action_count = serializers.IntegerField(source="overdue_count", read_only=True)
    actions = CaseActionSerializer(source="visible_actions", many=True, read_only=True)
    updates = PartnerCaseUpdateSerializer(source="visible_updates", many=True, read_only=True)
    compensations = CompensationSerializer(source="compensation_rows", many=True, read_only=True)

    class Meta:
        model = RemediationCase
        fields = [
            *CASE_SUMMARY,
            "closed_on",
            "status_changed_at",
            "updated_at",
            "lead_partner",
            "staff_lead",
            "findings",
            "action_count",
            "overdue_action_count",
            "actions",
            "updates",
            "compensations",
        ]
        read_only_fields = fields

    def get_findings(self, case) -> list[int]:
        return case.finding_ids


class StaffCaseSerializer(PartnerCaseSerializer):
    """A case in full, for EW staff: every entry, the grievances and the participants."""

    opened_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    grievances = serializers.SerializerMethodField(
        help_text=_("References of the linked grievances.")
    )
    participants = CaseParticipantSerializer(source="participant_rows", many=True, read_only=True)
    updates = CaseUpdateSerializer(source="visible_updates", many=True, read_only=True)

    class Meta(PartnerCaseSerializer.Meta):
        fields = [
            *PartnerCaseSerializer.Meta.fields,
            "opened_by",
            "grievances",
            "participants",
        ]
        read_only_fields = fields

    def get_grievances(self, case) -> list[str]:
        return case.grievance_references


class AffiliateCaseSummarySerializer(_CaseBase):
    """A case the affiliate has not joined (yet): its summary only."""

    joined = serializers.BooleanField(
        read_only=True, help_text=_("Whether this affiliate has joined the case.")
    )

    class Meta:
        model = RemediationCase
        fields = [*CASE_SUMMARY, "joined"]
        read_only_fields = fields


class AffiliateJoinedCaseSerializer(AffiliateCaseSummarySerializer):
    """A case the affiliate has joined: the plan and the entries for affiliates too."""

    findings = serializers.SerializerMethodField(
        help_text=_("Ids of the linked findings published for this affiliate.")
    )
    action_count = serializers.IntegerField(read_only=True)
    overdue_action_count = serializers.IntegerField(source="overdue_count", read_only=True)
    actions = AffiliateCaseActionSerializer(source="visible_actions", many=True, read_only=True)
    updates = AffiliateCaseUpdateSerializer(source="visible_updates", many=True, read_only=True)
    compensations = AffiliateCompensationSerializer(
        source="compensation_rows", many=True, read_only=True
    )

    class Meta(AffiliateCaseSummarySerializer.Meta):
        fields = [
            *AffiliateCaseSummarySerializer.Meta.fields,
            "findings",
            "action_count",
            "overdue_action_count",
            "actions",
            "updates",
            "compensations",
        ]
        read_only_fields = fields

    def get_findings(self, case) -> list[int]:
        return case.finding_ids


class AffiliateCaseSerializer(serializers.BaseSerializer):
    """Picks the affiliate's shape per case: the joined one only where `joined` is true.

    Documented as its two shapes (see `remediation.api`); the rows carry the `joined`
    annotation of `CaseQuerySet.with_participation_of`.
    """

    def to_representation(self, case):
        return self._shapes[bool(case.joined)].to_representation(case)

    @cached_property
    def _shapes(self) -> dict:
        # Built once per response, not once per row: a serializer's fields are made anew
        # for each instance (a ModelSerializer's from its model), and fifty rows made
        # thousands of fields.
        return {
            True: AffiliateJoinedCaseSerializer(context=self.context),
            False: AffiliateCaseSummarySerializer(context=self.context),
        }


def today_context() -> dict:
    """One date for every overdue flag of a response."""
    return {"today": timezone.localdate()}
