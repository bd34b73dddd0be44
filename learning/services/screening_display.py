"""The results of a screening as pages and PDFs show them: labels in the active language, the
charts with their tables, the recommended resources. Reads only the results data (live or
stored), so a saved screening shows what was known when it was saved."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_countries.fields import Country

from core.charts import bar_chart
from monitoring.models import ForcedLabourIndicator, localized
from suppliers.models import Contract, CountryRiskIndicator

from ..models import CpvCode, Resource


@dataclass
class CountryRow:
    country: str
    indicator: str
    value: str
    level: str
    level_code: str
    source: str
    source_url: str
    year: int


@dataclass
class ResultsDisplay:
    threshold: int
    computed_at: object
    cpv_codes: list[CpvCode]
    categories: list[str]
    brands: list[str]
    countries: list[str]
    factories: int | None
    factories_with_open_cases: int | None
    open_case_share: float | None
    findings_total: int | None
    standard_rows: list[tuple[str, int]]
    indicator_rows: list[tuple[str, int]]
    standard_chart: SafeString | None
    indicator_chart: SafeString | None
    own_factories: list[dict]
    country_rows: list[CountryRow]
    resources: list[Resource] = field(default_factory=list)

    @property
    def open_case_percent(self) -> int | None:
        if self.open_case_share is None:
            return None
        return round(self.open_case_share * 100)


def results_display(results: dict, *, chart_prefix: str = "screening") -> ResultsDisplay:
    """`results` as `screening_results` made them (now or when the screening was saved)."""
    indicator_labels = dict(ForcedLabourIndicator.choices)
    standard_rows = [
        (localized(row["name"], row.get("name_fr", "")), row["count"])
        for row in results.get("by_standard", [])
    ]
    indicator_rows = [
        (str(indicator_labels.get(row["code"], row["code"])), row["count"])
        for row in results.get("by_indicator", [])
    ]
    codes = results.get("cpv_codes", [])
    cpv = {c.code: c for c in CpvCode.objects.filter(code__in=codes)}
    resource_ids = results.get("resources", [])
    resources = {
        r.pk: r
        for r in Resource.objects.filter(
            pk__in=resource_ids, status=Resource.Status.PUBLISHED
        ).prefetch_related("versions")
    }
    findings = _("Findings")
    standard_title = _("Published findings by Code category")
    indicator_title = _("Published findings by ILO forced-labour indicator")
    return ResultsDisplay(
        threshold=results.get("threshold", 0),
        computed_at=parse_datetime(results.get("computed_at", "") or ""),
        cpv_codes=[cpv[code] for code in codes if code in cpv],
        categories=[
            str(Contract.Category(value).label)
            for value in results.get("categories", [])
            if value in Contract.Category.values
        ],
        brands=results.get("brands", []),
        countries=[Country(code=code).name for code in results.get("countries", [])],
        factories=results.get("factories"),
        factories_with_open_cases=results.get("factories_with_open_cases"),
        open_case_share=results.get("open_case_share"),
        findings_total=results.get("findings_total"),
        standard_rows=standard_rows,
        indicator_rows=indicator_rows,
        standard_chart=bar_chart(
            standard_rows,
            title=standard_title,
            unit_label=findings,
            chart_id=f"{chart_prefix}-standards",
        )
        if standard_rows
        else None,
        indicator_chart=bar_chart(
            indicator_rows,
            title=indicator_title,
            unit_label=findings,
            chart_id=f"{chart_prefix}-indicators",
        )
        if indicator_rows
        else None,
        own_factories=[
            {**row, "country_name": Country(code=row["country"]).name}
            for row in results.get("own_factories", [])
        ],
        country_rows=[_country_row(row) for row in results.get("country_indicators", [])],
        resources=[resources[pk] for pk in resource_ids if pk in resources],
    )


def _country_row(row: dict) -> CountryRow:
    Indicator, Level = CountryRiskIndicator.Indicator, CountryRiskIndicator.Level
    return CountryRow(
        country=Country(code=row["country"]).name or row["country"],
        indicator=str(Indicator(row["indicator"]).label)
        if row["indicator"] in Indicator.values
        else row["indicator"],
        value=row["value"],
        level=str(Level(row["level"]).label) if row["level"] in Level.values else row["level"],
        level_code=row["level"],
        source=row["source"],
        source_url=row.get("source_url", ""),
        year=row["year"],
    )
