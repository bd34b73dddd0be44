"""`/api/v1/risk/`: the risk views' tables (reports/risk.py) as data.

EW staff read every table over all counted findings; an affiliate member (the affiliate
resolved like every tenant API, `?affiliate=<slug>` when the user has several) the same tables
over its own supply chain and published findings; anyone else gets 404. The page's filters
apply as query parameters (`country`, `sector`, `severity`, `standard`, `period_from`,
`period_to`); an invalid one is refused with 400.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from affiliates.reader import ReaderKind
from affiliates.tenancy import AffiliateScopedAPIMixin, log_denied
from core import readmodel
from core.renderers import RawJSON, to_json

from .risk import TABLES, RiskFilterForm, cached_for, parts_for, risk_table, risk_tables


class RiskTableSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    columns = serializers.ListField(child=serializers.CharField(), read_only=True)
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.JSONField()),
        read_only=True,
        help_text=_(
            "One list per row: its label first, then one value per column after the first "
            "(a number, or a text such as “fewer than 5”)."
        ),
    )
    empty_text = serializers.CharField(read_only=True)


FILTER_PARAMETERS = [
    OpenApiParameter("country", OpenApiTypes.STR, description=_("Factory country (ISO code).")),
    OpenApiParameter("sector", OpenApiTypes.STR, description=_("Factory sector.")),
    OpenApiParameter("severity", OpenApiTypes.STR, description=_("Severity of the findings.")),
    OpenApiParameter("standard", OpenApiTypes.INT, description=_("Id of a Code category.")),
    OpenApiParameter(
        "period_from", OpenApiTypes.DATE, description=_("Monitoring period ends on or after.")
    ),
    OpenApiParameter(
        "period_to", OpenApiTypes.DATE, description=_("Monitoring period starts on or before.")
    ),
]


@extend_schema_view(
    list=extend_schema(
        tags=["risk"],
        parameters=FILTER_PARAMETERS,
        description=_("Every risk table, in the order of the risk page."),
    ),
    retrieve=extend_schema(
        tags=["risk"],
        parameters=[
            OpenApiParameter(
                "slug",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(TABLES),
                description=_("Which table."),
            ),
            *FILTER_PARAMETERS,
        ],
    ),
)
class RiskViewSet(AffiliateScopedAPIMixin, viewsets.ViewSet):
    """The risk views' tables, scoped to the reader."""

    readers_without_affiliate = frozenset({ReaderKind.STAFF})
    serializer_class = RiskTableSerializer
    lookup_field = "slug"
    lookup_value_regex = "[a-z-]+"

    def _filters(self, request) -> dict:
        form = RiskFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return form.cleaned_data

    def _check_reader(self):
        if not (self.reader.is_staff or self.reader.is_affiliate):
            log_denied(self.request, "risk api")
            raise NotFound

    @readmodel.one_generation()
    def list(self, request):
        self._check_reader()
        filters = self._filters(request)

        def serialized():  # the tables of the exports, every row; kept as JSON (some 700 KB)
            tables = risk_tables(self.reader, filters, whole=True)
            return to_json(RiskTableSerializer(tables, many=True).data)

        return Response(
            RawJSON(cached_for(self.reader, "api-json", parts_for(filters), serialized))
        )

    def retrieve(self, request, slug=None):
        self._check_reader()
        if slug not in TABLES:
            raise NotFound
        table = risk_table(self.reader, slug, self._filters(request))
        return Response(RiskTableSerializer(table).data)
