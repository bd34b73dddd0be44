"""Dialogue API. EW staff: `/api/v1/dialogues/` (with the confidential minutes),
`/api/v1/commitments/`, `/api/v1/organisations/`; anyone else signed in gets 404 there.
A company contact: `/api/v1/company/commitments/`, its own company's commitments (anyone
else: 404)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound

from affiliates.tenancy import ReaderAPIMixin, log_denied
from core.api import StrictBooleanFilter
from grievances.models import Grievance
from remediation.models import RemediationCase
from suppliers.models import Factory

from ..models import Commitment, Dialogue, DialogueMeeting, Organisation, Participant
from .referrals import StaffOnlyAPIMixin


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = DialogueMeeting
        fields = ["id", "held_on", "agenda", "minutes_shared", "minutes_confidential"]
        read_only_fields = fields


class ParticipantSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Participant.Kind.choices, read_only=True)
    label = serializers.CharField(source="full_label", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "kind",
            "label",
            "affiliate",
            "company",
            "partner",
            "organisation",
            "name",
            "role",
            "contact_email",
        ]
        read_only_fields = fields


class OverdueSerializerMixin(serializers.Serializer):
    """A commitment's `overdue`, by the day the view fixes (`TodayContextMixin`)."""

    overdue = serializers.SerializerMethodField()

    def get_overdue(self, commitment) -> bool:
        return commitment.is_overdue(self.context["today"])


class CommitmentSerializer(OverdueSerializerMixin, serializers.ModelSerializer):
    owner_label = serializers.CharField(source="owner.full_label", read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "dialogue",
            "text",
            "owner",
            "owner_label",
            "due_on",
            "status",
            "done_on",
            "overdue",
        ]
        read_only_fields = fields


class DialogueSerializer(serializers.ModelSerializer):
    meetings = MeetingSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Dialogue
        fields = [
            "id",
            "title",
            "format",
            "purpose",
            "case",
            "companies",
            "created_at",
            "meetings",
            "participants",
            "commitments",
        ]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name",
            "country",
            "factories",
            "contact_name",
            "contact_email",
            "contact_phone",
            "credited_cases",
            "credited_grievances",
        ]
        read_only_fields = fields


class TodayContextMixin:
    """Serializers tell overdue rows by one day, fixed once per request."""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


class DialogueFilter(filters.FilterSet):
    case = filters.NumberFilter(field_name="case_id", label=_("Id of the remediation case."))
    company = filters.NumberFilter(
        field_name="participants__company_id", label=_("Id of a participating company.")
    )

    class Meta:
        model = Dialogue
        fields: list[str] = []


class DialogueViewSet(TodayContextMixin, StaffOnlyAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Dialogues with their meetings (shared and confidential minutes), participants and
    commitments, newest first."""

    serializer_class = DialogueSerializer
    queryset = Dialogue.objects.none()
    filterset_class = DialogueFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        return (
            Dialogue.objects.visible_to(self.reader)
            .prefetch_related("companies", "meetings")
            .with_parties()
            .order_by("-created_at", "-pk")
            .distinct()
        )


class CommitmentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Commitment.Status.choices)
    dialogue = filters.NumberFilter(field_name="dialogue_id", label=_("Id of the dialogue."))
    company = filters.NumberFilter(
        field_name="owner__company_id", label=_("Id of the company that committed.")
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue", label=_("true: open and past their due date.")
    )

    class Meta:
        model = Commitment
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": Commitment.Status.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class CommitmentViewSet(TodayContextMixin, StaffOnlyAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Every dialogue's commitments, soonest due first."""

    serializer_class = CommitmentSerializer
    queryset = Commitment.objects.none()
    filterset_class = CommitmentFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        return Commitment.objects.visible_to(self.reader).with_owners().order_by("due_on", "pk")


class OrganisationViewSet(StaffOnlyAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Trade unions and worker representative bodies, their factories and what credits them."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        return Organisation.objects.prefetch_related(
            Prefetch("factories", queryset=Factory.objects.only("pk")),
            Prefetch("credited_cases", queryset=RemediationCase.objects.only("pk")),
            Prefetch("credited_grievances", queryset=Grievance.objects.only("pk")),
        ).order_by("name", "pk")


class CompanyCommitmentSerializer(OverdueSerializerMixin, serializers.ModelSerializer):
    dialogue_title = serializers.CharField(source="dialogue.title", read_only=True)

    class Meta:
        model = Commitment
        fields = [
            "id",
            "dialogue",
            "dialogue_title",
            "text",
            "due_on",
            "status",
            "done_on",
            "overdue",
        ]
        read_only_fields = fields


class CompanyCommitmentViewSet(TodayContextMixin, ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's company's own commitments in dialogues, soonest due first. Company
    contacts only; another company's commitment is 404."""

    serializer_class = CompanyCommitmentSerializer
    queryset = Commitment.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.reader.is_company:
            log_denied(request, "company API")
            raise NotFound

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        return (
            Commitment.objects.visible_to(self.reader)
            .owned_by_company(self.reader.company_id)
            .select_related("dialogue")
            .order_by("due_on", "pk")
        )
