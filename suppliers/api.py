"""Supply-chain API: shared rows through `visible_to`, tenant rows through the scope."""

from django.db.models import Count, Q
from django_filters import rest_framework as filters
from rest_framework import viewsets

from affiliates.models import Contract
from affiliates.tenancy import AffiliateScopedAPIMixin

from .models import Disclosure, DisclosureLine, Factory, FactoryFunction, Sector, Supplier
from .serializers import (
    DisclosureLineSerializer,
    DisclosureSerializer,
    FactorySerializer,
    StaffFactorySerializer,
    SupplierSerializer,
)


class SupplierFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Name contains")
    is_brand = filters.BooleanFilter()
    is_contractor = filters.BooleanFilter()

    class Meta:
        model = Supplier
        fields = ["country", "is_brand", "is_contractor"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(legal_name__icontains=value))


class SupplierViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Companies: staff see the registry; an affiliate its contractors and the companies
    sourcing from the sites in its supply chain."""

    staff_see_all = True
    serializer_class = SupplierSerializer
    queryset = Supplier.objects.none()
    filterset_class = SupplierFilter

    def get_queryset(self):
        if self.affiliate is None:
            return Supplier.objects.order_by("name")
        chain = Factory.objects.in_supply_chain_of(self.affiliate)
        contractors = Contract.objects.values("contractor_id")
        return (
            Supplier.objects.filter(Q(pk__in=contractors) | Q(factory_links__factory__in=chain))
            .distinct()
            .order_by("name")
        )


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


class FactoryViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Production sites: staff see all with leverage; an affiliate those in its chain."""

    staff_see_all = True
    queryset = Factory.objects.none()
    filterset_class = FactoryFilter

    def _for_staff(self) -> bool:
        # During schema generation no request ran `initial()`: document the staff shape.
        return getattr(self, "affiliate", None) is None

    def get_serializer_class(self):
        return StaffFactorySerializer if self._for_staff() else FactorySerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "staff": self._for_staff()}

    def get_queryset(self):
        queryset = Factory.objects.visible_to(self.request.user, self.affiliate)
        if self.affiliate is None:
            return queryset.with_leverage().order_by("name", "pk")
        return queryset.with_affiliate_count().order_by("name", "pk")


class DisclosureFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Disclosure.Status.choices)
    contract = filters.NumberFilter(field_name="contract_id")
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Disclosure
        fields = ["status"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


class DisclosureViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's affiliate's disclosures."""

    serializer_class = DisclosureSerializer
    queryset = Disclosure.objects.none()
    filterset_class = DisclosureFilter

    def get_queryset(self):
        return (
            Disclosure.objects.select_related("contract")
            .annotate(line_count=Count("lines"))
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


class DisclosureLineViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Lines of the caller's affiliate's disclosures; filter with `?disclosure=<id>`."""

    serializer_class = DisclosureLineSerializer
    queryset = DisclosureLine.objects.none()
    filterset_class = DisclosureLineFilter

    def get_queryset(self):
        return DisclosureLine.objects.order_by("disclosure_id", "site_name", "pk")
