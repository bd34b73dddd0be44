"""Monitoring API, read-only. Who reads what is decided by the reader (`affiliates.reader`):

- EW staff: every report and finding, publication state and triage record included;
- a monitoring partner's member: its own organisation's reports and findings, in full;
- an affiliate member (the affiliate resolved like every tenant API, `?affiliate=<slug>` when
  the user has several): published findings at factories in the affiliate's supply chain, in
  their published form only;
- anyone else: 404.

The rows come from `visible_to(reader)` in `monitoring.querysets`, the shapes from
`monitoring.serializers`, one per kind of reader.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Prefetch, prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from rest_framework import viewsets

from affiliates.reader import ReaderKind
from affiliates.tenancy import AffiliateScopedAPIMixin, CachedCountAPIMixin
from core.api import ReleasesRowsMixin, StrictBooleanFilter, audience_schema

from .cohorts import journey_order
from .models import (
    CohortFee,
    EvidenceFile,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringReport,
    Severity,
)
from .serializers import (
    LISTED_RELATIONS,
    AffiliateFindingSerializer,
    AffiliateReportSerializer,
    PartnerFindingSerializer,
    PartnerReportSerializer,
    StaffFindingSerializer,
    StaffReportSerializer,
)


class SharedRowsAPIMixin(ReleasesRowsMixin, CachedCountAPIMixin, AffiliateScopedAPIMixin):
    """Rows several audiences read: staff and partner members read without an affiliate,
    affiliate members as their affiliate (404 without one). The rows come from
    `visible_to(self.reader)`; `serializer_classes` gives each kind of reader its shape."""

    readers_without_affiliate = frozenset({ReaderKind.STAFF, ReaderKind.PARTNER})
    serializer_classes: dict[ReaderKind, type]

    def get_serializer_class(self):
        # Schema generation runs no request: it documents the staff shape.
        reader = getattr(self, "reader", None)
        return self.serializer_classes[reader.kind if reader else ReaderKind.STAFF]


def _audience_schema(component_name: str, classes: dict[ReaderKind, type]):
    """Document every audience's shape as one `oneOf` response."""
    return audience_schema(
        component_name,
        [classes[ReaderKind.STAFF], classes[ReaderKind.PARTNER], classes[ReaderKind.AFFILIATE]],
    )


# --- Reports --------------------------------------------------------------------------------


class MonitoringReportFilter(filters.FilterSet):
    factory = filters.NumberFilter(field_name="factory_id")
    status = filters.ChoiceFilter(choices=MonitoringReport.Status.choices)
    partner = filters.NumberFilter(
        method="filter_partner", label=_("Id of the monitoring partner (EW staff only).")
    )

    class Meta:
        model = MonitoringReport
        fields: list[str] = []

    def filter_partner(self, queryset, name, value):
        # Which organisation monitored a site is kept from affiliates, even as a filter.
        if not self.request.reader.is_staff:
            return queryset
        return queryset.filter(partner_id=value)


REPORT_SERIALIZERS = {
    ReaderKind.STAFF: StaffReportSerializer,
    ReaderKind.PARTNER: PartnerReportSerializer,
    ReaderKind.AFFILIATE: AffiliateReportSerializer,
}


@_audience_schema("MonitoringReportByAudience", REPORT_SERIALIZERS)
class MonitoringReportViewSet(SharedRowsAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Monitoring reports. EW staff read all of them and partners their own organisation's,
    in full; an affiliate reads the published summary of reports on factories in its supply
    chain (the `MonitoringReportByAudience` variants: staff, partner, affiliate)."""

    serializer_classes = REPORT_SERIALIZERS
    queryset = MonitoringReport.objects.none()
    filterset_class = MonitoringReportFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        rows = MonitoringReport.objects.visible_to(self.reader).select_related("factory")
        if self.reader.is_affiliate:
            return rows.order_by("-published_at", "-pk")
        rows = rows.select_related("partner").prefetch_related(
            "evidence_files", Prefetch("cohorts", queryset=_cohorts_with_finding_ids())
        )
        if self.reader.is_staff:
            rows = rows.select_related(
                "assigned_to", "created_by", "decided_by", "published_by"
            ).prefetch_related("events__actor")
        return rows.order_by("-created_at", "-pk")


# --- Findings -------------------------------------------------------------------------------


class FindingFilter(filters.FilterSet):
    report = filters.NumberFilter(field_name="report_id")
    factory = filters.NumberFilter(field_name="report__factory_id")
    country = filters.CharFilter(field_name="report__factory__country", lookup_expr="iexact")
    severity = filters.ChoiceFilter(choices=Severity.choices)
    status = filters.ChoiceFilter(choices=Finding.Status.choices)
    standard = filters.NumberFilter(
        field_name="standard__number", label=_("Number of the Code standard.")
    )
    ilo_indicator = filters.ChoiceFilter(
        choices=ForcedLabourIndicator.choices,
        method="filter_ilo_indicator",
        label=_("ILO forced-labour indicator among the finding's indicators."),
    )
    fast_track = StrictBooleanFilter()
    published = StrictBooleanFilter(
        method="filter_published", label=_("true: published findings; false: not published.")
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_ilo_indicator(self, queryset, name, value):
        return queryset.filter(ilo_indicators__contains=[value])

    def filter_published(self, queryset, name, value):
        return queryset.published() if value else queryset.unpublished()


FINDING_SERIALIZERS = {
    ReaderKind.STAFF: StaffFindingSerializer,
    ReaderKind.PARTNER: PartnerFindingSerializer,
    ReaderKind.AFFILIATE: AffiliateFindingSerializer,
}


@_audience_schema("FindingByAudience", FINDING_SERIALIZERS)
class FindingViewSet(SharedRowsAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Findings. EW staff read all of them, with their publication state, and partners their
    own organisation's; an affiliate reads published findings at factories in its supply
    chain, in their published form (the `FindingByAudience` variants: staff, partner,
    affiliate)."""

    serializer_classes = FINDING_SERIALIZERS
    queryset = Finding.objects.none()
    filterset_class = FindingFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        if self.reader.is_affiliate:
            # Their shape holds no confidential text: not read, not decrypted.
            rows = Finding.objects.visible_to(self.reader).select_related(
                "report__factory", "standard", "sub_standard"
            )
            rows = rows.defer("confidential_text", "evidence_summary", "report__summary")
            return rows.order_by("-published_at", "report_id", "pk")
        # Staff and partners: the findings' own rows, with their standards and the ids of
        # their evidence files and cohorts, each list in its relation's own order (an index
        # probe per row); the rest of what their shapes show is fetched for the page alone
        # (`_with_relations`).
        rows = Finding.objects.visible_to(self.reader).select_related("standard", "sub_standard")
        rows = rows.annotate(
            evidence_file_ids=_ids_in_order(EvidenceFile.objects.filter(finding=OuterRef("pk"))),
            cohort_ids=_ids_in_order(MigrantCohort.objects.filter(findings=OuterRef("pk"))),
        )
        return rows.order_by("-report_id", "pk")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return page if page is None else self._with_relations(page)

    def get_object(self):
        return self._with_relations([super().get_object()])[0]

    def _with_relations(self, findings: list) -> list:
        """Staff's and partners' findings with their reports, evidence files and cohorts:

        - the reports in a query of their own, with the columns a finding's shape shows of
          them (`_finding_reports`): the finding, its report, the factory, the partner, the
          assignee and the standards in one SELECT cost PostgreSQL some 10 ms of planning
          (seven relations) for under 1 ms of execution at scale 300;
        - the files and the cohorts (with their chain) by the ids the rows hold, only when
          there are some (most pages have no file, few findings a cohort), each finding's
          as a plain list (`LISTED_RELATIONS`), not a queryset per finding and relation;
        - fetched here, for the page, not by prefetches on the view's queryset: the queryset
          outlives the request's work in reference cycles (its filter set's), and Django's
          prefetch leaves a finding in the hints of each `Prefetch`'s queryset, so every row
          of the page, and everything it points at, waited for the garbage collector."""
        if self.reader.is_affiliate:
            return findings
        prefetch_related_objects(
            findings, Prefetch("report", queryset=_finding_reports(staff=self.reader.is_staff))
        )
        for name, rows in (
            ("evidence_files", EvidenceFile.objects.order_by()),
            ("cohorts", _cohorts_with_finding_ids().order_by()),
        ):
            ids_attr = "evidence_file_ids" if name == "evidence_files" else "cohort_ids"
            wanted = {pk for finding in findings for pk in getattr(finding, ids_attr)}
            found = {row.pk: row for row in rows.filter(pk__in=wanted)} if wanted else {}
            for finding in findings:
                listed = [found[pk] for pk in getattr(finding, ids_attr) if pk in found]
                setattr(finding, LISTED_RELATIONS[name], listed)
        return findings


def _ids_in_order(rows):
    """The ids of `rows` (a subquery on `OuterRef`), in their model's own order, as an array."""
    return ArraySubquery(rows.order_by(*rows.model._meta.ordering).values("pk"))


def _finding_reports(*, staff: bool):
    """The reports of a page of findings, with the columns a finding's shape shows of them
    (the factory; the partner, the status and the assignee for staff): not the report's
    confidential summary nor its other columns."""
    related = ["factory", "partner", "assigned_to"] if staff else ["factory"]
    shown = ["factory__name", "factory__country"]
    if staff:
        shown += ["status", "partner__name", "assigned_to__email"]
    return MonitoringReport.objects.select_related(*related).only(*related, *shown).order_by()


def _cohorts_with_finding_ids():
    """Cohorts with their chain as the API shows them (`with_chain`'s agencies and fees):
    each cohort's findings by id only (`MigrantCohortSerializer.findings`), an array of the
    ids in the findings' own order annotated on the cohort (`finding_ids`), neither read whole
    and decrypted nor fetched by a query of their own."""
    finding_ids = (
        Finding.objects.filter(cohorts=OuterRef("pk"))
        .order_by(*Finding._meta.ordering)
        .values("pk")
    )
    return (
        MigrantCohort.objects.select_related("corridor")
        .prefetch_related(
            "agencies",
            Prefetch(
                "fees",
                queryset=CohortFee.objects.select_related("agency", "rate").order_by(
                    *journey_order()
                ),
            ),
        )
        .annotate(finding_ids=ArraySubquery(finding_ids))
    )
