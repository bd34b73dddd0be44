"""Supply-chain API: shared rows through `visible_to`, tenant rows through the scope."""

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from affiliates.models import Membership
from affiliates.reader import ReaderKind
from affiliates.tenancy import AffiliateScopedAPIMixin, CachedCountAPIMixin, log_denied
from core.api import StrictBooleanFilter, audience_schema

from . import contracts as services
from . import disclosure_uploads, imports
from .contract_forms import filter_contracts
from .import_files import DisclosureFileError
from .models import (
    Contract,
    Disclosure,
    DisclosureLine,
    DisclosureUpload,
    Factory,
    FactoryFunction,
    Sector,
    Supplier,
)
from .serializers import (
    ContractFilterSerializer,
    ContractSerializer,
    DisclosureImportResultSerializer,
    DisclosureLineSerializer,
    DisclosureSerializer,
    DisclosureUploadRequestSerializer,
    DisclosureUploadSerializer,
    FactorySerializer,
    StaffFactorySerializer,
    SupplierSerializer,
)


class SupplierFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Name contains")
    is_brand = StrictBooleanFilter()
    is_contractor = StrictBooleanFilter()

    class Meta:
        model = Supplier
        fields = ["country", "is_brand", "is_contractor"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value))


class SupplierViewSet(CachedCountAPIMixin, AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Companies: staff see the registry; an affiliate its contractors and the companies
    sourcing from the sites in its supply chain."""

    readers_without_affiliate = frozenset({ReaderKind.STAFF})
    serializer_class = SupplierSerializer
    queryset = Supplier.objects.none()
    filterset_class = SupplierFilter

    def get_queryset(self):
        return Supplier.objects.visible_to(self.reader).order_by("name")


class FactoryFilter(filters.FilterSet):
    country = filters.CharFilter()
    sector = filters.ChoiceFilter(choices=Sector.choices)
    function = filters.ChoiceFilter(choices=FactoryFunction.choices)
    q = filters.CharFilter(method="search", label="Name or address contains")

    class Meta:
        model = Factory
        fields = ["country", "sector", "function"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(aliases__icontains=value)
        )


@audience_schema("FactoryByAudience", [StaffFactorySerializer, FactorySerializer])
class FactoryViewSet(CachedCountAPIMixin, AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Production sites: staff see all with leverage; an affiliate those in its chain (the
    `FactoryByAudience` variants: staff, affiliate)."""

    readers_without_affiliate = frozenset({ReaderKind.STAFF})
    queryset = Factory.objects.none()
    filterset_class = FactoryFilter

    def _for_staff(self) -> bool:
        # During schema generation no request ran `initial()`: document the staff shape.
        reader = getattr(self, "reader", None)
        return reader is None or reader.is_staff

    def get_serializer_class(self):
        return StaffFactorySerializer if self._for_staff() else FactorySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": self._for_staff()}

    def get_queryset(self):
        queryset = Factory.objects.visible_to(self.reader)
        if self.reader.is_staff:
            return queryset.with_leverage().order_by("name", "pk")
        return queryset.with_affiliate_count().order_by("name", "pk")


class DisclosureFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Disclosure.Status.choices)
    contract = filters.NumberFilter(field_name="contract_id")
    overdue = StrictBooleanFilter(method="filter_overdue")

    class Meta:
        model = Disclosure
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DisclosureViewSet(
    CachedCountAPIMixin, AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet
):
    """The caller's affiliate's disclosures."""

    serializer_class = DisclosureSerializer
    queryset = Disclosure.objects.none()
    filterset_class = DisclosureFilter

    def get_queryset(self):
        return (
            Disclosure.objects.with_line_count()
            # A subquery rather than a join: the page's count then reads the disclosures only.
            .annotate(
                contract_reference=Subquery(
                    Contract.objects.filter(pk=OuterRef("contract_id")).values("reference")
                )
            )
            .order_by("due_date", "pk")
        )


class DisclosureLineFilter(filters.FilterSet):
    disclosure = filters.NumberFilter(field_name="disclosure_id")
    factory = filters.NumberFilter(field_name="factory_id")
    country = filters.CharFilter()
    brand = filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = DisclosureLine
        fields: list[str] = []


class DisclosureLineViewSet(
    CachedCountAPIMixin, AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet
):
    """Lines of the caller's affiliate's disclosures; filter with `?disclosure=<id>`."""

    serializer_class = DisclosureLineSerializer
    queryset = DisclosureLine.objects.none()
    filterset_class = DisclosureLineFilter

    def get_queryset(self):
        return DisclosureLine.objects.order_by("disclosure_id", "site_name", "pk")


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": DisclosureUploadRequestSerializer},
        responses={
            200: DisclosureImportResultSerializer,
            202: DisclosureUploadSerializer,
            400: OpenApiResponse(
                description=_(
                    "Nothing was saved: the file cannot be read, or the disclosure is "
                    "accepted (the reason under `file` or `detail`); or some rows are wrong: "
                    "the reason under `file` (saying where checking stopped, if it did) and "
                    "under `errors` each error kept, as `{row, column, message}`."
                ),
            ),
        },
        description=_(
            "Upload a list of sites to one of your disclosures, as the disclosure page does: "
            "all rows are saved or none. A file of up to a few thousand rows is imported at "
            "once (200, with the counts); a larger one is checked and saved in the "
            "background: 202 with the upload's `url` (also in `Location`), to GET until its "
            "`status` is `done`, `rejected` (with `errors`) or `failed`. Admins and officers "
            "only."
        ),
    ),
)
class DisclosureUploadViewSet(
    AffiliateScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's affiliate's large uploads (kept for a retention period), newest first."""

    serializer_class = DisclosureUploadSerializer
    queryset = DisclosureUpload.objects.none()
    parser_classes = [MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and self.reader.role not in Membership.EDITORS:
            log_denied(request, "api affiliate role")
            raise PermissionDenied(_("Viewers may read disclosures but not upload to them."))

    def get_queryset(self):
        return DisclosureUpload.objects.order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        given = DisclosureUploadRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        disclosure = get_object_or_404(
            Disclosure.objects.select_related("affiliate"), pk=given.validated_data["disclosure"]
        )
        try:
            outcome = disclosure_uploads.disclosure_upload(
                disclosure=disclosure,
                file=given.validated_data["file"],
                by=request.user,
                via=DisclosureUpload.Via.API,
            )
        except imports.DisclosureImportRejected as rejected:
            body = {
                "file": [rejected.message],
                "errors": [
                    {"row": e.row, "column": e.column, "message": e.message}
                    for e in rejected.errors
                ],
            }
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        except DisclosureFileError as error:
            return Response({"file": [error.message]}, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(outcome, DisclosureUpload):
            data = self.get_serializer(outcome).data
            return Response(
                data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]}
            )
        return Response(DisclosureImportResultSerializer(outcome).data)


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
    CachedCountAPIMixin,
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
        if request.method not in SAFE_METHODS and self.reader.role not in Membership.EDITORS:
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


class ContractOcdsViewSet(AffiliateScopedAPIMixin, viewsets.ViewSet):
    """The caller's affiliate's contracts as one OCDS 1.1 release package."""

    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
        description=_(
            "All of the affiliate's contracts as an OCDS 1.1 release package: one release "
            "per contract, tagged award and contract, the affiliate as buyer and the "
            "contractor as supplier."
        ),
    )
    def list(self, request, *args, **kwargs):
        from .ocds_export import ocds_export

        data = ocds_export(affiliate=self.affiliate, uri=settings.SITE_URL + request.path)
        return HttpResponse(data, content_type="application/json")
