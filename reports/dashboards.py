"""What the dashboards chart: each a `RiskTable` (a heading, a chart and the table of the same
numbers), counted in the database (GROUP BY or conditional counts), so that each dashboard runs
a fixed number of queries whatever the number of rows.

Who reads what is decided by the querysets passed in (`visible_to(reader)`), never here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncQuarter
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
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


def findings_over_time(
    findings, *, date_field: str, today: date, slug: str, note: str, count_all: bool = False
):
    """Findings per quarter by severity (stacked bars) and by Code category (a heat map of
    categories × quarters), and how many findings were counted: those of the quarters shown,
    or with `count_all` every one of `findings` (in the same scan). The findings are counted
    once, by quarter, severity and category (one query), and the categories' names read after
    (a second, of a few rows)."""
    from monitoring.models import CodeStandard

    quarters = _quarters(today)
    labels = [quarter_label(q) for q in quarters]
    # From the first quarter's local midnight: the same as `__date__gte`, but on the column
    # itself, so that an index on it can serve the range.
    recent = Q(
        **{f"{date_field}__gte": timezone.make_aware(datetime.combine(quarters[0], time.min))}
    )
    if count_all:  # older findings in a group of their own (no quarter)
        rows = findings.annotate(
            quarter=Case(When(recent, then=TruncQuarter(date_field)), output_field=DateTimeField())
        )
    else:
        rows = findings.filter(recent).annotate(quarter=TruncQuarter(date_field))
    total = 0
    by_severity: Counter = Counter()
    by_category: dict[int, Counter] = {}
    # count(*), not of the id: the findings are then read from the covering index
    # `finding_counted_by_report` alone (monitoring/models.py).
    counted = rows.order_by().values("quarter", "severity", "standard_id").annotate(n=Count("*"))
    for row in counted:
        total += row["n"]
        if row["quarter"] is None:
            continue
        quarter = _as_date(row["quarter"])
        by_severity[(quarter, row["severity"])] += row["n"]
        by_category.setdefault(row["standard_id"], Counter())[quarter] += row["n"]
    names = {
        row["pk"]: (row["number"], _localized(row["name"], row["name_fr"]))
        for row in CodeStandard.objects.filter(pk__in=list(by_category)).values(
            "pk", "number", "name", "name_fr"
        )
    }

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
    return severity_table, category_table, total


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


def factory_map(factories, findings, *, title: str, total: int | None = None) -> FactoryMap:
    """The factories on the world map, each marked by the most severe open finding among
    `findings` (what the reader may read), most severe first, then by name: the factories
    with an open finding in one grouped query (their findings read once, not once per
    factory), those without one after them when fewer than MAP_LIMIT have one (a second), and
    the count of `factories` unless given (`total`)."""
    rank = Case(
        *(When(severity=severity, then=Value(r)) for r, severity in SEVERITY_BY_RANK.items()),
        output_field=IntegerField(),
    )
    open_findings = findings.exclude(status__in=CLOSED_FINDING_STATUSES).filter(
        severity__in=[severity.value for severity in SEVERITY_BY_RANK.values()],
        report__factory__in=factories,
    )
    columns = ("name", "country", "latitude", "longitude")
    rows = [
        {
            "pk": row["report__factory"],
            "worst": row["worst"],
            **{column: row[f"report__factory__{column}"] for column in columns},
        }
        for row in open_findings.order_by()
        .values("report__factory", *(f"report__factory__{c}" for c in columns))
        .annotate(worst=Max(rank))
        .order_by("-worst", "report__factory__name", "report__factory")[:MAP_LIMIT]
    ]
    if len(rows) < MAP_LIMIT:
        rows += list(
            factories.exclude(Exists(open_findings.filter(report__factory=OuterRef("pk"))))
            .order_by("name", "pk")
            .values("pk", *columns)[: MAP_LIMIT - len(rows)]
        )
    if total is None:
        total = len(rows) if len(rows) < MAP_LIMIT else factories.count()
    country_names = dict(countries)
    listed, points = [], []
    for row in rows:
        severity = SEVERITY_BY_RANK.get(row.get("worst"))
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


# --- The dashboards' pages ------------------------------------------------------------------
#
# What a dashboard shows of the data is computed by `*_figures()` as plain values (the charts'
# tables and SVG, the map, counts, the ids of the rows listed) and kept in the read-model
# cache (core/readmodel.py) under the reader's tenant, the language and the day; the page then
# reads the few rows it lists by their ids, through `visible_to(reader)` again, and whatever
# depends on the moment (the waiting queues, by the hour) live.


def _in_order(queryset, ids: list[int]) -> list:
    """The rows of `queryset` with these ids, in the order of `ids` (one query, none if no id)."""
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [rows[pk] for pk in ids if pk in rows]


def _rendered(charts: dict, order: tuple[str, ...], **map_context) -> dict:
    """The charts' and the map's HTML, rendered once with the figures they show (the
    templates' context is the data, the affiliate's slug for links and the language)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    tables = (
        render_to_string("reports/includes/dashboard_chart.html", {"table": charts[name]})
        for name in order
    )
    return {
        "charts_html": mark_safe("".join(tables)),  # noqa: S308 (rendered templates)
        "map_html": render_to_string(
            "reports/includes/factory_map.html", {"map": charts["factory_map"], **map_context}
        ),
    }


def _affiliate_figures(reader, today: date) -> dict:
    """Everything an affiliate's dashboard shows of the data, as plain values: the charts,
    the counts, the remediation rows it lists, and the HTML of its charts, of its latest
    findings' cards and of its remediation section."""
    from remediation.models import RemediationAction
    from remediation.selectors import affiliate_dashboard as remediation
    from suppliers.models import Contract, Disclosure, Factory

    findings = Finding.objects.visible_to(reader)
    factories = Factory.objects.visible_to(reader)
    by_severity, by_category, finding_count = findings_over_time(
        findings,
        date_field="published_at",
        today=today,
        slug="findings",
        note=gettext(
            "Published findings in your supply chain, by the quarter they were published."
        ),
        count_all=True,
    )
    factory_count = factories.count()
    latest = []
    if finding_count:
        latest = [row.pk for row in findings.newest(3, total=finding_count).only("pk")]
    figures = {
        "charts": {
            "findings_by_severity": by_severity,
            "findings_by_category": by_category,
            "overdue_actions": overdue_actions_by_age(
                RemediationAction.objects.visible_to(reader), today=today
            ),
            "disclosures_by_state": disclosures_by_state(Disclosure.objects.all(), today=today),
            "factory_map": factory_map(
                factories,
                findings,
                title=gettext("Factories in your supply chain by their most severe open finding"),
                total=factory_count,
            ),
        },
        "counts": {
            "contract_count": Contract.objects.count(),
            "overdue_disclosures": Disclosure.objects.overdue().count(),
            "factory_count": factory_count,
            "finding_count": finding_count,
        },
        "remediation": remediation(reader, today),
    }
    figures["html"] = _rendered(
        figures["charts"],
        ("overdue_actions", "disclosures_by_state", "findings_by_severity", "findings_by_category"),
        factory_url="affiliate",
        affiliate=reader.affiliate,
    )
    # The latest findings' cards, written once with the figures (a card shows the finding,
    # its report's factory and the companies' published answers: domain data, whose change
    # renews the cache), not read and written again on each view.
    from monitoring.templatetags.finding_cards import finding_cards

    figures["html"]["latest_findings_html"] = finding_cards(
        _in_order(Finding.objects.visible_to(reader).with_display_relations(), latest),
        show_factory=True,
        affiliate_slug=reader.affiliate.slug,
    )
    # The remediation section, rendered once with the rows it lists: they are plain values of
    # these figures already, kept under the same tenant, language and day.
    from django.template.loader import render_to_string

    figures["html"]["remediation_html"] = render_to_string(
        "remediation/includes/affiliate_dashboard.html",
        {"r": figures["remediation"], "affiliate": reader.affiliate},
    )
    return figures


def member_counts(affiliate) -> dict:
    """The affiliate's members and its invitations still open, counted in one query (live:
    they are not figures of the read-model cache)."""
    from django.db.models.functions import Coalesce

    from affiliates.models import Affiliate, Invitation, Membership

    def count(queryset):
        rows = queryset.filter(affiliate=OuterRef("pk")).order_by().values("affiliate")
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)

    return (
        Affiliate.objects.filter(pk=affiliate.pk)
        .values(
            member_count=count(Membership.objects.all()),
            pending_invitations=count(Invitation.objects.pending()),
        )
        .get()
    )


def affiliate_dashboard(reader, today: date | None = None) -> dict:
    """The context of an affiliate's dashboard, but for its members and invitations."""
    from core import readmodel

    today = today or timezone.localdate()
    # The last part is the shape of the cached figures: entries of an older shape (without
    # the latest findings' cards) are never read.
    parts = (str(reader.kind), reader.affiliate.pk, get_language(), today.isoformat(), 3)
    figures = readmodel.cached(
        "dashboard-affiliate", parts, lambda: _affiliate_figures(reader, today)
    )
    return {
        "today": today,
        **figures["charts"],
        **figures["counts"],
        **figures["html"],
        "remediation": figures["remediation"],
    }


def staff_waiting(reader, now) -> dict:
    """The queues waiting for staff, by how long (read live: the ages move with the hour)."""
    from grievances.models import Grievance
    from monitoring.models import MonitoringReport

    reports = MonitoringReport.objects.visible_to(reader)
    waiting = waiting_by_age(
        [
            (gettext("Monitoring reports to triage"), reports.to_triage(), "submitted_at"),
            (
                gettext("Validated reports waiting for publication"),
                reports.awaiting_publication(),
                "decided_at",
            ),
            (
                gettext("Open grievances"),
                Grievance.objects.visible_to(reader).open(),
                "received_on",
            ),
        ],
        now=now,
    )
    return {
        "waiting": waiting,
        "reports_waiting": waiting.rows[0][-2],
        "reports_to_publish": waiting.rows[1][-2],
        "grievances_waiting": waiting.rows[2][-2],
    }


def _staff_figures(reader, today: date) -> dict:
    """Everything the staff dashboard shows of the data but the waiting queues, as plain
    values: the charts, the counts, the remediation rows it lists."""
    from django_scopes import scopes_disabled

    from affiliates.models import Affiliate
    from monitoring.models import MonitoringPartner
    from remediation.models import RemediationAction
    from remediation.selectors import staff_dashboard as remediation
    from suppliers.models import Disclosure, Factory, FactoryMatchReview

    from .risk import STAFF_REPORT_STATUSES

    findings = Finding.objects.visible_to(reader).filter(report__status__in=STAFF_REPORT_STATUSES)
    factories = Factory.objects.visible_to(reader)
    by_severity, by_category, _count = findings_over_time(
        findings,
        date_field="report__decided_at",
        today=today,
        slug="findings",
        note=gettext("Findings of validated or published reports, by the quarter of validation."),
    )
    factory_count = factories.count()
    with scopes_disabled():
        disclosures = disclosures_by_state(Disclosure.objects.all(), today=today)
    figures = {
        "charts": {
            "findings_by_severity": by_severity,
            "findings_by_category": by_category,
            "overdue_actions": overdue_actions_by_age(
                RemediationAction.objects.visible_to(reader), today=today
            ),
            "disclosures_by_state": disclosures,
            "factory_map": factory_map(
                factories,
                findings,
                title=gettext("Factories by their most severe open finding"),
                total=factory_count,
            ),
        },
        "counts": {
            "affiliate_count": Affiliate.objects.filter(is_active=True).count(),
            "partner_count": MonitoringPartner.objects.count(),
            "factory_count": factory_count,
            "pending_reviews": FactoryMatchReview.objects.filter(
                decision=FactoryMatchReview.Decision.PENDING
            ).count(),
        },
        "remediation": remediation(reader, today),
    }
    figures["html"] = _rendered(
        figures["charts"],
        ("overdue_actions", "findings_by_severity", "findings_by_category", "disclosures_by_state"),
        factory_url="staff",
    )
    return figures


def staff_dashboard(reader, now=None) -> dict:
    """The context of the staff dashboard."""
    from core import readmodel

    now = now or timezone.now()
    today = timezone.localdate(now)
    parts = (str(reader.kind), get_language(), today.isoformat())
    figures = readmodel.cached("dashboard-staff", parts, lambda: _staff_figures(reader, today))
    return {
        "today": today,
        **staff_waiting(reader, now),
        **figures["charts"],
        **figures["counts"],
        **figures["html"],
        "remediation": figures["remediation"],
    }
