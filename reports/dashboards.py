"""What the dashboards chart: each a `RiskTable` (a heading, a chart and the table of the same
numbers), counted in the database (GROUP BY or conditional counts), so that each dashboard runs
a fixed number of queries whatever the number of rows.

Who reads what is decided by the querysets passed in (`visible_to(reader)`), never here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, Count, IntegerField, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_countries import countries

from core.charts import bar_chart, heat_map, stacked_bar_chart
from core.maps import MapPoint, MarkerClass, point_map
from engagement.quarters import previous_quarter, quarter_label, quarter_of
from monitoring.models import Finding, Severity

from .risk import SEVERITIES, SEVERITY_COLOURS, RiskTable

QUARTERS_SHOWN = 8
MAP_LIMIT = 300  # factories drawn and listed; the rest are counted
# A finding stops being "open" once found unsubstantiated or remediated and verified.
CLOSED_FINDING_STATUSES = (Finding.Status.NOT_SUBSTANTIATED, Finding.Status.REMEDIATED_VERIFIED)
SEVERITY_BY_RANK = {4: Severity.CRITICAL, 3: Severity.HIGH, 2: Severity.MEDIUM, 1: Severity.LOW}
SEVERITY_SHAPES = {
    Severity.CRITICAL: "triangle",
    Severity.HIGH: "diamond",
    Severity.MEDIUM: "square",
    Severity.LOW: "circle",
}
NO_OPEN_FINDING = "none"
NO_OPEN_FINDING_COLOUR = "#0b5394"


def _quarters(today: date) -> list[date]:
    """The last QUARTERS_SHOWN quarters up to today's, oldest first."""
    quarter, quarters = quarter_of(today), []
    for _index in range(QUARTERS_SHOWN):
        quarters.append(quarter)
        quarter = previous_quarter(quarter)
    return quarters[::-1]


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def findings_over_time(findings, *, date_field: str, today: date, slug: str, note: str):
    """Findings per quarter by severity (stacked bars) and by Code category (a heat map of
    categories × quarters): two queries."""
    quarters = _quarters(today)
    labels = [quarter_label(q) for q in quarters]
    recent = findings.filter(**{f"{date_field}__date__gte": quarters[0]}).annotate(
        quarter=TruncQuarter(date_field)
    )
    by_severity = {
        (_as_date(row["quarter"]), row["severity"]): row["n"]
        for row in recent.order_by().values("quarter", "severity").annotate(n=Count("pk"))
    }
    by_category: dict[int, dict[date, int]] = {}
    names = {}
    for row in (
        recent.order_by()
        .values("quarter", "standard_id", "standard__number", "standard__name", "standard__name_fr")
        .annotate(n=Count("pk"))
    ):
        by_category.setdefault(row["standard_id"], {})[_as_date(row["quarter"])] = row["n"]
        names[row["standard_id"]] = (
            row["standard__number"],
            _localized(row["standard__name"], row["standard__name_fr"]),
        )

    severity_labels = [str(s.label) for s in SEVERITIES]
    severity_rows = []
    for quarter, label in zip(quarters, labels, strict=True):
        counts = [by_severity.get((quarter, s.value), 0) for s in SEVERITIES]
        severity_rows.append([label, *counts, sum(counts)])
    title = gettext("Findings by quarter and severity")
    severity_table = RiskTable(
        slug=f"{slug}-severity",
        title=title,
        note=note,
        columns=[gettext("Quarter"), *severity_labels, gettext("Total")],
        rows=severity_rows if any(row[-1] for row in severity_rows) else [],
        chart=stacked_bar_chart(
            [(row[0], dict(zip(SEVERITIES, row[1:-1], strict=True))) for row in severity_rows],
            segments=list(zip(SEVERITIES, severity_labels, strict=True)),
            colours=SEVERITY_COLOURS,
            title=title,
            unit_label=gettext("Findings"),
            chart_id=f"{slug}-severity-chart",
        ),
        empty_text=gettext("No finding in the last eight quarters."),
    )

    category_rows = [
        [f"{names[pk][0]}. {names[pk][1]}", *(counts.get(q, 0) for q in quarters)]
        for pk, counts in sorted(by_category.items(), key=lambda item: names[item[0]][0])
    ]
    title = gettext("Findings by quarter and Code category")
    category_table = RiskTable(
        slug=f"{slug}-category",
        title=title,
        note=note,
        columns=[gettext("Code category"), *labels],
        rows=category_rows,
        chart=heat_map(
            [(row[0], row[1:]) for row in category_rows],
            columns=labels,
            title=title,
            unit_label=gettext("Findings"),
            chart_id=f"{slug}-category-chart",
        ),
        empty_text=gettext("No finding in the last eight quarters."),
    )
    return severity_table, category_table


def _localized(english: str, french: str) -> str:
    from monitoring.models import localized

    return localized(english, french)


def overdue_actions_by_age(actions, *, today: date, slug: str = "overdue-actions") -> RiskTable:
    """Open corrective actions of active cases past their due date, by how long (one query)."""
    week, month = today - timedelta(days=7), today - timedelta(days=30)
    counts = (
        actions.overdue(today)
        .in_active_cases()
        .aggregate(
            recent=Count("pk", filter=Q(due_date__gte=week)),
            weeks=Count("pk", filter=Q(due_date__lt=week, due_date__gte=month)),
            old=Count("pk", filter=Q(due_date__lt=month)),
            oldest=Min("due_date"),
        )
    )
    rows = [
        [gettext("Overdue by less than 7 days"), counts["recent"]],
        [gettext("Overdue by 7 to 30 days"), counts["weeks"]],
        [gettext("Overdue by more than 30 days"), counts["old"]],
    ]
    title = gettext("Overdue corrective actions")
    note = ""
    if counts["oldest"]:
        note = gettext("The oldest was due %(days)d days ago.") % {
            "days": (today - counts["oldest"]).days
        }
    return RiskTable(
        slug=slug,
        title=title,
        note=note,
        columns=[gettext("How late"), gettext("Actions")],
        rows=rows if any(row[1] for row in rows) else [],
        chart=bar_chart(rows, title=title, unit_label=gettext("Actions"), chart_id=f"{slug}-chart"),
        empty_text=gettext("No corrective action is overdue."),
    )


def disclosures_by_state(disclosures, *, today: date, slug: str = "disclosures") -> RiskTable:
    """Disclosures by state, and how many of those awaited are overdue (one query)."""
    from suppliers.models import Disclosure

    Status = Disclosure.Status
    counts = disclosures.aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in Status.values},
        overdue=Count(
            "pk",
            filter=Q(status__in=[Status.REQUESTED, Status.RETURNED], due_date__lt=today),
        ),
    )
    rows = [[str(label), counts[value]] for value, label in Status.choices]
    rows.append(
        [gettext("Of which overdue (requested or returned, past the due date)"), counts["overdue"]]
    )
    title = gettext("Disclosures by state")
    return RiskTable(
        slug=slug,
        title=title,
        note="",
        columns=[gettext("State"), gettext("Disclosures")],
        rows=rows if any(row[1] for row in rows) else [],
        chart=bar_chart(
            rows[:-1], title=title, unit_label=gettext("Disclosures"), chart_id=f"{slug}-chart"
        ),
        empty_text=gettext("No disclosure yet."),
    )


def waiting_by_age(queues, *, now, slug: str = "waiting") -> RiskTable:
    """How many wait in each queue and for how long: `queues` are (label, queryset, the date or
    datetime field the wait started at). One query per queue."""
    buckets = [
        ("recent", gettext("Less than 7 days")),
        ("weeks", gettext("7 to 30 days")),
        ("old", gettext("More than 30 days")),
    ]
    rows, chart_rows = [], []
    for label, queryset, field in queues:
        week, month = now - timedelta(days=7), now - timedelta(days=30)
        if not _is_datetime(queryset, field):
            week, month = timezone.localtime(week).date(), timezone.localtime(month).date()
        counts = queryset.aggregate(
            recent=Count("pk", filter=Q(**{f"{field}__gte": week})),
            weeks=Count("pk", filter=Q(**{f"{field}__lt": week, f"{field}__gte": month})),
            old=Count("pk", filter=Q(**{f"{field}__lt": month})),
            unknown=Count("pk", filter=Q(**{f"{field}__isnull": True})),
            oldest=Min(field),
        )
        oldest = counts["oldest"]
        if oldest is not None and _is_datetime(queryset, field):
            oldest = timezone.localtime(oldest).date()
        oldest_days = (timezone.localtime(now).date() - oldest).days if oldest else None
        total = sum(counts[key] for key, _ in buckets) + counts["unknown"]
        rows.append(
            [
                label,
                *(counts[key] for key, _ in buckets),
                total,
                _age(oldest_days),
            ]
        )
        chart_rows.append((label, {key: counts[key] for key, _ in buckets}))
    title = gettext("Waiting, by how long")
    return RiskTable(
        slug=slug,
        title=title,
        note="",
        columns=[
            gettext("Queue"),
            *(label for _, label in buckets),
            gettext("Total"),
            gettext("Oldest"),
        ],
        rows=rows,
        chart=stacked_bar_chart(
            chart_rows,
            segments=buckets,
            colours=("#1b7837", "#9a6700", "#7a1212"),
            title=title,
            unit_label=gettext("Waiting"),
            chart_id=f"{slug}-chart",
        ),
        empty_text="",
    )


def _age(days: int | None) -> str:
    """How long the oldest has waited: "today", "1 day", "12 days" ("–" when none waits)."""
    if days is None:
        return "–"
    if days <= 0:
        return gettext("today")
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


def _is_datetime(queryset, field: str) -> bool:
    from django.db.models import DateTimeField

    return isinstance(queryset.model._meta.get_field(field), DateTimeField)


@dataclass(frozen=True)
class MappedFactory:
    pk: int
    name: str
    country: str
    country_name: str
    severity: str  # a Severity value, or "" when no open finding the reader may read
    severity_label: str
    drawn: bool


@dataclass(frozen=True)
class FactoryMap:
    title: str
    svg: object
    factories: list[MappedFactory]
    total: int  # every factory, those beyond MAP_LIMIT included
    not_drawn: int  # listed but without coordinates


def factory_map(factories, findings, *, title: str) -> FactoryMap:
    """The factories on the world map, each marked by the most severe open finding among
    `findings` (what the reader may read), most severe first: two queries."""
    rank = Case(
        *(When(severity=severity, then=Value(r)) for r, severity in SEVERITY_BY_RANK.items()),
        output_field=IntegerField(),
    )
    worst = (
        findings.exclude(status__in=CLOSED_FINDING_STATUSES)
        .filter(report__factory=OuterRef("pk"))
        .order_by()
        .values("report__factory")
        .annotate(worst=Max(rank))
        .values("worst")
    )
    rows = list(
        factories.annotate(worst=Subquery(worst, output_field=IntegerField()))
        .order_by(Coalesce("worst", Value(0)).desc(), "name", "pk")
        .values("pk", "name", "country", "latitude", "longitude", "worst")[:MAP_LIMIT]
    )
    total = len(rows) if len(rows) < MAP_LIMIT else factories.count()
    country_names = dict(countries)
    listed, points = [], []
    for row in rows:
        severity = SEVERITY_BY_RANK.get(row["worst"])
        label = str(severity.label) if severity else gettext("No open finding")
        drawn = row["latitude"] is not None and row["longitude"] is not None
        listed.append(
            MappedFactory(
                pk=row["pk"],
                name=row["name"],
                country=row["country"],
                country_name=str(country_names.get(row["country"], row["country"])),
                severity=severity.value if severity else "",
                severity_label=label,
                drawn=drawn,
            )
        )
        if drawn:
            points.append(
                MapPoint(
                    label=row["name"],
                    latitude=row["latitude"],
                    longitude=row["longitude"],
                    kind=severity.value if severity else NO_OPEN_FINDING,
                    detail=gettext("most severe open finding: %(severity)s") % {"severity": label},
                )
            )
    classes = [
        MarkerClass(s.value, str(s.label), colour, SEVERITY_SHAPES[s])
        for s, colour in zip(SEVERITIES, SEVERITY_COLOURS, strict=True)
    ] + [MarkerClass(NO_OPEN_FINDING, gettext("No open finding"), NO_OPEN_FINDING_COLOUR, "ring")]
    not_drawn = sum(1 for factory in listed if not factory.drawn)
    # The legend counts every factory of the table, those without coordinates too.
    in_table = Counter(factory.severity or NO_OPEN_FINDING for factory in listed)
    svg = point_map(
        points,
        classes=classes,
        title=title,
        not_drawn=not_drawn,
        listed=in_table,
        chart_id="factory-map",
    )
    return FactoryMap(title=title, svg=svg, factories=listed, total=total, not_drawn=not_drawn)
