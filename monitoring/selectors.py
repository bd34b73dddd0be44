"""Reads for EW staff that are more than a queryset: the risk summaries (DESIGN.md §1).

Staff read findings by Code category, ILO forced-labour indicator, factory country, migration
corridor and sector, as tables and charts. Every breakdown is one aggregate query, so the page
costs the same number of queries with ten findings or ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, LazyTypedChoiceField

from core.charts import bar_chart, stacked_bar_chart
from core.forms import country_choices
from suppliers.models import Sector

from .models import (
    CodeStandard,
    CohortFee,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringReport,
    Severity,
    localized,
)

# Triage has accepted the report: staff count its findings, published to affiliates or not yet.
RISK_REPORT_STATUSES = (MonitoringReport.Status.VALIDATED, MonitoringReport.Status.PUBLISHED)
# Most severe first: the order of the severity table, columns and chart segments.
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
# Dark red (critical) to slate (low), each at least 4.5:1 on white.
SEVERITY_COLOURS = ("#7a1212", "#c2410c", "#9a6700", "#6b7785")
FILTERS = ("country", "sector", "severity", "period_from", "period_to", "standard")


class Row(NamedTuple):
    label: str
    count: int


class StandardRow(NamedTuple):
    label: str
    count: int
    by_severity: tuple[int, ...]  # in the order of SEVERITIES


class CorridorFees(NamedTuple):
    corridor: str
    currency: str
    cohorts: int  # migrant cohorts (of these findings) that record fees in this currency
    total: Decimal  # sum of the amounts per worker over those cohorts

    @property
    def average_per_worker(self) -> Decimal:
        return (self.total / self.cohorts).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class RiskSummary:
    total_findings: int
    factories: int
    fast_track: int
    by_severity: list[Row] = field(default_factory=list)
    by_standard: list[StandardRow] = field(default_factory=list)
    by_indicator: list[Row] = field(default_factory=list)
    by_country: list[Row] = field(default_factory=list)
    by_corridor: list[Row] = field(default_factory=list)
    by_sector: list[Row] = field(default_factory=list)
    corridor_fees: list[CorridorFees] = field(default_factory=list)


def risk_findings(*, filters: dict | None = None) -> QuerySet[Finding]:
    """The findings a risk summary counts, for EW staff only (confidential reports included).

    A finding counts when its report was validated or published by triage, and the finding
    itself was not found to be unsubstantiated. Drafts, reports still in triage and rejected
    reports do not count.

    Filters, all optional: `country` and `sector` of the factory, `severity`, `period_from` /
    `period_to` (the report's monitoring period overlaps them) and `standard` (a CodeStandard
    or its pk). An unknown filter name is a programming error and raises ValueError.
    """
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"Unknown risk summary filters: {sorted(unknown)}")
    findings = Finding.objects.filter(report__status__in=RISK_REPORT_STATUSES).exclude(
        status=Finding.Status.NOT_SUBSTANTIATED
    )
    lookups = {
        "country": "report__factory__country",
        "sector": "report__factory__sector",
        "severity": "severity",
        "period_from": "report__period_end__gte",
        "period_to": "report__period_start__lte",
        "standard": "standard",
    }
    return findings.filter(**{lookups[key]: value for key, value in filters.items()})


def risk_summary(*, filters: dict | None = None) -> RiskSummary:
    """Counts of the findings of `risk_findings(filters=...)`, broken down five ways.

    Breakdowns list (label, count) rows, most findings first, then by label. Labels are in the
    active language. A finding with several ILO indicators counts once under each of them; the
    corridor breakdown counts only findings that record both origin and destination country.
    Findings of different Code editions stay apart (each edition's standard is its own row).
    Six queries, whatever the number of findings.
    """
    findings = risk_findings(filters=filters)
    totals = findings.aggregate(
        total=Count("pk"),
        factories=Count("report__factory", distinct=True),
        fast_track=Count("pk", filter=Q(fast_track=True)),
        **{f"severity_{s.value}": Count("pk", filter=Q(severity=s)) for s in SEVERITIES},
        **{
            f"indicator_{i.value}": Count("pk", filter=Q(ilo_indicators__contains=[i.value]))
            for i in ForcedLabourIndicator
        },
    )
    return RiskSummary(
        total_findings=totals["total"],
        factories=totals["factories"],
        fast_track=totals["fast_track"],
        by_severity=[Row(str(s.label), totals[f"severity_{s.value}"]) for s in SEVERITIES],
        by_standard=_by_standard(findings),
        by_indicator=_sorted(
            Row(str(i.label), totals[f"indicator_{i.value}"])
            for i in ForcedLabourIndicator
            if totals[f"indicator_{i.value}"]
        ),
        by_country=_sorted(
            Row(_country_name(row["report__factory__country"]), row["n"])
            for row in _counts(findings, "report__factory__country")
        ),
        by_corridor=_sorted(
            Row(
                _corridor(row["cohorts__origin_country"], row["cohorts__destination_country"]),
                row["n"],
            )
            for row in _migrant(findings)
            .order_by()
            .values("cohorts__origin_country", "cohorts__destination_country")
            .annotate(n=Count("pk", distinct=True))
        ),
        by_sector=_sorted(
            Row(_choice_label(Sector, row["report__factory__sector"]), row["n"])
            for row in _counts(findings, "report__factory__sector")
        ),
        corridor_fees=_corridor_fees(findings),
    )


def _counts(findings: QuerySet[Finding], *fields: str):
    return findings.order_by().values(*fields).annotate(n=Count("pk"))


def _migrant(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """Findings about a migrant cohort whose origin is known (one row per finding and cohort)."""
    return findings.filter(cohorts__origin_country__gt="")


def _cohorts_of(findings: QuerySet[Finding]) -> QuerySet[MigrantCohort]:
    return MigrantCohort.objects.filter(
        findings__in=findings.order_by().values("pk"), origin_country__gt=""
    ).distinct()


def _by_standard(findings: QuerySet[Finding]) -> list[StandardRow]:
    rows = _counts(
        findings,
        "standard",
        "standard__name",
        "standard__name_fr",
        "standard__version__label",
        "severity",
    )
    per_standard: dict[int, dict] = {}
    for row in rows:
        entry = per_standard.setdefault(
            row["standard"],
            {
                "name": localized(row["standard__name"], row["standard__name_fr"]),
                "edition": row["standard__version__label"],
                "severity": {},
            },
        )
        entry["severity"][row["severity"]] = row["n"]
    several_editions = len({entry["edition"] for entry in per_standard.values()}) > 1
    return _sorted(
        StandardRow(
            label=f"{entry['name']} ({entry['edition']})" if several_editions else entry["name"],
            count=sum(entry["severity"].values()),
            by_severity=tuple(entry["severity"].get(s.value, 0) for s in SEVERITIES),
        )
        for entry in per_standard.values()
    )


def _corridor_fees(findings: QuerySet[Finding]) -> list[CorridorFees]:
    rows = (
        CohortFee.objects.filter(cohort__in=_cohorts_of(findings).values("pk"))
        .order_by()
        .values("cohort__origin_country", "cohort__destination_country", "currency")
        .annotate(total=Sum("amount"), cohorts=Count("cohort", distinct=True))
    )
    fees = [
        CorridorFees(
            corridor=_corridor(row["cohort__origin_country"], row["cohort__destination_country"]),
            currency=row["currency"],
            cohorts=row["cohorts"],
            total=row["total"],
        )
        for row in rows
    ]
    return sorted(fees, key=lambda fee: (fee.corridor.casefold(), fee.currency))


def _sorted(rows):
    return sorted(rows, key=lambda row: (-row.count, row.label.casefold(), row.label))


def _country_name(code: str) -> str:
    return Country(code=code).name or code


def _corridor(origin: str, destination: str) -> str:
    return f"{_country_name(origin)} → {_country_name(destination)}"


def _choice_label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


# --- The staff page ------------------------------------------------------------------------


class _StandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj) if obj.version.is_current else f"{obj} ({obj.version.label})"


class RiskFilterForm(forms.Form):
    country = LazyTypedChoiceField(
        label=_("Country"), required=False, choices=country_choices(_("All countries"))
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        choices=[("", _("All severities")), *Severity.choices],
    )
    standard = _StandardChoiceField(
        label=_("Code category"),
        required=False,
        queryset=CodeStandard.objects.select_related("version").order_by(
            "-version__is_current", "-version__effective_from", "number"
        ),
        empty_label=_("All categories"),
    )
    period_from = forms.DateField(
        label=_("Monitored from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=_("Monitored until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period must not be before its start."))
        return cleaned


@dataclass(frozen=True)
class RiskSection:
    """One breakdown on the page: a heading, a chart and the table of the same numbers."""

    slug: str  # unique on the page; the section's id and its chart's id derive from it
    title: str
    caption: str
    note: str  # shown under the heading when the numbers need explaining
    columns: list[str]  # the first names the row labels, the others hold numbers
    rows: list[list]  # [label, number, ...]
    chart: SafeString | None
    empty_text: str


def risk_page_context(query_params) -> dict:
    """Everything `monitoring/staff/risk.html` needs, from the request's GET parameters.

    `filters` is the bound filter form; when it is invalid its errors are shown and the summary
    covers all findings. `summary` is the RiskSummary, `sections` one RiskSection per
    breakdown in page order, and `charts` the SVG charts by section slug.
    """
    form = RiskFilterForm(query_params)
    summary = risk_summary(filters=form.cleaned_data if form.is_valid() else {})
    sections = _sections(summary)
    return {
        "filters": form,
        "summary": summary,
        "sections": sections,
        "charts": {section.slug: section.chart for section in sections if section.chart},
    }


def _sections(summary: RiskSummary) -> list[RiskSection]:
    findings = gettext("Findings")
    no_finding = gettext("No finding matches these filters.")
    severity_labels = [str(s.label) for s in SEVERITIES]

    def simple(slug, title, column, rows, empty_text=no_finding):
        return RiskSection(
            slug=slug,
            title=title,
            caption=title,
            note="",
            columns=[column, findings],
            rows=[[row.label, row.count] for row in rows],
            chart=bar_chart(rows, title=title, unit_label=findings, chart_id=f"{slug}-chart"),
            empty_text=empty_text,
        )

    standard_title = gettext("Findings by Code category and severity")
    fees_title = gettext("Recruitment fees paid by migrant workers, by corridor")
    return [
        RiskSection(
            slug="risk-standard",
            title=standard_title,
            caption=standard_title,
            note="",
            columns=[gettext("Code category"), *severity_labels, gettext("Total")],
            rows=[[row.label, *row.by_severity, row.count] for row in summary.by_standard],
            chart=stacked_bar_chart(
                [
                    (row.label, dict(zip(SEVERITIES, row.by_severity, strict=True)))
                    for row in summary.by_standard
                ],
                segments=list(zip(SEVERITIES, severity_labels, strict=True)),
                colours=SEVERITY_COLOURS,
                title=standard_title,
                unit_label=findings,
                chart_id="risk-standard-chart",
            ),
            empty_text=no_finding,
        ),
        simple(
            "risk-severity",
            gettext("Findings by severity"),
            gettext("Severity"),
            summary.by_severity if summary.total_findings else [],
        ),
        simple(
            "risk-indicator",
            gettext("Findings by ILO forced-labour indicator"),
            gettext("ILO indicator"),
            summary.by_indicator,
            gettext("No finding records an ILO forced-labour indicator."),
        ),
        simple(
            "risk-country",
            gettext("Findings by factory country"),
            gettext("Country"),
            summary.by_country,
        ),
        simple(
            "risk-corridor",
            gettext("Findings by migration corridor"),
            gettext("Corridor"),
            summary.by_corridor,
            gettext("No finding records both the workers' origin country and country of work."),
        ),
        simple(
            "risk-sector",
            gettext("Findings by sector"),
            gettext("Sector"),
            summary.by_sector,
        ),
        RiskSection(
            slug="risk-fees",
            title=fees_title,
            caption=fees_title,
            note=gettext(
                "What each worker paid for recruitment, visas, documents and the like, "
                "averaged over the migrant cohorts that record fees, per currency."
            ),
            columns=[
                gettext("Corridor"),
                gettext("Cohorts with fees"),
                gettext("Average paid per worker"),
            ],
            rows=[
                [
                    fee.corridor,
                    fee.cohorts,
                    f"{formats.number_format(fee.average_per_worker, 2, force_grouping=True)}"
                    f"\N{NO-BREAK SPACE}{fee.currency}",
                ]
                for fee in summary.corridor_fees
            ],
            chart=None,
            empty_text=gettext("No migrant cohort records recruitment fees."),
        ),
    ]
