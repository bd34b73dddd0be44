from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from . import services
from .forms import filter_contracts
from .models import Affiliate, ComplianceReport, Contract, Membership
from .serializers import (
    AffiliateSerializer,
    ComplianceReportSerializer,
    ContractFilterSerializer,
    ContractSerializer,
    MembershipSerializer,
)
from .tenancy import AffiliateScopedAPIMixin, log_denied, memberships_of


class AffiliateViewSet(viewsets.ReadOnlyModelViewSet):
    """The affiliates the caller belongs to, with the caller's role in each."""

    serializer_class = AffiliateSerializer
    queryset = Affiliate.objects.none()
    lookup_field = "slug"

    def get_queryset(self):
        slugs = [m.affiliate.slug for m in memberships_of(self.request.user)]
        return Affiliate.objects.filter(slug__in=slugs, is_active=True).order_by("name")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["roles"] = {m.affiliate_id: m.role for m in memberships_of(self.request.user)}
        return context


class MembershipViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Members of the caller's affiliate."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()

    def get_queryset(self):
        return Membership.objects.select_related("user").order_by("user__email")


CONTRACT_FILTERS = [
    OpenApiParameter(
        "ew_conditions",
        bool,
        description=_("true: contracts with Electronics Watch conditions; false: without."),
    ),
    OpenApiParameter("contractor", int, description=_("Id of the contractor (supplier).")),
    OpenApiParameter(
        "q",
        str,
        description=_(
            "Words to find in the reference, title, brands, product models or CPV codes."
        ),
    ),
]


@extend_schema_view(
    list=extend_schema(parameters=CONTRACT_FILTERS),
    partial_update=extend_schema(
        description=_("Change some fields. Admins and officers only; viewers get 403.")
    ),
    create=extend_schema(
        description=_(
            "Record a contract: its disclosure request is created, and with the Electronics "
            "Watch conditions its checklist. Admins and officers only; viewers get 403."
        )
    ),
)
class ContractViewSet(
    AffiliateScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's affiliate's contracts. Writes go through the contract services."""

    serializer_class = ContractSerializer
    queryset = Contract.objects.none()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and not self.membership.can_edit:
            log_denied(request, "api affiliate role")
            raise PermissionDenied(_("Viewers may read contracts but not change them."))

    def get_queryset(self):
        contracts = Contract.objects.select_related(
            "affiliate", "contractor", "disclosure"
        ).order_by("-awarded_on", "reference", "pk")
        if self.action != "list":
            return contracts
        filters = ContractFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        contractor = params.get("contractor")
        return filter_contracts(
            contracts,
            q=params.get("q") or "",
            ew_conditions=params.get("ew_conditions"),
            contractor=contractor,
        )

    def perform_create(self, serializer):
        serializer.instance = services.contract_create(
            affiliate=self.affiliate, by=self.request.user, **serializer.validated_data
        )

    def partial_update(self, request, *args, **kwargs):
        contract = self.get_object()
        serializer = self.get_serializer(contract, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contract = services.contract_update(
            contract=contract, by=request.user, **serializer.validated_data
        )
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(self.get_serializer(contract).data)


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
        if request.method not in SAFE_METHODS and not self.membership.can_edit:
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
