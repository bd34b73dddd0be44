from rest_framework import serializers

from .models import Disclosure, DisclosureLine, Factory, Supplier


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "legal_name",
            "country",
            "is_brand",
            "is_manufacturer",
            "is_contractor",
            "identifier_scheme",
            "identifier",
            "website",
        ]
        read_only_fields = fields


class FactorySerializer(serializers.ModelSerializer):
    other_affiliates = serializers.SerializerMethodField(
        help_text="How many other affiliates have this site in their supply chain."
    )

    class Meta:
        model = Factory
        fields = [
            "id",
            "name",
            "aliases",
            "address",
            "country",
            "region",
            "latitude",
            "longitude",
            "sector",
            "function",
            "products",
            "workforce_size",
            "migrant_share",
            "os_id",
            "owner",
            "other_affiliates",
        ]
        read_only_fields = fields

    def get_other_affiliates(self, factory) -> int:
        count = getattr(factory, "affiliate_count", None) or 0
        return max(count - (0 if self.context.get("staff") else 1), 0)


class StaffFactorySerializer(FactorySerializer):
    """For EW staff only: the combined leverage figures."""

    affiliate_count = serializers.IntegerField(read_only=True)
    combined_value_eur = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta(FactorySerializer.Meta):
        fields = [*FactorySerializer.Meta.fields, "affiliate_count", "combined_value_eur"]
        read_only_fields = fields


class DisclosureLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureLine
        fields = [
            "id",
            "factory",
            "site_name",
            "address",
            "country",
            "brand",
            "product_model",
            "tier",
        ]
        read_only_fields = fields


class DisclosureSerializer(serializers.ModelSerializer):
    contract_reference = serializers.CharField(source="contract.reference", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    line_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "contract",
            "contract_reference",
            "status",
            "due_date",
            "is_overdue",
            "requested_at",
            "submitted_at",
            "decided_at",
            "comments",
            "line_count",
        ]
        read_only_fields = fields
