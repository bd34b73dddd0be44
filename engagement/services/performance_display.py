"""How a company's scores read on a page and in an export: the working of each indicator in
words, the trend chart with its table, the CSV/XLSX rows. The same for staff, affiliates and
the company itself: nothing in a score is for one audience only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.charts import bar_chart
from core.spreadsheets import csv_response, xlsx_response

from ..models import IndicatorCode, IndicatorResult, MethodIndicator, QuarterScore, ScoringMethod
from .performance import comments_of, formula_text, scores_of


def translated(text: str) -> str:
    """A method's stored text in the reader's language when it is one of the published
    defaults (they are in the catalogue); staff's own wording as written."""
    return _(text) if text else text


def _number(value) -> str:
    """A localised number with its thousands grouped, one decimal only when it has one."""
    return formats.number_format(
        value, decimal_pos=1 if value % 1 else 0, use_l10n=True, force_grouping=True
    )


def _whole(value) -> str:
    """A count (of workers, of requests): a whole number, localised."""
    return formats.number_format(
        Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP),
        decimal_pos=0,
        use_l10n=True,
        force_grouping=True,
    )


@dataclass
class IndicatorRow:
    code: str
    name: str
    working: str
    value: str
    points: Decimal | None
    weight: int
    currencies: list[dict] = field(default_factory=list)


def working_of(result: IndicatorResult) -> tuple[str, str]:
    """(the working in words, the value with its unit), or "No data" for both."""
    indicator = result.indicator
    if result.value is None:
        return _("Nothing to measure this quarter"), _("No data")
    if indicator.code == IndicatorCode.REPLY_DAYS:
        answered = int(result.denominator or 0)
        working = ngettext(
            "Median of %(count)s answer", "Median of %(count)s answers", answered
        ) % {"count": answered}
        return working, ngettext("%(days)s day", "%(days)s days", int(result.value)) % {
            "days": _number(result.value)
        }
    if indicator.code == IndicatorCode.COMPENSATION_PAID:
        working = _("%(paid)s of %(workers)s workers covered, weighted by the share paid") % {
            "paid": _whole(result.numerator),
            "workers": _whole(result.denominator),
        }
    else:
        working = _("%(numerator)s of %(denominator)s") % {
            "numerator": _number(result.numerator),
            "denominator": _number(result.denominator),
        }
    return working, _("%(value)s %%") % {"value": _number(result.value)}


def indicator_rows(score: QuarterScore) -> list[IndicatorRow]:
    rows = []
    for result in score.results.all():
        working, value = working_of(result)
        rows.append(
            IndicatorRow(
                code=result.indicator.code,
                name=translated(result.indicator.name),
                working=working,
                value=value,
                points=result.points,
                weight=result.indicator.weight,
                currencies=result.detail.get("currencies", []),
            )
        )
    return rows


@dataclass
class MethodText:
    method: ScoringMethod
    indicators: list[tuple[MethodIndicator, str, str, str]]


def method_texts(methods: list[ScoringMethod]) -> list[MethodText]:
    """Each method version with its indicators' name, definition and formula, translated."""
    found = []
    for method in methods:
        found.append(
            MethodText(
                method=method,
                indicators=[
                    (
                        indicator,
                        translated(indicator.name),
                        translated(indicator.definition),
                        formula_text(indicator),
                    )
                    for indicator in method.indicators.all()
                ],
            )
        )
    return found


def trend_chart(scores: list[QuarterScore], *, chart_id: str):
    """The overall score of each quarter, oldest first; quarters without data are left out
    of the chart (the table says "No data")."""
    rows = [
        (score.quarter_label, score.overall)
        for score in reversed(scores)
        if score.overall is not None
    ]
    return bar_chart(
        rows,
        title=_("Overall score per quarter"),
        unit_label=_("Points out of 100"),
        chart_id=chart_id,
    )


def performance_context(company, *, chart_id: str = "trend-chart") -> dict:
    """What every audience's page of one company shows: four queries, plus one per method
    version in use (a handful)."""
    scores = scores_of(company)
    method_ids = {score.method_id for score in scores}
    methods = list(
        ScoringMethod.objects.filter(pk__in=method_ids)
        .prefetch_related("indicators")
        .order_by("-version")
    )
    comments = comments_of(company)
    quarters = [
        {
            "score": score,
            "rows": indicator_rows(score),
            "comments": comments.get(score.quarter_start, []),
        }
        for score in scores
    ]
    return {
        "company": company,
        "scores": scores,
        "quarters": quarters,
        "trend_chart": trend_chart(scores, chart_id=chart_id) if scores else None,
        "methods": method_texts(methods),
    }


# --- Exports ------------------------------------------------------------------------------


def export_header() -> list[str]:
    return [
        _("Company"),
        _("Quarter"),
        _("Quarter start"),
        _("Method version"),
        _("Overall score"),
        _("Indicator"),
        _("Indicator code"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("Unit"),
        _("Points"),
        _("Weight"),
    ]


def export_rows(scores):
    """One row per indicator of each score; empty cells for "no data", never 0."""
    for score in scores:
        for result in score.results.all():
            indicator = result.indicator
            yield [
                score.company.name,
                score.quarter_label,
                score.quarter_start,
                score.method.version,
                score.overall,
                translated(indicator.name),
                indicator.code,
                result.numerator,
                result.denominator,
                result.value,
                _("days") if indicator.in_days else _("per cent"),
                result.points,
                indicator.weight,
            ]


def export_response(scores, *, fmt: str, filename: str) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", _("Scores"), export_header(), export_rows(scores))
    return csv_response(f"{filename}.csv", export_header(), export_rows(scores))


def scores_for_export(queryset):
    return queryset.select_related("company", "method").prefetch_related("results__indicator")
