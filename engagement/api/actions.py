"""Company API: `/api/v1/company/actions/`, the remediation actions the caller's company owns
(the case's reference and factory, what is to be done, the due date, the status and the
company's own progress updates), and `POST /api/v1/company/actions/{id}/progress/` to report
progress, optionally asking for verification (`remediation.plan.action_progress_post`, the
rules of the portal page). Evidence files are uploaded on the portal page."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a non-numeric id: 404, not 500
from rest_framework.response import Response

from core.api import StrictBooleanFilter
from remediation import plan
from remediation.models import ActionProgress, ActionStatus, RemediationAction

from .mixins import CompanyAPIMixin


class ProgressSerializer(serializers.ModelSerializer):
    file_count = serializers.SerializerMethodField()

    class Meta:
        model = ActionProgress
        fields = ["id", "text", "asks_verification", "created_at", "file_count"]
        read_only_fields = fields

    def get_file_count(self, progress) -> int:
        return len(progress.attachments.all())


class ProgressInputSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("What the company did, and what shows it."))
    asks_verification = serializers.BooleanField(
        default=False,
        help_text=_("true: the action is done, ask for it to be verified."),
    )


class CompanyActionSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    factory_name = serializers.CharField(source="case.factory.name", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    progress_updates = ProgressSerializer(many=True, read_only=True)

    class Meta:
        model = RemediationAction
        fields = [
            "id",
            "case_reference",
            "factory_name",
            "description",
            "due_date",
            "status",
            "is_overdue",
            "claimed_on",
            "verified_on",
            "progress_updates",
        ]
        read_only_fields = fields

    def get_is_overdue(self, action) -> bool:
        return action.is_overdue(self.context.get("today"))


class CompanyActionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = StrictBooleanFilter(
        method="filter_overdue", label=_("true: open actions past their due date.")
    )

    class Meta:
        model = RemediationAction
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class CompanyActionViewSet(CompanyAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The remediation actions the caller's company owns, with its progress updates; no
    timeline, testimony, affiliates or other companies' actions. Company contacts only;
    anyone else gets 404."""

    serializer_class = CompanyActionSerializer
    queryset = RemediationAction.objects.none()
    filterset_class = CompanyActionFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        if not hasattr(self, "company_id"):  # schema generation
            return self.queryset
        return (
            RemediationAction.objects.visible_to(self.reader)
            .select_related("case__factory")
            .prefetch_related(
                Prefetch(
                    "progress_updates",
                    queryset=ActionProgress.objects.visible_to(self.reader).prefetch_related(
                        "attachments"
                    ),
                )
            )
            .order_by("due_date", "pk")
        )

    @extend_schema(
        request=ProgressInputSerializer,
        responses={
            201: ProgressSerializer,
            400: OpenApiResponse(description=_("Not allowed: the reason is in `detail`.")),
        },
        description=_(
            "Report progress on the action; with `asks_verification` the action is claimed "
            "done and the monitoring partner or Electronics Watch verify it."
        ),
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        target = get_object_or_404(self.get_queryset(), pk=pk)
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        progress = plan.action_progress_post(action=target, by=request.user, **data.validated_data)
        return Response(ProgressSerializer(progress).data, status=status.HTTP_201_CREATED)
