"""Read-only API of the risk screenings of the caller's affiliate (`/api/v1/screenings/`);
another affiliate's are 404. Screenings are created and saved on the pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from affiliates.tenancy import AffiliateScopedAPIMixin

from ..models import Screening


@extend_schema_field({"type": "object", "additionalProperties": True})
class ResultsField(serializers.JSONField):
    """The results stored when the screening was saved: only what may be shown (counts
    under the threshold are null, factory names only of the affiliate's own supply chain)."""


class ScreeningSerializer(serializers.ModelSerializer):
    cpv_codes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    brands = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    countries = serializers.ListField(child=serializers.CharField(), read_only=True)
    results = ResultsField(read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "title",
            "tender_reference",
            "tender_date",
            "status",
            "cpv_codes",
            "brands",
            "countries",
            "contract",
            "created_at",
            "results_at",
            "results",
        ]
        read_only_fields = fields


class ScreeningViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The caller's affiliate's risk screenings, newest first, with their saved results."""

    serializer_class = ScreeningSerializer
    queryset = Screening.objects.none()

    def get_queryset(self):
        return Screening.objects.prefetch_related("cpv_codes", "brands").order_by(
            "-created_at", "-pk"
        )
