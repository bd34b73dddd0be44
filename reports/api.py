from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from affiliates.models import Membership
from affiliates.tenancy import AffiliateScopedAPIMixin, log_denied
from core import readmodel
from core.renderers import RawJSON, to_json
from suppliers.models import Factory

from .models import ComplianceReport
from .priorities import RankingPagination
from .serializers import ComplianceReportSerializer


@extend_schema_view(
    create=extend_schema(
        responses={202: ComplianceReportSerializer},
        description=_(
            "Request a report for the caller's affiliate. The body may name `period_start` and "
            "`period_end` and/or a `contract`; by default the last calendar year. Answers 202 "
            "with the report's `url`: GET it until `status` is `ready`, then fetch "
            "`download_url`. Admins and officers only."
        ),
    ),
)
class ComplianceReportViewSet(
    AffiliateScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's affiliate's compliance reports; another affiliate's are 404."""

    serializer_class = ComplianceReportSerializer
    queryset = ComplianceReport.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and self.reader.role not in Membership.EDITORS:
            log_denied(request, "api affiliate role")
            raise PermissionDenied(_("Viewers may read reports but not request them."))

    def get_queryset(self):
        return ComplianceReport.objects.select_related("affiliate", "contract").order_by(
            "-requested_at", "-pk"
        )

    def create(self, request, *args, **kwargs):
        from .compliance import compliance_report_request

        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = compliance_report_request(
            affiliate=self.affiliate, by=request.user, **serializer.validated_data
        )
        data = self.get_serializer(report).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        """The PDF, once `status` is `ready` (404 before)."""
        from .views import compliance_download

        report = self.get_object()
        if report.status != ComplianceReport.Status.READY:
            raise NotFound(_("The report is not ready yet."))
        return compliance_download(report)


class PointsField(serializers.FloatField):
    """Points of the score, rounded to 2 decimals as the pages and exports show them."""

    def to_representation(self, value):
        return round(float(value), 2)


class PrioritySerializer(serializers.Serializer):
    """One factory's row of where to act first (README "Where to act first")."""

    rank = serializers.IntegerField()
    factory = serializers.IntegerField(source="factory.pk")
    factory_name = serializers.CharField(source="factory.name")
    country = serializers.CharField(source="factory.country.code")
    score = PointsField(help_text=_("The sum of the four parts, rounded to 2 decimals."))
    findings_points = PointsField(help_text=_("Rounded to 2 decimals."))
    country_points = PointsField(help_text=_("Rounded to 2 decimals."))
    spend_points = PointsField(help_text=_("Rounded to 2 decimals."))
    leverage_points = PointsField(help_text=_("Rounded to 2 decimals."))
    published_findings = serializers.IntegerField(source="finding_count")
    spend_eur = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text=_("The affiliate's contract value attributed to the factory, in euros."),
    )
    other_affiliates = serializers.IntegerField(
        help_text=_("How many other affiliates share the factory (never which).")
    )
    explanation = serializers.ListField(child=serializers.CharField())


@extend_schema_view(
    list=extend_schema(
        tags=["priorities"],
        description=_(
            "The caller's affiliate's supply-chain factories, highest score first, each with "
            "the four parts of its score and their explanation in words."
        ),
    )
)
class PriorityViewSet(AffiliateScopedAPIMixin, viewsets.GenericViewSet):
    """Where to act first, for the caller's affiliate."""

    serializer_class = PrioritySerializer
    queryset = Factory.objects.none()  # for the schema: the rows are computed, not queried
    pagination_class = RankingPagination  # the ranking's count is exact, never capped

    @readmodel.one_generation()  # the ranking and the kept page read one token
    def list(self, request, *args, **kwargs):
        from .priorities import KeptPages, priorities_for

        def serialized(rows) -> bytes:
            return to_json(self.get_serializer(rows, many=True).data)

        rows = priorities_for(self.reader)
        # Each page kept serialised (RawJSON: its bytes go into the body as they are).
        page = self.paginate_queryset(KeptPages(rows, "priorities-api-page", serialized))
        if page is not None:
            (results,) = page
            return self.get_paginated_response(RawJSON(results))
        return Response(self.get_serializer(rows, many=True).data)
