from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from suppliers.models import Supplier

from .models import Affiliate, ComplianceReport, Contract, Membership


class AffiliateSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Affiliate
        fields = ["slug", "name", "country", "affiliate_type", "affiliated_on", "role"]
        read_only_fields = fields

    def get_role(self, affiliate) -> str:
        return self.context["roles"].get(affiliate.pk, "")


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "role", "created_at"]
        read_only_fields = fields


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


class ComplianceReportSerializer(serializers.ModelSerializer):
    """A compliance report: POST names the period and/or contract (the affiliate is the
    caller's); GET shows where the rendering is and, once ready, where to download it."""

    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    reference = serializers.CharField(read_only=True)
    contract = serializers.PrimaryKeyRelatedField(
        queryset=Contract.objects.none(),
        required=False,
        allow_null=True,
        help_text=_("Id of one of your contracts, for a report on that contract only."),
    )
    period_start = serializers.DateField(
        required=False, help_text=_("First day; with period_end. Default: last calendar year.")
    )
    period_end = serializers.DateField(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = ComplianceReport
        fields = [
            "id",
            "url",
            "reference",
            "contract",
            "period_start",
            "period_end",
            "language",
            "version",
            "status",
            "failure_reason",
            "download_url",
            "sha256",
            "page_count",
            "size",
            "scheduled",
            "requested_at",
            "finished_at",
        ]
        read_only_fields = [
            "version",
            "status",
            "failure_reason",
            "sha256",
            "page_count",
            "size",
            "scheduled",
            "requested_at",
            "finished_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        view = self.context.get("view")
        if view is not None and getattr(view, "affiliate", None) is not None:
            self.fields["contract"].queryset = Contract.objects.all()

    def get_url(self, report) -> str:
        return self._absolute(reverse("compliancereport-detail", kwargs={"pk": report.pk}))

    def get_download_url(self, report) -> str | None:
        if report.status != ComplianceReport.Status.READY:
            return None
        return self._absolute(reverse("compliancereport-download", kwargs={"pk": report.pk}))

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
