"""Read-only API of the risk reference data: public knowledge, so any signed-in user reads it;
EW staff change it on the pages under /staff/reference/."""

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from core.api import StrictBooleanFilter
from core.models import ExchangeRate

from .models import (
    Convention,
    CountryRiskIndicator,
    MigrationCorridor,
    PathfinderCountry,
    ProductCategory,
    Ratification,
)

TAG = "Risk reference data"


def _country(field, label="Country"):
    return serializers.CharField(
        source=f"{field}.code", read_only=True, help_text=f"{label}: ISO 3166 two-letter code."
    )


SOURCE = ("source", "source_url", "year", "note")


class RatificationSerializer(serializers.ModelSerializer):
    country = _country("country")

    class Meta:
        model = Ratification
        fields = ("id", "country", "convention", "status", "ratified_on", *SOURCE)


class PathfinderCountrySerializer(serializers.ModelSerializer):
    country = _country("country")

    class Meta:
        model = PathfinderCountry
        fields = ("id", "country", "since", *SOURCE)


class MigrationCorridorSerializer(serializers.ModelSerializer):
    origin = _country("origin", "Country of origin")
    destination = _country("destination", "Country of destination")
    transit = serializers.ListField(
        child=serializers.CharField(max_length=2),
        help_text="Country codes of the transit countries, in the order workers pass them.",
    )

    class Meta:
        model = MigrationCorridor
        fields = ("id", "origin", "transit", "destination", "priority", *SOURCE)


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ("id", "sector", "name", "hs_code", *SOURCE)


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = ("id", "currency", "date", "units_per_euro", "source")


class CountryRiskLevelSerializer(serializers.ModelSerializer):
    country = _country("country")

    class Meta:
        model = CountryRiskIndicator
        fields = ("id", "country", "indicator", "value", "level", *SOURCE)


class CountryFilter(filters.FilterSet):
    country = filters.CharFilter(method="by_country", label="Country code (ISO 3166, 2 letters)")

    def by_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())


class RatificationFilter(CountryFilter):
    convention = filters.ChoiceFilter(choices=Convention.choices)

    class Meta:
        model = Ratification
        fields = ["country", "convention", "status"]


class PathfinderFilter(CountryFilter):
    class Meta:
        model = PathfinderCountry
        fields = ["country"]


class CorridorFilter(CountryFilter):
    priority = StrictBooleanFilter()

    def by_country(self, queryset, name, value):
        code = value.upper()
        return queryset.filter(Q(origin=code) | Q(destination=code) | Q(transit__contains=[code]))

    class Meta:
        model = MigrationCorridor
        fields = ["country", "priority"]


class ProductFilter(filters.FilterSet):
    class Meta:
        model = ProductCategory
        fields = ["sector", "hs_code"]


class ExchangeRateFilter(filters.FilterSet):
    currency = filters.CharFilter(method="by_currency", label="Currency code (ISO 4217)")
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = ExchangeRate
        fields = ["currency", "date_from", "date_to"]

    def by_currency(self, queryset, name, value):
        return queryset.filter(currency=value.upper())


class CountryRiskFilter(CountryFilter):
    class Meta:
        model = CountryRiskIndicator
        fields = ["country", "indicator", "level", "year"]


def _reference_viewset(name, model_, serializer, filterset, ordering, doc):
    @extend_schema_view(
        list=extend_schema(tags=[TAG], summary=f"List {doc}", description=doc),
        retrieve=extend_schema(tags=[TAG], summary=f"One of the {doc}", description=doc),
    )
    class ViewSet(viewsets.ReadOnlyModelViewSet):
        queryset = model_.objects.order_by(*ordering, "pk")
        serializer_class = serializer
        filterset_class = filterset

    ViewSet.__name__ = ViewSet.__qualname__ = name
    ViewSet.__doc__ = f"{doc[0].upper()}{doc[1:]} (read-only; any signed-in user)."
    return ViewSet


RatificationViewSet = _reference_viewset(
    "RatificationViewSet",
    Ratification,
    RatificationSerializer,
    RatificationFilter,
    ("country", "convention"),
    "ILO ratifications by country (NORMLEX)",
)
PathfinderCountryViewSet = _reference_viewset(
    "PathfinderCountryViewSet",
    PathfinderCountry,
    PathfinderCountrySerializer,
    PathfinderFilter,
    ("country",),
    "Alliance 8.7 pathfinder countries",
)
MigrationCorridorViewSet = _reference_viewset(
    "MigrationCorridorViewSet",
    MigrationCorridor,
    MigrationCorridorSerializer,
    CorridorFilter,
    ("origin", "destination"),
    "migration corridors (origin, transit countries, destination)",
)
ProductCategoryViewSet = _reference_viewset(
    "ProductCategoryViewSet",
    ProductCategory,
    ProductCategorySerializer,
    ProductFilter,
    ("sector", "name"),
    "product categories by sector, with their HS code",
)
ExchangeRateViewSet = _reference_viewset(
    "ExchangeRateViewSet",
    ExchangeRate,
    ExchangeRateSerializer,
    ExchangeRateFilter,
    ("currency", "-date"),
    "exchange rates in units per euro, by day",
)
CountryRiskLevelViewSet = _reference_viewset(
    "CountryRiskLevelViewSet",
    CountryRiskIndicator,
    CountryRiskLevelSerializer,
    CountryRiskFilter,
    ("country", "indicator", "-year"),
    "country risk figures (forced and child labour risk levels and more)",
)
