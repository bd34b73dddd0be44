from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import PlainColumns

from .models import Contract, Disclosure, DisclosureLine, DisclosureUpload, Factory, Supplier


class SupplierSerializer(CountryFieldMixin, serializers.ModelSerializer):
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


class FactorySerializer(PlainColumns, serializers.ModelSerializer):
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


class DisclosureLineSerializer(PlainColumns, serializers.ModelSerializer):
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


class DisclosureSerializer(PlainColumns, serializers.ModelSerializer):
    """A disclosure; its rows carry `line_count` and `contract_reference` as annotations
    (`suppliers.api.DisclosureViewSet`), so a page builds no contract."""

    contract_reference = serializers.CharField(read_only=True)
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


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text=_("Line of the file; the header is 1."))
    column = serializers.CharField()
    message = serializers.CharField()


class DisclosureUploadSerializer(serializers.ModelSerializer):
    """A large upload checked and saved in the background: GET `url` until `status` is
    `done`, `rejected` (with `errors`) or `failed` (with `message`)."""

    url = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()

    class Meta:
        model = DisclosureUpload
        fields = [
            "id",
            "url",
            "disclosure",
            "file_name",
            "via",
            "status",
            "message",
            "rows_total",
            "rows_read",
            "rows_matched",
            "rows_saved",
            "lines_created",
            "lines_updated",
            "factories_created",
            "reviews_created",
            "errors",
            "stopped_at_row",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, upload) -> str:
        from django.urls import reverse

        path = reverse("disclosureupload-detail", kwargs={"pk": upload.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(RowErrorSerializer(many=True))
    def get_errors(self, upload) -> list[dict]:
        return [
            {"row": row, "column": column, "message": message}
            for row, column, message in upload.errors
        ]


class DisclosureUploadRequestSerializer(serializers.Serializer):
    disclosure = serializers.IntegerField(help_text=_("Id of one of your disclosures."))
    file = serializers.FileField(
        help_text=_("The list of sites as CSV (UTF-8) or XLSX, in the template's columns.")
    )


class DisclosureImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("New lines."))
    updated = serializers.IntegerField(help_text=_("Lines updated (same site, brand and model)."))
    factories_created = serializers.IntegerField()
    reviews_created = serializers.IntegerField(
        help_text=_("Uncertain matches sent to Electronics Watch's review queue.")
    )


class ContractSerializer(serializers.ModelSerializer):
    """Input and output of contracts. Writes go through the contract services, which validate
    the rules (dates, currency, unique reference) and set the affiliate and `value_eur`."""

    affiliate = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contractor = serializers.PrimaryKeyRelatedField(
        queryset=Supplier.objects.filter(is_contractor=True),
        required=False,
        help_text=_("Id of an existing contractor (supplier). Give this or `contractor_name`."),
    )
    contractor_name = serializers.CharField(
        write_only=True,
        required=False,
        max_length=255,
        help_text=_("Name of the contractor; a new contractor is created when none has this name."),
    )
    product_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Contract.Category.choices), required=False
    )
    # Checked by the service, whose message names every code that is not a CPV code.
    cpv_codes = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text=_("8 digits, optionally followed by “-” and a check digit: 30213100-6."),
    )
    # Checked by the service against the reference exchange rates, naming unknown codes.
    currency = serializers.CharField(
        max_length=10, required=False, help_text=_("ISO 4217 code; EUR by default.")
    )
    disclosure_due_date = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("By default 30 days after the award."),
    )
    disclosure_status = serializers.CharField(
        source="disclosure.status", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Contract
        fields = [
            "id",
            "affiliate",
            "reference",
            "title",
            "contractor",
            "contractor_name",
            "product_categories",
            "cpv_codes",
            "brands",
            "product_models",
            "value",
            "currency",
            "value_eur",
            "awarded_on",
            "start_date",
            "end_date",
            "ew_conditions_version",
            "disclosure_due_date",
            "disclosure_status",
            "ocid",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "affiliate", "value_eur", "created_at", "updated_at"]
        # The services check the reference's uniqueness within the affiliate.
        validators = []

    def validate(self, attrs):
        creating = self.instance is None
        has_contractor = attrs.get("contractor") is not None
        has_name = bool((attrs.get("contractor_name") or "").strip())
        if has_contractor and has_name:
            raise serializers.ValidationError(
                {"contractor_name": _("Give `contractor` or `contractor_name`, not both.")}
            )
        if creating and not (has_contractor or has_name):
            raise serializers.ValidationError(
                {"contractor": _("Give the contractor's id, or `contractor_name` for a new one.")}
            )
        return attrs


class ContractFilterSerializer(serializers.Serializer):
    """The query parameters of the contract list."""

    ew_conditions = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: with Electronics Watch conditions; false: without."),
    )
    contractor = serializers.IntegerField(
        required=False, help_text=_("Id of the contractor (supplier).")
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Words to find in the reference, title, brands, product models or CPV codes."),
    )
