"""The right of reply in the API.

- `/api/v1/company/findings/` (company contacts): the findings shared with the caller's
  company, in the version written for it (factory, period, Code category, severity, the text,
  the deadline, the company's answer and its files); `POST …/{id}/answer/` answers one, with
  files (multipart `files`), under the pages' rules (`monitoring.replies.answer_finding`).
  Never the partner's texts, evidence, narrative, name or worker counts.
- `/api/v1/rights-of-reply/` (EW staff): every right of reply, `?report=<id>` for one
  report's, with each company's answers.

Anyone else is told the resource does not exist (404), like the pages.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # a non-numeric id: 404, not 500
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from affiliates.tenancy import ReaderAPIMixin, log_denied
from core.uploads import clean_upload
from monitoring.models import FindingReply, ReplyAttachment, ReplyState, RightOfReply
from monitoring.replies import MAX_ATTACHMENTS, answer_finding

from ..services.replies import company_finding_replies


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReplyAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        name = self.context.get("download_route", "engagement:company_reply_attachment")
        return reverse(name, kwargs={"pk": attachment.pk})


class SharedFactorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(source="country.code")


class CompanyFindingReplySerializer(serializers.ModelSerializer):
    """A finding as shared with the company: only what its version says."""

    factory = SharedFactorySerializer(source="right_of_reply.report.factory", read_only=True)
    period_start = serializers.DateField(source="right_of_reply.report.period_start")
    period_end = serializers.DateField(source="right_of_reply.report.period_end")
    code_category = serializers.CharField(source="finding.standard.label")
    sub_standard = serializers.CharField(
        source="finding.sub_standard.label", allow_null=True, default=None
    )
    severity = serializers.CharField(source="finding.severity")
    due_date = serializers.DateField(source="right_of_reply.due_date")
    state = serializers.ChoiceField(choices=ReplyState.choices)
    can_answer = serializers.BooleanField(source="is_open")
    attachments = AttachmentSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = FindingReply
        fields = [
            "id",
            "factory",
            "period_start",
            "period_end",
            "code_category",
            "sub_standard",
            "severity",
            "text_for_company",
            "due_date",
            "state",
            "can_answer",
            "answer",
            "answered_at",
            "attachments",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, reply) -> str:
        return reverse("engagement:company_reply_pdf", kwargs={"pk": reply.right_of_reply_id})


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=10_000)
    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text=_("Photos (JPEG, PNG, WebP) or PDF documents, sent as multipart form data."),
    )


class CompanyFindingReplyViewSet(ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Findings shared with the caller's company for its right of reply."""

    queryset = FindingReply.objects.none()
    serializer_class = CompanyFindingReplySerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # 401/403 for anonymous callers
        if not self.reader.is_company:
            log_denied(request, "company API")
            raise NotFound

    def get_queryset(self):
        if not hasattr(self, "reader"):  # schema generation
            return self.queryset
        return (
            company_finding_replies(self.reader)
            .prefetch_related("attachments")
            .order_by("-right_of_reply__shared_at", "right_of_reply_id", "finding_id")
        )

    @extend_schema(
        request={
            "multipart/form-data": AnswerSerializer,
            "application/json": AnswerSerializer,
        },
        responses={
            200: CompanyFindingReplySerializer,
            400: OpenApiResponse(description=_("Refused: the reason is in the answer.")),
        },
        description=_(
            "Answer the finding (a new answer replaces the earlier one; files are added). "
            "Accepted until the deadline and while the finding is unpublished."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def answer(self, request, pk=None):
        reply = get_object_or_404(self.get_queryset(), pk=pk)
        data = {"answer": request.data.get("answer", "")}
        if uploads := request.FILES.getlist("files"):
            data["files"] = uploads
        serializer = AnswerSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        files = [clean_upload(upload) for upload in serializer.validated_data.get("files", [])]
        answer_finding(
            reply=reply, by=request.user, answer=serializer.validated_data["answer"], files=files
        )
        fresh = self.get_queryset().get(pk=reply.pk)
        return Response(self.get_serializer(fresh).data)


# --- EW staff -------------------------------------------------------------------------------


class StaffFindingReplySerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=ReplyState.choices)
    answered_by = serializers.EmailField(source="answered_by.email", allow_null=True, default=None)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = FindingReply
        fields = [
            "id",
            "finding",
            "text_for_company",
            "state",
            "answer",
            "answered_at",
            "answered_by",
            "attachments",
        ]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, reply):
        return AttachmentSerializer(
            reply.attachments.all(),
            many=True,
            context={"download_route": "monitoring:staff_reply_attachment"},
        ).data


class RightOfReplySerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    state = serializers.ChoiceField(choices=ReplyState.choices)
    shared_by = serializers.EmailField(source="shared_by.email")
    replies = StaffFindingReplySerializer(many=True, read_only=True)

    class Meta:
        model = RightOfReply
        fields = [
            "id",
            "report",
            "company",
            "company_name",
            "due_date",
            "shared_at",
            "shared_by",
            "lapsed_at",
            "state",
            "replies",
        ]
        read_only_fields = fields


class RightOfReplyFilter(filters.FilterSet):
    report = filters.NumberFilter(field_name="report_id", label=_("Id of the monitoring report."))
    company = filters.NumberFilter(field_name="company_id", label=_("Id of the company."))

    class Meta:
        model = RightOfReply
        fields: list[str] = []


class RightOfReplyViewSet(ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Rights of reply (EW staff): the companies asked about each report's findings, with
    their answers; `?report=<id>` for one report."""

    queryset = RightOfReply.objects.none()
    serializer_class = RightOfReplySerializer
    filterset_class = RightOfReplyFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not self.reader.is_staff:
            log_denied(request, "rights of reply API")
            raise NotFound

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        replies = (
            FindingReply.objects.select_related("answered_by", "finding")
            .defer("finding__confidential_text", "finding__evidence_summary")
            .prefetch_related("attachments")
        )
        return (
            RightOfReply.objects.visible_to(self.reader)
            .select_related("company", "shared_by")
            .prefetch_related(Prefetch("replies", queryset=replies))
            .order_by("-shared_at", "pk")
        )
