"""Monitoring API shapes, one per audience (DESIGN.md §4, rules 2–4).

- Affiliates read the published facts only: no confidential text, no evidence, no triage
  record, no partner identity (monitors' safety), and a small number of workers affected is
  withheld so that it cannot point at a person.
- A monitoring partner reads its own reports in full, without the staff's triage fields.
- EW staff read everything, publication state included.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from core.serializers import FieldsBuiltOnce
from suppliers.models import Factory

from .models import (
    ChildLabourCategory,
    CodeStandard,
    CohortFee,
    EvidenceFile,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringPartner,
    MonitoringReport,
    RecruitmentAgency,
    ReportEvent,
    TraffickingAct,
    TraffickingMeans,
    TraffickingPurpose,
)


def min_reported_count() -> int:
    """Below this many workers, a count could identify them: affiliates do not receive it."""
    return getattr(settings, "EW_MIN_REPORTED_COUNT", 5)


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as one named enum, however many shapes carry it.

    The report's and the finding's `status` are each used by several audience shapes, and
    `status` also names the disclosure's states: left to drf-spectacular, the three choice
    sets would get hashed enum names.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        schema = {k: v for k, v in build_choice_field(field).items() if k != "x-spec-enum-id"}
        component = ResolvedComponent(
            name=field.enum_name,
            type=ResolvedComponent.SCHEMA,
            object=field.enum_name,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


def report_status_field(**kwargs) -> NamedChoiceField:
    return NamedChoiceField(
        enum_name="MonitoringReportStatusEnum",
        choices=MonitoringReport.Status.choices,
        read_only=True,
        **kwargs,
    )


class MonitoredFactorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Factory
        fields = ["id", "name", "country"]
        read_only_fields = fields


class PartnerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringPartner
        fields = ["id", "name"]
        read_only_fields = fields


class StandardRefSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = CodeStandard
        fields = ["number", "label"]
        read_only_fields = fields


class IloIndicatorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ForcedLabourIndicator.choices, read_only=True)
    label = serializers.CharField(read_only=True)


class RecruitmentAgencySerializer(serializers.ModelSerializer):
    country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2 code.")

    class Meta:
        model = RecruitmentAgency
        fields = ["id", "position", "side", "name", "country"]
        read_only_fields = fields


class CohortFeeSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The agency paid, one of the cohort's."
    )
    amount_eur = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Null when no exchange rate of that day was recorded (fees carried over "
        "from findings before cohorts existed).",
    )
    rate = serializers.SerializerMethodField(help_text="Units of the currency per euro used.")
    rate_date = serializers.DateField(source="rate.date", read_only=True, allow_null=True)

    class Meta:
        model = CohortFee
        fields = [
            "step",
            "agency",
            "cost_item",
            "amount",
            "currency",
            "paid_on",
            "amount_eur",
            "rate",
            "rate_date",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=6, allow_null=True))
    def get_rate(self, fee):
        return None if fee.rate is None else f"{fee.rate.units_per_euro:.6f}"


class FindingIdsField(serializers.ManyRelatedField):
    """A cohort's findings by id (`PrimaryKeyRelatedField(many=True)`), read off the cohort's
    `finding_ids` when its queryset annotates them (the API's, `monitoring.api`: one array
    per cohort instead of a query for the findings), else off the relation."""

    def get_attribute(self, instance):
        ids = getattr(instance, "finding_ids", None)
        if ids is None:
            return super().get_attribute(instance)
        return [PKOnlyObject(pk) for pk in ids]


class MigrantCohortSerializer(serializers.ModelSerializer):
    """A migrant cohort of a report: staff and the partner only, never affiliates."""

    origin_country = serializers.CharField(
        read_only=True, help_text="ISO 3166-1 alpha-2 code; empty when not recorded."
    )
    transit_countries = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="ISO codes, in order."
    )
    destination_country = serializers.CharField(read_only=True, help_text="ISO 3166-1 alpha-2.")
    corridor = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    route = serializers.CharField(read_only=True)
    workers = serializers.IntegerField(read_only=True)
    findings = FindingIdsField(
        child_relation=serializers.PrimaryKeyRelatedField(read_only=True), read_only=True
    )
    agencies = RecruitmentAgencySerializer(many=True, read_only=True)
    fees = CohortFeeSerializer(many=True, read_only=True)
    fees_per_worker_eur = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="Fees without a rate left out."
    )

    class Meta:
        model = MigrantCohort
        fields = [
            "id",
            "report",
            "origin_country",
            "transit_countries",
            "destination_country",
            "corridor",
            "route",
            "workers_women",
            "workers_men",
            "workers_other",
            "workers",
            "debt_per_worker",
            "debt_currency",
            "months_to_repay",
            "documents_held_by",
            "contract_substitution",
            "employer_housing",
            "findings",
            "agencies",
            "fees",
            "fees_per_worker_eur",
        ]
        read_only_fields = fields


class EvidenceFileSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "finding",
            "original_name",
            "description",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]
        read_only_fields = fields


class ReportEventSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(source="actor", slug_field="email", read_only=True)

    class Meta:
        model = ReportEvent
        fields = ["kind", "by", "text", "created_at"]
        read_only_fields = fields


# --- Findings -------------------------------------------------------------------------------

# A finding's related rows the API's queryset fetches as plain lists (`Prefetch(to_attr=…)`,
# monitoring/api.py), read by the shapes instead of the relation: Django's own prefetch gives
# each finding a queryset per relation, which points back at the finding (its hints), so every
# row of a page became garbage in reference cycles, freed only by the collector.
LISTED_RELATIONS = {"evidence_files": "listed_evidence_files", "cohorts": "listed_cohorts"}

FINDING_FACTS = [
    "id",
    "report",
    "factory",
    "standard",
    "sub_standard",
    "ilo_indicators",
    "severity",
    "fast_track",
    "status",
    "youngest_age_observed",
    "child_labour",
    "trafficking_acts",
    "trafficking_means",
    "trafficking_purposes",
    "workers_affected",
    "workers_affected_withheld",
    "published_text",
    "published_at",
]


class AffiliateFindingSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A published finding as an affiliate reads it (its fields, and each shape's, built once
    per process: `FieldsBuiltOnce`)."""

    withholds_small_counts = True  # `workers_affected` below min_reported_count(): null

    factory = MonitoredFactorySerializer(source="report.factory", read_only=True)
    standard = StandardRefSerializer(read_only=True)
    sub_standard = serializers.CharField(
        source="sub_standard.label", read_only=True, allow_null=True
    )
    ilo_indicators = serializers.SerializerMethodField()
    workers_affected = serializers.SerializerMethodField(
        help_text="Null when unknown, or when too few to be reported without identifying them."
    )
    workers_affected_withheld = serializers.SerializerMethodField(
        help_text="True when a number was recorded but affiliates do not receive it."
    )
    status = NamedChoiceField(
        enum_name="FindingStatusEnum", choices=Finding.Status.choices, read_only=True
    )
    child_labour = serializers.ListField(
        child=serializers.ChoiceField(choices=ChildLabourCategory.choices),
        read_only=True,
        help_text="ILO C138 and C182 categories.",
    )
    trafficking_acts = serializers.ListField(
        child=serializers.ChoiceField(choices=TraffickingAct.choices), read_only=True
    )
    trafficking_means = serializers.ListField(
        child=serializers.ChoiceField(choices=TraffickingMeans.choices), read_only=True
    )
    trafficking_purposes = serializers.ListField(
        child=serializers.ChoiceField(choices=TraffickingPurpose.choices), read_only=True
    )

    class Meta:
        model = Finding
        fields = FINDING_FACTS
        read_only_fields = fields

    @extend_schema_field(IloIndicatorSerializer(many=True))
    def get_ilo_indicators(self, finding):
        labels = _ilo_labels()
        return [
            {"code": code, "label": labels.get(code) or str(code)}
            for code in finding.ilo_indicators
        ]

    def _withheld(self, finding) -> bool:
        count = finding.workers_affected
        return count is not None and count < min_reported_count()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_workers_affected(self, finding) -> int | None:
        return None if self._withheld(finding) else finding.workers_affected

    def get_workers_affected_withheld(self, finding) -> bool:
        return self._withheld(finding)

    def to_representation(self, finding):
        """The published facts without DRF's walk through the fields (source paths, one
        generator per row): some 40% of an API page of 50 findings. Each value still goes
        through its own field's `to_representation`, so the answer is the same (tested
        against DRF's generic path for every shape, `tests/monitoring/test_finding_api_shape.py`);
        the fields the partner's and the staff's shapes add after them go through DRF's own
        steps (`get_attribute`, then `to_representation`)."""
        fields = self._published_fields
        factory = finding.report.factory
        standard = finding.standard
        sub_standard = finding.sub_standard
        withheld = self._withheld(finding)
        row = {
            "id": finding.pk,
            "report": finding.report_id,
            "factory": None
            if factory is None
            else {
                "id": factory.pk,
                "name": fields["factory.name"](factory.name),
                "country": fields["factory.country"](factory.country),
            },
            "standard": None
            if standard is None
            else {
                "number": fields["standard.number"](standard.number),
                "label": fields["standard.label"](standard.label),
            },
            "sub_standard": None
            if sub_standard is None
            else fields["sub_standard"](sub_standard.label),
            "ilo_indicators": self.get_ilo_indicators(finding),
        }
        for name in _PLAIN_FACTS:
            value = getattr(finding, name)
            row[name] = None if value is None else fields[name](value)
        count = finding.workers_affected
        row["workers_affected"] = None if withheld and self.withholds_small_counts else count
        row["workers_affected_withheld"] = withheld
        for name in ("published_text", "published_at"):
            value = getattr(finding, name)
            row[name] = None if value is None else fields[name](value)
        for field in self._added_fields:  # as `Serializer.to_representation` does
            listed = finding.__dict__.get(LISTED_RELATIONS.get(field.field_name, ""))
            try:
                attribute = field.get_attribute(finding) if listed is None else listed
            except SkipField:
                continue
            check = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            row[field.field_name] = None if check is None else field.to_representation(attribute)
        return row

    @property
    def _added_fields(self) -> list:
        return _once_per_class(self, "_added_fields_once", self._find_added_fields)

    @property
    def _published_fields(self) -> dict:
        return _once_per_class(self, "_published_fields_once", self._find_published_fields)

    def _find_added_fields(self) -> list:
        """The readable fields of a wider shape after the published facts, in its order."""
        shown = [field for field in self.fields.values() if not field.write_only]
        if [field.field_name for field in shown[: len(FINDING_FACTS)]] != FINDING_FACTS:
            raise ImproperlyConfigured(f"{type(self).__name__} must start with FINDING_FACTS")
        return shown[len(FINDING_FACTS) :]

    def _find_published_fields(self) -> dict:
        """Each value's `to_representation`, by its place in the shape."""
        fields = self.fields
        found = {name: fields[name].to_representation for name in _PLAIN_FACTS}
        for name in ("sub_standard", "published_text", "published_at"):
            found[name] = fields[name].to_representation
        for nested, names in (("factory", ("name", "country")), ("standard", ("number", "label"))):
            for name in names:
                found[f"{nested}.{name}"] = fields[nested].fields[name].to_representation
        return found


_ILO_LABELS: dict[str, dict[str, str]] = {}


def _ilo_labels() -> dict[str, str]:
    """The ILO indicators' labels in the active language, translated once per process."""
    language = get_language()
    labels = _ILO_LABELS.get(language)
    if labels is None:
        labels = {code: str(label) for code, label in ForcedLabourIndicator.choices}
        _ILO_LABELS[language] = labels
    return labels


def _once_per_class(serializer, name: str, compute):
    """What `compute()` finds in the shape's fields, kept on its class (the fields are the
    class's: `FieldsBuiltOnce`)."""
    cls = type(serializer)
    found = cls.__dict__.get(name)
    if found is None:
        found = compute()
        setattr(cls, name, found)
    return found


# The facts between `ilo_indicators` and `workers_affected`, in the shape's order.
_PLAIN_FACTS = tuple(
    FINDING_FACTS[FINDING_FACTS.index("severity") : FINDING_FACTS.index("workers_affected")]
)


class PartnerFindingSerializer(AffiliateFindingSerializer):
    """The partner's own finding: the confidential texts and files included."""

    withholds_small_counts = False

    workers_affected = serializers.IntegerField(read_only=True, allow_null=True)
    evidence_files = EvidenceFileSerializer(many=True, read_only=True)
    cohorts = MigrantCohortSerializer(many=True, read_only=True)

    class Meta(AffiliateFindingSerializer.Meta):
        fields = [
            *FINDING_FACTS,
            "cohorts",
            "confidential_text",
            "evidence_summary",
            "evidence_files",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class StaffFindingSerializer(PartnerFindingSerializer):
    """For EW staff: who monitored, and where the report stands in triage."""

    partner = PartnerRefSerializer(source="report.partner", read_only=True)
    report_status = report_status_field(source="report.status")
    assigned_to = serializers.SlugRelatedField(
        source="report.assigned_to", slug_field="email", read_only=True
    )

    class Meta(PartnerFindingSerializer.Meta):
        fields = [*PartnerFindingSerializer.Meta.fields, "partner", "report_status", "assigned_to"]
        read_only_fields = fields


# --- Reports --------------------------------------------------------------------------------


class AffiliateReportSerializer(serializers.ModelSerializer):
    """The published version of a report: where, when, and what EW chose to say."""

    reference = serializers.CharField(read_only=True)
    factory = MonitoredFactorySerializer(read_only=True)

    class Meta:
        model = MonitoringReport
        fields = [
            "id",
            "reference",
            "factory",
            "period_start",
            "period_end",
            "published_summary",
            "published_at",
        ]
        read_only_fields = fields


class PartnerReportSerializer(AffiliateReportSerializer):
    """The partner's own report in full, without the staff's triage fields."""

    partner = PartnerRefSerializer(read_only=True)
    status = report_status_field()
    workers_interviewed = serializers.IntegerField(read_only=True)
    evidence_files = EvidenceFileSerializer(many=True, read_only=True)
    cohorts = MigrantCohortSerializer(many=True, read_only=True)

    class Meta(AffiliateReportSerializer.Meta):
        fields = [
            *AffiliateReportSerializer.Meta.fields,
            "partner",
            "status",
            "methods",
            "interviewed_women",
            "interviewed_men",
            "interviewed_other_gender",
            "interviewed_migrant",
            "interviewed_local",
            "workers_interviewed",
            "summary",
            "evidence_files",
            "cohorts",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
            "rejection_reason",
        ]
        read_only_fields = fields


class StaffReportSerializer(PartnerReportSerializer):
    """For EW staff: the triage record too."""

    assigned_to = serializers.SlugRelatedField(slug_field="email", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    published_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    events = ReportEventSerializer(many=True, read_only=True)

    class Meta(PartnerReportSerializer.Meta):
        fields = [
            *PartnerReportSerializer.Meta.fields,
            "assigned_to",
            "created_by",
            "decided_by",
            "published_by",
            "events",
        ]
        read_only_fields = fields
