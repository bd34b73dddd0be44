"""The risk views (issue 14, item 4): where forced labour, child labour and exploitative
recruitment were found, for EW staff and, restricted to their supply chain, for affiliates.

Who reads what lives in `risk_findings(reader)` and nowhere else:
- EW staff count every finding of a report that triage validated or published (confidential
  reports included), as the staff risk summaries always did;
- an affiliate counts only the published findings at factories in its supply chain
  (`Finding.objects.visible_to`, the rule every other affiliate page uses);
- nobody else counts anything.
A finding found not substantiated never counts.

Every table is built from a fixed number of aggregate queries whatever the number of findings
(one to three per table), so a page or an export costs the same with ten findings or ten
thousand. Each table is a `RiskTable`: a title, columns, rows, an optional SVG chart drawn from
the same numbers, and the sentence shown when there is nothing to count.

Grievances are counted by factory and category with the threshold rule of DESIGN.md §4 for
affiliates: a count under `EW_GRIEVANCE_COUNT_THRESHOLD` reads "fewer than N", and enough other
cells of the same factory are hidden with it that no hidden count can be worked out by
subtraction from the factory's total (which affiliates see on the factory page). Staff read
the grievances themselves, so they see exact counts. The corridors' worker counts (workers,
women, men, other or not known) follow the same rule for affiliates, per corridor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from core import readmodel
from core.charts import bar_chart, heat_map, stacked_bar_chart
from core.filters import counted_choices, counted_label, list_counts
from core.forms import country_choices
from grievances.models import Category as GrievanceCategory
from grievances.models import Grievance
from monitoring.models import (
    ChildLabourCategory,
    CodeStandard,
    CohortFee,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringReport,
    Severity,
)
from suppliers.models import (
    Contract,
    CountryRiskIndicator,
    Factory,
    MigrationCorridor,
    PathfinderCountry,
    Ratification,
    Sector,
    SupplyChainLink,
)

# Triage has accepted the report: staff count its findings, published to affiliates or not yet.
STAFF_REPORT_STATUSES = (MonitoringReport.Status.VALIDATED, MonitoringReport.Status.PUBLISHED)
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)
# Dark red (critical) to slate (low), each at least 4.5:1 on white.
SEVERITY_COLOURS = ("#7a1212", "#c2410c", "#9a6700", "#6b7785")
FILTERS = ("country", "sector", "severity", "period_from", "period_to", "standard")
CONVENTIONS_SHOWN = ("C029", "P029", "C105", "C138", "C182", "C181", "C189")


def risk_findings(reader, *, filters: dict | None = None):
    """The findings the risk views of `reader` count (see the module's docstring), filtered.

    Filters, all optional: `country` and `sector` of the factory, `severity`, `period_from` /
    `period_to` (the report's monitoring period overlaps them), `standard` (a CodeStandard or
    its pk). An unknown filter name is a programming error and raises ValueError.
    """
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"Unknown risk filters: {sorted(unknown)}")
    if reader.is_staff:
        findings = Finding.objects.filter(report__status__in=STAFF_REPORT_STATUSES)
    elif reader.is_affiliate:
        findings = Finding.objects.visible_to(reader)
    else:
        findings = Finding.objects.none()
    findings = findings.exclude(status=Finding.Status.NOT_SUBSTANTIATED)
    lookups = {
        "country": "report__factory__country",
        "sector": "report__factory__sector",
        "severity": "severity",
        "period_from": "report__period_end__gte",
        "period_to": "report__period_start__lte",
        "standard": "standard",
    }
    return findings.filter(**{lookups[key]: value for key, value in filters.items()})


@dataclass
class FindingSummary:
    """What most tables count, from one pass over the counted findings (`finding_summary`)."""

    by_country: dict  # country code -> {"total": n, "i_<indicator>": n}
    by_sector: dict  # sector -> n
    by_quarter: list  # [{"quarter": date, "total": n, "<severity>": n}], oldest first
    overall: dict  # total, factories, fast_track, "c_<category>", "p_<product>": n, ...


def finding_summary(reader, filters=None) -> FindingSummary:
    """The counts of the heat map, the trend, the sectors and products, child labour, the
    country risk's findings and the overview, from ONE query: the findings are read once and
    grouped by country, by sector, by quarter and all together (GROUPING SETS), instead of
    once per table."""
    findings = risk_findings(reader, filters=filters)
    inner_sql, inner_params = (
        findings.order_by()
        .values_list(  # no id: the findings are read from an index (count(*) below)
            "report__factory_id",
            "report__factory__country",
            "report__factory__sector",
            "report__period_end",
            "severity",
            "ilo_indicators",
            "child_labour",
            "fast_track",
        )
        .query.sql_with_params()
    )
    counts = [("total", "TRUE", [])]
    counts += [
        (f"i_{i.value}", "f.ilo @> ARRAY[%s]::varchar[]", [i.value]) for i in ForcedLabourIndicator
    ]
    counts += [(s.value, "f.severity = %s", [s.value]) for s in SEVERITIES]
    counts += [
        (f"c_{c.value}", "f.child @> ARRAY[%s]::varchar[]", [c.value]) for c in ChildLabourCategory
    ]
    counts += [("fast_track", "f.fast_track", [])]
    # Per product category: the findings at the factories whose supply-chain links name it
    # (the same for every finding of a factory, so counted from each factory's totals).
    products = [
        (f"p_{c.value}", "g.products @> ARRAY[%s]::varchar[]", [c.value]) for c in Contract.Category
    ]
    # The product categories of the contracts that put each factory in the supply chain (the
    # affiliate's own links; every affiliate's for staff), one array per factory.
    links = SupplyChainLink.objects.all()
    if not reader.is_staff:
        links = links.filter(affiliate=reader.affiliate)
    links_sql, links_params = (
        links.order_by().values_list("factory_id", "product_categories").query.sql_with_params()
    )
    names = [name for name, _condition, _params in counts + products]
    columns = ", ".join(
        f"count(*) FILTER (WHERE {condition}) AS n{index}"
        for index, (_n, condition, _p) in enumerate(counts)
    )
    params = [param for _n, _c, values in counts for param in values]
    sums = ", ".join(f"coalesce(sum(g.n{index}), 0)::bigint" for index in range(len(counts)))
    sums += "".join(
        f", coalesce(sum(g.n0) FILTER (WHERE {condition}), 0)::bigint"
        for _n, condition, _p in products
    )
    product_params = [param for _n, _c, values in products for param in values]
    nothing = ", ".join(["NULL::bigint"] * len(names))
    with connection.cursor() as cursor:
        # The findings are read once and counted per factory and quarter (the CTE g, a few
        # rows per factory: every count of a table adds up from them); hashed GROUPING SETS
        # add those up by country, sector and quarter and in all, each factory's product
        # categories joined to its rows only; the distinct factories, which would make every
        # grouping set sort, come from a second pass over g, hashed by factory (row 8).
        cursor.execute(
            f"""
            WITH products AS (
                SELECT link.factory_id, array_agg(DISTINCT category) AS products
                FROM ({links_sql}) AS link (factory_id, categories),
                     unnest(link.categories) AS category
                GROUP BY link.factory_id
            ),
            g AS MATERIALIZED (
                SELECT counted.*, products.products
                FROM (
                    SELECT f.factory_id, f.country, f.sector,
                           date_trunc('quarter', f.period_end)::date AS quarter,
                           bool_or(f.child <> '{{}}') AS child_any, {columns}
                    FROM ({inner_sql}) AS f (
                        factory_id, country, sector, period_end, severity, ilo, child,
                        fast_track
                    )
                    GROUP BY 1, 2, 3, 4
                ) AS counted
                LEFT JOIN products ON products.factory_id = counted.factory_id
            )
            SELECT GROUPING(g.country, g.sector, g.quarter), g.country, g.sector, g.quarter,
                   {sums}, NULL::bigint, NULL::bigint
            FROM g
            GROUP BY GROUPING SETS ((g.country), (g.sector), (g.quarter), ())
            UNION ALL
            SELECT 8, NULL, NULL, NULL, {nothing}, count(*), count(*) FILTER (WHERE child)
            FROM (SELECT bool_or(g.child_any) AS child FROM g GROUP BY g.factory_id) AS d
            """,  # noqa: S608 - the subquery is Django's SQL, values are parameters
            [*links_params, *params, *inner_params, *product_params],
        )
        result = cursor.fetchall()
    summary = FindingSummary(by_country={}, by_sector={}, by_quarter=[], overall={})
    factories = {}
    # GROUPING(): a bit set for each column the row is not grouped by (country 4, sector 2,
    # quarter 1); 8 is the distinct factories' row.
    for grouping, country, sector, quarter, *values in result:
        row = dict(zip(names, values[: len(names)], strict=True))
        if grouping == 0b011:
            summary.by_country[country] = row
        elif grouping == 0b101:
            summary.by_sector[sector] = row["total"]
        elif grouping == 0b110:
            summary.by_quarter.append({"quarter": quarter, **row})
        elif grouping == 0b111:
            summary.overall = row
        else:
            factories = {"factories": values[-2], "child_factories": values[-1]}
    if not summary.overall:
        summary.overall = dict.fromkeys(names, 0)
    summary.overall.update(factories)
    summary.by_quarter.sort(key=lambda row: row["quarter"])
    return summary


@dataclass(frozen=True)
class RiskTable:
    """One view: a heading, a chart and the table of the same numbers."""

    slug: str  # unique on the page, in the export and API URLs
    title: str
    note: str  # shown under the heading when the numbers need explaining
    columns: list[str]  # the first names the row labels
    rows: list[list]  # [label, value, ...]: numbers, or text ("fewer than 5", "Yes")
    chart: SafeString | None
    empty_text: str


def _country_name(code: str) -> str:
    return str(dict(countries).get(code, code)) if code else gettext("Not known")


def _route(origin: str, transit, destination: str) -> str:
    return " → ".join(_country_name(c) for c in [origin, *(transit or []), destination])


def _choice_label(choices, value) -> str:
    return str(dict(choices.choices).get(value, value))


def _findings_label():
    return gettext("Findings")


# --- (a) countries × the 11 ILO indicators ------------------------------------------------


def indicator_heat_map(reader, filters=None, *, summary=None) -> RiskTable:
    """Findings per factory country and ILO forced-labour indicator (`finding_summary`)."""
    summary = summary or finding_summary(reader, filters)
    indicators = list(ForcedLabourIndicator)
    table = sorted(
        (
            [
                _country_name(country),
                *(row[f"i_{i.value}"] for i in indicators),
                row["total"],
            ]
            for country, row in summary.by_country.items()
        ),
        key=lambda row: (-row[-1], row[0].casefold()),
    )
    labels = [str(i.label) for i in indicators]
    title = gettext("Findings by factory country and ILO forced-labour indicator")
    return RiskTable(
        slug="indicators",
        title=title,
        note=gettext(
            "A finding with several indicators counts once under each; the last column counts "
            "every finding at the country's factories."
        ),
        columns=[gettext("Country"), *labels, gettext("All findings")],
        rows=table,
        chart=heat_map(
            [(row[0], row[1:-1]) for row in table],
            columns=labels,
            title=title,
            unit_label=_findings_label(),
            chart_id="risk-indicators-chart",
        ),
        empty_text=gettext("No finding matches these filters."),
    )


# --- (b) migration corridors ---------------------------------------------------------------


def corridor_flows(reader, filters=None) -> RiskTable:
    """Migrant cohorts of the counted findings' reports by route, with their workers and the
    average fees each worker paid, in euros (two queries).

    The average weighs each cohort's fees per worker by its number of workers, over the cohorts
    that record fees; a route is a priority corridor when the reference table says so.
    """
    findings = risk_findings(reader, filters=filters)
    fee_per_worker = (
        CohortFee.objects.filter(cohort=OuterRef("pk"))
        .order_by()
        .values("cohort")
        .annotate(total=Sum("amount_eur"))
        .values("total")
    )
    money = DecimalField(max_digits=18, decimal_places=2)
    workers = F("workers_women") + F("workers_men") + F("workers_other")
    cohorts = (
        MigrantCohort.objects.filter(report__in=findings.values("report"))
        .annotate(fees_per_worker=Subquery(fee_per_worker, output_field=money))
        .annotate(headcount=ExpressionWrapper(workers, output_field=money))
        .order_by()
        .values("origin_country", "transit_countries", "destination_country")
        .annotate(
            cohorts=Count("pk"),
            women=Sum("workers_women"),
            men=Sum("workers_men"),
            other=Sum("workers_other"),
            paid=Sum(
                F("fees_per_worker") * F("headcount"),
                filter=Q(fees_per_worker__isnull=False),
                output_field=money,
            ),
            paying=Sum("headcount", filter=Q(fees_per_worker__isnull=False), output_field=money),
        )
    )
    priority = {
        (c.origin.code, tuple(c.transit), c.destination.code)
        for c in MigrationCorridor.objects.filter(priority=True)
    }
    yes, no = gettext("Yes"), gettext("No")
    threshold = settings.EW_GRIEVANCE_COUNT_THRESHOLD
    fewer = gettext("fewer than %(threshold)d") % {"threshold": threshold}
    rows = []
    for row in cohorts:
        key = (row["origin_country"], tuple(row["transit_countries"]), row["destination_country"])
        counts = [row["women"], row["men"], row["other"]]
        total = sum(counts)
        average = (row["paid"] / row["paying"]).quantize(Decimal("0.01")) if row["paying"] else None
        rows.append(
            [
                _route(*key),
                yes if key in priority else no,
                row["cohorts"],
                total,
                *counts,
                average if average is not None else "",
            ]
        )
    rows.sort(key=lambda row: (-row[3], row[0].casefold()))
    if not reader.is_staff:
        # Workers, women, men, other: small counts hidden as for grievances (module docstring).
        # The average fee of a corridor with fewer workers than that would say what those few
        # paid: hidden too.
        hidden = gettext("not shown")
        for row in rows:
            if row[3] < threshold and isinstance(row[7], Decimal):
                row[7] = hidden
            shown = suppressed_counts([*row[4:7], row[3]], threshold)
            row[3:7] = [fewer if value is None else value for value in [shown[-1], *shown[:-1]]]
    title = gettext("Migration corridors: workers and fees paid per worker")
    chart_title = gettext("Average fees paid per worker, in euros, by corridor")
    note = gettext(
        "Migrant cohorts recorded by the reports counted here, from the country of origin "
        "through any transit countries to the country of work. Fees per worker are in "
        "euros at the rate of the day they were paid, averaged over the workers of the "
        "cohorts that record fees; an empty cell means no fee was recorded. Other or not "
        "known: workers whose gender is another or was not recorded."
    )
    if not reader.is_staff:
        note = " ".join(
            [
                note,
                gettext(
                    "To protect the workers, worker counts under %(threshold)d are not shown, "
                    "nor any count from which one could be worked out."
                )
                % {"threshold": threshold},
            ]
        )
    return RiskTable(
        slug="corridors",
        title=title,
        note=note,
        columns=[
            gettext("Corridor"),
            gettext("Priority corridor"),
            gettext("Cohorts"),
            gettext("Workers"),
            gettext("Women"),
            gettext("Men"),
            gettext("Other or not known"),
            gettext("Average fees per worker (EUR)"),
        ],
        rows=rows,
        chart=bar_chart(
            [
                (f"{row[0]} ★" if row[1] == yes else row[0], row[7])
                for row in rows
                if isinstance(row[7], Decimal)
            ],
            title=chart_title,
            unit_label=gettext("Euros per worker; ★ priority corridor"),
            chart_id="risk-corridors-chart",
        ),
        empty_text=gettext("No report counted here records a migrant cohort."),
    )


# --- (c) child labour ----------------------------------------------------------------------


def child_labour(reader, filters=None, *, summary=None) -> RiskTable:
    """Findings by child-labour category (ILO C138 and C182), from `finding_summary`."""
    counts = (summary or finding_summary(reader, filters)).overall
    categories = list(ChildLabourCategory)
    rows = [[str(c.label), counts[f"c_{c.value}"]] for c in categories if counts[f"c_{c.value}"]]
    title = gettext("Child labour by ILO category")
    return RiskTable(
        slug="child-labour",
        title=title,
        note=gettext(
            "Findings of child labour under ILO conventions 138 and 182; a finding can fall "
            "under several categories."
        ),
        columns=[gettext("Category"), _findings_label()],
        rows=rows,
        chart=bar_chart(
            rows, title=title, unit_label=_findings_label(), chart_id="risk-child-labour-chart"
        ),
        empty_text=gettext("No finding counted here records child labour."),
    )


# --- (d) sectors and products --------------------------------------------------------------


def sectors_and_products(reader, filters=None, *, summary=None) -> RiskTable:
    """Findings by the factory's sector, and by the product categories of the contracts whose
    disclosures name the factory (the affiliate's own contracts for an affiliate; every
    affiliate's for staff), from `finding_summary`."""
    summary = summary or finding_summary(reader, filters)
    by_sector = summary.by_sector
    by_product = {c.value: summary.overall[f"p_{c.value}"] for c in Contract.Category}
    sector, product = gettext("Sector"), gettext("Product category")
    rows = sorted(
        ([sector, _choice_label(Sector, code), n] for code, n in by_sector.items()),
        key=lambda row: (-row[2], row[1].casefold()),
    ) + sorted(
        (
            [product, str(c.label), by_product[c.value]]
            for c in Contract.Category
            if by_product[c.value]
        ),
        key=lambda row: (-row[2], row[1].casefold()),
    )
    title = gettext("Findings by sector and by product category")
    return RiskTable(
        slug="sectors",
        title=title,
        note=gettext(
            "Product categories are those of the contracts under which the factory was "
            "disclosed; a factory that makes several kinds of products counts under each."
        ),
        columns=[gettext("Grouped by"), gettext("Sector or product"), _findings_label()],
        rows=rows,
        chart=bar_chart(
            [(f"{row[1]}", row[2]) for row in rows],
            title=title,
            unit_label=_findings_label(),
            chart_id="risk-sectors-chart",
        ),
        empty_text=gettext("No finding matches these filters."),
    )


# --- (e) trend by quarter ------------------------------------------------------------------


def quarterly_trend(reader, filters=None, *, summary=None) -> RiskTable:
    """Findings by the quarter in which the report's monitoring period ended, by severity
    (from `finding_summary`)."""
    rows = (summary or finding_summary(reader, filters)).by_quarter
    table = [
        [
            f"{row['quarter'].year} Q{(row['quarter'].month - 1) // 3 + 1}",
            *(row[s.value] for s in SEVERITIES),
            row["total"],
        ]
        for row in rows
    ]
    severity_labels = [str(s.label) for s in SEVERITIES]
    title = gettext("Findings by quarter and severity")
    return RiskTable(
        slug="trend",
        title=title,
        note=gettext("Quarters of the end of the monitoring period, oldest first."),
        columns=[gettext("Quarter"), *severity_labels, gettext("Total")],
        rows=table,
        chart=stacked_bar_chart(
            [(row[0], dict(zip(SEVERITIES, row[1:-1], strict=True))) for row in table],
            segments=list(zip(SEVERITIES, severity_labels, strict=True)),
            colours=SEVERITY_COLOURS,
            title=title,
            unit_label=_findings_label(),
            max_bars=40,
            chart_id="risk-trend-chart",
        ),
        empty_text=gettext("No finding matches these filters."),
    )


# --- (f) grievances ------------------------------------------------------------------------


def grievances_by_factory(reader, filters=None, *, limit: int | None = None) -> RiskTable:
    """Grievances by factory and category (one query): exact for staff; for an affiliate, at
    the factories in its supply chain, with small counts hidden (see the module docstring).
    The findings filters on country and sector apply to the factory. With `limit` (the page),
    only the factories with the most grievances: one row per factory would grow with the
    network; the export and the API have them all."""
    filters = filters or {}
    if reader.is_staff:
        factories = Factory.objects.all()
    elif reader.is_affiliate:
        factories = Factory.objects.in_supply_chain_of(reader.affiliate)
    else:
        factories = Factory.objects.none()
    if filters.get("country"):
        factories = factories.filter(country=filters["country"])
    if filters.get("sector"):
        factories = factories.filter(sector=filters["sector"])
    categories = list(GrievanceCategory)
    rows = (
        Grievance.objects.filter(factory__in=factories.values("pk"))
        .order_by()
        .values("factory_id", "factory__name", "factory__country")
        .annotate(
            total=Count("pk"),
            **{c.value: Count("pk", filter=Q(categories__contains=[c.value])) for c in categories},
        )
    )
    if limit is not None:
        rows = list(rows.order_by("-total", "factory__name", "factory_id")[: limit + 1])
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if more else rows
    threshold = settings.EW_GRIEVANCE_COUNT_THRESHOLD
    fewer = gettext("fewer than %(threshold)d") % {"threshold": threshold}
    table = []
    for row in sorted(rows, key=lambda r: (-r["total"], r["factory__name"].casefold())):
        counts = [row[c.value] for c in categories]
        label = f"{row['factory__name']} ({row['factory__country']})"
        if reader.is_staff:
            table.append([label, *counts, row["total"]])
            continue
        shown = suppressed_counts([*counts, row["total"]], threshold)
        table.append([label, *(fewer if value is None else value for value in shown)])
    title = gettext("Grievances by factory and category")
    note = gettext("A grievance can name several categories.")
    if not reader.is_staff:
        note = " ".join(
            [
                note,
                gettext(
                    "To protect the workers who complained, counts under %(threshold)d are "
                    "not shown, nor any count from which one could be worked out."
                )
                % {"threshold": threshold},
            ]
        )
    if more:
        note = " ".join(
            [
                note,
                gettext(
                    "Only the %(count)d factories with the most grievances are shown here; "
                    "the CSV and XLSX files list them all."
                )
                % {"count": limit},
            ]
        )
    chart_rows = [(row[0], row[-1]) for row in table if isinstance(row[-1], int)]
    return RiskTable(
        slug="grievances",
        title=title,
        note=note,
        columns=[gettext("Factory"), *(str(c.label) for c in categories), gettext("Total")],
        rows=table,
        chart=bar_chart(
            chart_rows,
            title=gettext("Grievances by factory"),
            unit_label=gettext("Grievances"),
            chart_id="risk-grievances-chart",
        )
        if chart_rows
        else None,
        empty_text=gettext("No grievance was received about these factories."),
    )


def suppressed_counts(values: list[int], threshold: int) -> list[int | None]:
    """`values` (cells, then their total last) with None for what may not be shown.

    The total is hidden below the threshold, and then every cell with it. Otherwise each cell
    under the threshold is hidden; while the hidden cells add up to more than 0 but less than
    the threshold (the total minus the shown cells would reveal a small count), the smallest
    shown non-zero cell is hidden too. A zero stays shown: it points at nobody.
    """
    *cells, total = values
    if total < threshold:
        return [None] * len(values)
    hidden = {i for i, v in enumerate(cells) if 0 < v < threshold}
    while 0 < sum(cells[i] for i in hidden) < threshold:
        candidates = [i for i, v in enumerate(cells) if i not in hidden and v > 0]
        if not candidates:  # cannot happen: the cells then add up to the total
            break
        hidden.add(min(candidates, key=lambda i: (cells[i], i)))
    return [None if i in hidden else v for i, v in enumerate(cells)] + [total]


# --- (g) inherent country risk --------------------------------------------------------------


def country_risk(reader, filters=None, *, summary=None) -> RiskTable:
    """The countries of the reader's factories (an affiliate: its supply chain; staff: the
    factories with counted findings) with their forced- and child-labour risk levels, the ILO
    conventions ratified, whether each is an Alliance 8.7 pathfinder country, each with its
    source and year, and the findings counted there. Four queries and `finding_summary`."""
    if reader.is_affiliate:
        factories = Factory.objects.visible_to(reader)
        if (filters or {}).get("country"):
            factories = factories.filter(country=filters["country"])
        codes = set(factories.order_by().values_list("country", flat=True).distinct())
    else:
        codes = set()
    by_country = (summary or finding_summary(reader, filters)).by_country
    found = {country: row["total"] for country, row in by_country.items()}
    codes |= set(found)
    levels: dict[tuple[str, str], CountryRiskIndicator] = {}
    wanted = [
        CountryRiskIndicator.Indicator.FORCED_LABOUR,
        CountryRiskIndicator.Indicator.CHILD_LABOUR,
    ]
    for indicator in CountryRiskIndicator.objects.filter(
        country__in=codes, indicator__in=wanted
    ).order_by("country", "indicator", "-year"):
        levels.setdefault((indicator.country.code, indicator.indicator), indicator)
    ratified: dict[str, list[Ratification]] = {}
    for ratification in Ratification.objects.filter(country__in=codes).order_by("convention"):
        ratified.setdefault(ratification.country.code, []).append(ratification)
    pathfinders = {p.country.code: p for p in PathfinderCountry.objects.filter(country__in=codes)}

    def level(code, indicator):
        figure = levels.get((code, indicator))
        if figure is None:
            return gettext("No figure")
        return f"{figure.get_level_display()} ({figure.source}, {figure.year})"

    in_force = {Ratification.Status.IN_FORCE, Ratification.Status.NOT_IN_FORCE}
    rows = []
    for code in codes:
        ratifications = ratified.get(code, [])
        if ratifications:
            done = [r.convention for r in ratifications if r.status in in_force]
            sources = sorted({f"{r.source}, {r.year}" for r in ratifications})
            ratification_text = (
                ", ".join(done) or gettext("None of these")
            ) + f" ({'; '.join(sources)})"
        else:
            ratification_text = gettext("No figure")
        pathfinder = pathfinders.get(code)
        rows.append(
            [
                _country_name(code),
                level(code, CountryRiskIndicator.Indicator.FORCED_LABOUR),
                level(code, CountryRiskIndicator.Indicator.CHILD_LABOUR),
                ratification_text,
                f"{gettext('Yes')} ({pathfinder.source}, {pathfinder.year})"
                if pathfinder
                else gettext("No"),
                found.get(code, 0),
            ]
        )
    rows.sort(key=lambda row: (-row[-1], row[0].casefold()))
    return RiskTable(
        slug="country-risk",
        title=gettext("Inherent risk of the factories' countries"),
        note=gettext(
            "Reference figures kept by Electronics Watch, each with its source and year, next "
            "to the findings counted in the country. Ratified: ILO conventions %(conventions)s "
            "ratified by the country (in force or not yet)."
        )
        % {"conventions": ", ".join(CONVENTIONS_SHOWN)},
        columns=[
            gettext("Country"),
            gettext("Forced labour risk"),
            gettext("Child labour risk"),
            gettext("ILO conventions ratified"),
            gettext("Alliance 8.7 pathfinder"),
            _findings_label(),
        ],
        rows=rows,
        chart=None,
        empty_text=gettext("No factory to show."),
    )


TABLES: dict[str, Callable] = {
    "indicators": indicator_heat_map,
    "corridors": corridor_flows,
    "child-labour": child_labour,
    "sectors": sectors_and_products,
    "trend": quarterly_trend,
    "grievances": grievances_by_factory,
    "country-risk": country_risk,
}


# The XLSX sheet of each table: at most 31 characters, so that no title is cut mid-word.
SHEET_TITLES = {
    "indicators": _("ILO indicators"),
    "corridors": _("Corridors"),
    "child-labour": _("Child labour"),
    "sectors": _("Sectors and products"),
    "trend": _("Trend by quarter"),
    "grievances": _("Grievances"),
    "country-risk": _("Country risk"),
}


# The page shows the factories with the most grievances, not one row per factory.
PAGE_GRIEVANCE_FACTORIES = 50


SUMMARISED = (indicator_heat_map, child_labour, sectors_and_products, quarterly_trend, country_risk)


# --- Cached (core/readmodel.py) -------------------------------------------------------------
#
# The tables are read models: every one is kept in the cache under the generation of the domain
# data, keyed by whose they are (staff, or the affiliate), the language, the filters and
# whatever else they depend on (the grievance threshold, the page's row limit). Nested entries
# share the work: the page and the API read the same tables, which read the same
# `finding_summary`. Nothing here depends on today's date.


def _owner(reader) -> tuple | None:
    """Whose tables these are, for the cache key; None for a reader whose tables are not
    cached (nobody's: they count nothing)."""
    if reader.is_staff:
        return ("staff",)
    if reader.is_affiliate and reader.affiliate is not None:
        return ("affiliate", reader.affiliate.pk)
    return None


def _filter_key(filters) -> tuple:
    """The filters as plain values, in a fixed order (a Code category by its pk)."""
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise ValueError(f"Unknown risk filters: {sorted(unknown)}")
    return tuple(
        (key, str(getattr(filters[key], "pk", filters[key]))) for key in FILTERS if key in filters
    )


def cached_for(reader, name: str, parts: tuple, compute: Callable):
    """`compute()`, cached for the reader's tables (`_owner`) and `parts`."""
    return _cached(name, reader, parts, compute)


def parts_for(filters) -> tuple:
    """The cache-key parts of a result shown in words with these filters (`cached_for`)."""
    return (*_texts(), _filter_key(filters))


def _cached(name: str, reader, parts: tuple, compute: Callable):
    owner = _owner(reader)
    if owner is None:
        return compute()
    return readmodel.cached(f"risk-{name}", (*owner, *parts), compute)


def _texts() -> tuple:
    """What the words of a table depend on besides the data."""
    return (translation.get_language(), settings.EW_GRIEVANCE_COUNT_THRESHOLD)


def cached_summary(reader, filters=None) -> FindingSummary:
    """`finding_summary`, cached (numbers only: the same in every language)."""
    return _cached(
        "summary", reader, (_filter_key(filters),), lambda: finding_summary(reader, filters)
    )


class _Once:
    """A value computed at most once, when first asked for: the summary shared by the tables
    built in one request, read from the cache only if one of them needs it."""

    def __init__(self, compute: Callable):
        self._compute = compute
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value, self._done = self._compute(), True
        return self._value


def risk_tables(reader, filters=None, *, whole: bool = False, summary=None) -> list[RiskTable]:
    """Every table, in page order (cached). As the page shows them, the grievances table
    keeps only the `PAGE_GRIEVANCE_FACTORIES` factories with the most grievances; `whole`
    (the API and the exports), all of them. The findings are counted once for all of them
    (`finding_summary`, cached too; `summary`, a callable returning it, when the caller has
    it)."""
    limit = None if whole else PAGE_GRIEVANCE_FACTORIES

    def compute():
        once = summary or _Once(lambda: cached_summary(reader, filters))
        tables = []
        for build in TABLES.values():
            if build is grievances_by_factory:
                tables.append(build(reader, filters, limit=limit))
            elif build in SUMMARISED:
                tables.append(build(reader, filters, summary=once()))
            else:
                tables.append(build(reader, filters))
        return tables

    return _cached("tables", reader, (limit, *_texts(), _filter_key(filters)), compute)


def risk_table(reader, slug: str, filters=None) -> RiskTable:
    """One table by its slug, whole (the exports, the API): read from `risk_tables`' entry,
    which the other tables' exports and the API list share; KeyError for an unknown one."""
    if slug not in TABLES:
        raise KeyError(slug)
    [table] = [table for table in risk_tables(reader, filters, whole=True) if table.slug == slug]
    return table


def risk_overview(reader, filters=None, *, summary=None) -> dict:
    """The page's headline figures (from `finding_summary`)."""
    overall = (summary or cached_summary(reader, filters)).overall
    return {key: overall[key] for key in ("total", "factories", "fast_track")}


def risk_page(reader, filters=None, *, render: Callable | None = None, render_key=()) -> dict:
    """What the page shows: the headline figures and the tables (`risk_tables`), and with
    `render` (the view's: tables -> HTML) the tables as HTML, rendered once per entry: `render`
    depends on nothing but the tables and `render_key` (the links' owner and query). From one
    cache entry when it is there."""

    def compute():
        summary = _Once(lambda: cached_summary(reader, filters))
        tables = risk_tables(reader, filters, summary=summary)
        return {
            "overview": risk_overview(reader, filters, summary=summary()),
            "tables": tables,
            "html": render(tables) if render is not None else None,
        }

    parts = (*_texts(), _filter_key(filters), render is not None, tuple(render_key))
    return _cached("page", reader, parts, compute)


# The lookups of the page's filters whose choices are counted, by form field.
CHOICE_LOOKUPS = {
    "country": "report__factory__country",
    "sector": "report__factory__sector",
    "severity": "severity",
    "standard": "standard",
}


def present_counts(reader) -> dict | None:
    """How many of the reader's (unfiltered) findings hold each value of the page's filters,
    {field: Counter}, from one query that reads at most `EW_FILTER_COUNT_LIMIT` + 1 rows
    (core/filters.py); None over that (cached)."""

    def compute():
        counts = list_counts(risk_findings(reader), *CHOICE_LOOKUPS.values())
        return None if counts is None else dict(zip(CHOICE_LOOKUPS, counts, strict=True))

    return _cached("choices", reader, (settings.EW_FILTER_COUNT_LIMIT,), compute)


# --- Filters -------------------------------------------------------------------------------


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

    def offer_present_choices(self, counts: dict | None) -> None:
        """For the page: only the countries, sectors, severities and Code categories of the
        reader's findings (unfiltered), with their counts (`present_counts`: None when there
        are too many findings to count, and then every choice without a count); the API keeps
        them all."""
        if counts is None:
            self.counts_capped = True
        fields = {
            "country": (countries, _("All countries")),
            "sector": (Sector.choices, _("All sectors")),
            "severity": (Severity.choices, _("All severities")),
        }
        for name, (choices, empty_label) in fields.items():
            self.fields[name].choices = counted_choices(
                counts and counts[name], choices, empty_label=empty_label
            )
        if counts is None:
            return
        standards, field = counts["standard"], self.fields["standard"]
        field.queryset = field.queryset.filter(pk__in=list(standards))
        label = field.label_from_instance
        field.label_from_instance = lambda obj: counted_label(label(obj), standards.get(obj.pk, 0))

    def filters(self) -> dict:
        """The valid filters (none when the form is invalid: the page says so)."""
        return self.cleaned_data if self.is_valid() else {}
