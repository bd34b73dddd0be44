"""Company API: `/api/v1/company/disclosures/`, every affiliate's disclosure requests to the
caller's company as contractor, with the buyer's name, the due date and the status (never
the contract's value); the detail adds the lines submitted so far. Answering a request is
done on the portal page or the e-mailed link (file uploads)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_scopes import scopes_disabled
from rest_framework import serializers, viewsets

from suppliers.models import Disclosure, DisclosureLine

from .mixins import CompanyAPIMixin


class CompanyDisclosureLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureLine
        fields = ["id", "site_name", "address", "country", "brand", "product_model", "tier"]
        read_only_fields = fields


class CompanyDisclosureSerializer(serializers.ModelSerializer):
    affiliate_name = serializers.CharField(
        source="affiliate.name", read_only=True, help_text=_("The public buyer that asks.")
    )
    contract_reference = serializers.CharField(source="contract.reference", read_only=True)
    contract_title = serializers.CharField(source="contract.title", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "affiliate_name",
            "contract_reference",
            "contract_title",
            "status",
            "due_date",
            "is_overdue",
            "requested_at",
            "submitted_at",
            "comments",
            "line_count",
        ]
        read_only_fields = fields


class CompanyDisclosureDetailSerializer(CompanyDisclosureSerializer):
    lines = CompanyDisclosureLineSerializer(many=True, read_only=True, source="listed_lines")

    class Meta(CompanyDisclosureSerializer.Meta):
        fields = [*CompanyDisclosureSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class CompanyDisclosureFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Disclosure.Status.choices)

    class Meta:
        model = Disclosure
        fields: list[str] = []


class CompanyDisclosureViewSet(CompanyAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The disclosure requests of every public buyer to the caller's company, soonest due
    first. Company contacts only; anyone else gets 404."""

    company_model = Disclosure
    filterset_class = CompanyDisclosureFilter

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CompanyDisclosureDetailSerializer
        return CompanyDisclosureSerializer

    def get_queryset(self):
        if not hasattr(self, "company_id"):  # schema generation
            return Disclosure.objects.none()
        rows = (
            Disclosure.objects.of_contractor(self.company_id)
            .select_related("contract", "affiliate")
            .annotate(line_count=Count("lines"))
            .order_by("due_date", "pk")
        )
        if self.action == "retrieve":
            rows = rows.prefetch_related(
                Prefetch(
                    "lines",
                    queryset=DisclosureLine.objects.order_by("site_name", "brand", "pk"),
                    to_attr="listed_lines",
                )
            )
        return rows

    # Every affiliate's rows, filtered to the caller's company: outside any tenant's scope.
    def list(self, request, *args, **kwargs):
        with scopes_disabled():
            return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        with scopes_disabled():
            return super().retrieve(request, *args, **kwargs)
