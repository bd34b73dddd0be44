"""Risk summaries for EW staff: which findings count, the breakdowns, filters and the page."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import translation

from monitoring.models import CodeStandard, CohortFee, Finding, MigrantCohort, MonitoringReport
from monitoring.selectors import CorridorFees, Row, risk_page_context, risk_summary
from tests.factories import FactoryFactory, FindingFactory, MonitoringReportFactory

pytestmark = pytest.mark.django_db

Status = MonitoringReport.Status


def standard(number):
    return CodeStandard.objects.current().get(number=number)


def report(factory_, status, **fields):
    return MonitoringReportFactory(factory=factory_, status=status, **fields)


def finding(report_, number, severity, indicators=(), origin="", destination="", **fields):
    """A finding; with an origin and a destination, about a migrant cohort on that route."""
    made = FindingFactory(
        report=report_,
        standard=standard(number),
        severity=severity,
        ilo_indicators=list(indicators),
        **fields,
    )
    if origin and destination:
        cohort = MigrantCohort.objects.create(
            report=report_, origin_country=origin, destination_country=destination, workers_men=5
        )
        cohort.findings.add(made)
    return made


def fee(finding_, cost_item, amount, currency):
    CohortFee.objects.create(
        cohort=finding_.cohorts.get(),
        step="origin_recruitment",
        cost_item=cost_item,
        amount=amount,
        currency=currency,
        paid_on=date(2025, 1, 1),
    )


@pytest.fixture
def findings():
    """Six findings that count, at three factories in three countries and two sectors."""
    thailand = FactoryFactory(country="TH", sector="ict")
    malaysia = FactoryFactory(country="MY", sector="ict")
    czechia = FactoryFactory(country="CZ", sector="lev")
    validated = report(thailand, Status.VALIDATED)
    published = report(malaysia, Status.PUBLISHED)
    older = report(
        czechia, Status.PUBLISHED, period_start=date(2025, 1, 1), period_end=date(2025, 2, 28)
    )
    documents = finding(
        validated, 1, "critical", ["documents", "debt"], "MM", "TH", fast_track=True
    )
    fees = finding(validated, 2, "high", ["deception", "debt"], "MM", "TH")
    finding(validated, 7, "medium", ["overtime"])
    nepal = finding(published, 2, "high", ["debt"], "NP", "MY")
    finding(published, 10, "medium", [], "BD", "")  # no cohort: no corridor
    finding(older, 1, "high", ["documents"], "UA", "CZ")

    # None of these count: a finding found unsubstantiated, and reports not (yet) accepted.
    finding(published, 2, "low", ["debt"], "NP", "MY", status=Finding.Status.NOT_SUBSTANTIATED)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.IN_TRIAGE, Status.REJECTED):
        finding(report(thailand, status), 1, "critical", ["documents"], "MM", "TH")

    fee(fees, "recruitment_fee", 500, "THB")
    fee(fees, "visa_permit", 300, "THB")
    fee(documents, "medical", 200, "THB")
    fee(nepal, "recruitment_fee", 1000, "MYR")
    return {"fees": fees}


def test_summary_counts_findings_of_validated_and_published_reports_only(findings):
    summary = risk_summary()

    assert summary.total_findings == 6
    assert summary.factories == 3
    assert summary.fast_track == 1
    assert summary.by_severity == [
        Row("Critical", 1),
        Row("High", 3),
        Row("Medium", 2),
        Row("Low", 0),
    ]


def test_findings_by_code_category_with_severity(findings):
    # Columns: critical, high, medium, low.
    assert [tuple(row) for row in risk_summary().by_standard] == [
        ("Fair recruitment", 2, (0, 2, 0, 0)),
        ("Freely chosen employment", 2, (1, 1, 0, 0)),
        ("Occupational health and safety", 1, (0, 0, 1, 0)),
        ("Working hours", 1, (0, 0, 1, 0)),
    ]


def test_a_finding_counts_once_under_each_of_its_ilo_indicators(findings):
    assert risk_summary().by_indicator == [
        Row("Debt bondage", 3),
        Row("Retention of identity documents", 2),
        Row("Deception", 1),
        Row("Excessive overtime", 1),
    ]


def test_findings_by_factory_country_and_sector(findings):
    summary = risk_summary()
    assert summary.by_country == [Row("Thailand", 3), Row("Malaysia", 2), Row("Czechia", 1)]
    assert summary.by_sector == [Row("ICT hardware", 5), Row("Low-emission vehicles", 1)]


def test_corridors_count_findings_with_both_origin_and_destination(findings):
    assert risk_summary().by_corridor == [
        Row("Myanmar → Thailand", 2),
        Row("Nepal → Malaysia", 1),
        Row("Ukraine → Czechia", 1),
    ]


def test_recruitment_fees_per_worker_by_corridor_and_currency(findings):
    fees = risk_summary().corridor_fees
    assert fees == [
        CorridorFees("Myanmar → Thailand", "THB", 2, Decimal("1000.00")),
        CorridorFees("Nepal → Malaysia", "MYR", 1, Decimal("1000.00")),
    ]
    assert [fee.average_per_worker for fee in fees] == [Decimal("500.00"), Decimal("1000.00")]


def test_labels_follow_the_active_language(findings):
    with translation.override("fr"):
        summary = risk_summary()
    assert [row.label for row in summary.by_standard[:2]] == [
        "Emploi librement choisi",
        "Recrutement équitable",
    ]


@pytest.mark.parametrize(
    ("filters", "total"),
    [
        ({"country": "TH"}, 3),
        ({"sector": "lev"}, 1),
        ({"severity": "high"}, 3),
        ({"period_to": date(2025, 12, 31)}, 1),
        ({"period_from": date(2026, 4, 30)}, 5),
        ({"period_from": date(2025, 2, 1), "period_to": date(2025, 2, 1)}, 1),
        ({"country": "TH", "severity": "critical"}, 1),
        ({"country": "", "sector": None}, 6),
    ],
)
def test_filters_narrow_every_breakdown(findings, filters, total):
    summary = risk_summary(filters=filters)
    assert summary.total_findings == total
    assert sum(row.count for row in summary.by_country) == total
    assert sum(row.count for row in summary.by_sector) == total
    assert sum(row.count for row in summary.by_standard) == total


def test_filter_by_code_category(findings):
    summary = risk_summary(filters={"standard": standard(2)})
    assert [tuple(row)[:2] for row in summary.by_standard] == [("Fair recruitment", 2)]
    assert summary.by_corridor == [Row("Myanmar → Thailand", 1), Row("Nepal → Malaysia", 1)]


def test_unknown_filter_is_refused():
    with pytest.raises(ValueError, match="factory_name"):
        risk_summary(filters={"factory_name": "x"})


def test_summary_of_no_findings_is_empty(db):
    summary = risk_summary()
    assert summary.total_findings == 0
    assert summary.by_standard == []
    assert summary.by_indicator == []
    assert summary.by_corridor == []
    assert summary.corridor_fees == []


def test_page_context_applies_the_filters_from_the_query_string(findings):
    context = risk_page_context(QueryDict(f"country=TH&standard={standard(2).pk}"))
    assert context["filters"].is_valid()
    assert context["summary"].total_findings == 1
    assert set(context["charts"]) == {
        "risk-standard",
        "risk-severity",
        "risk-indicator",
        "risk-country",
        "risk-corridor",
        "risk-sector",
    }


def test_page_context_with_a_reversed_period_shows_the_error_and_all_findings(findings):
    context = risk_page_context(QueryDict("period_from=2026-05-01&period_to=2026-01-01"))
    assert context["filters"].errors == {
        "period_to": ["The end of the period must not be before its start."]
    }
    assert context["summary"].total_findings == 6


def test_page_context_ignores_an_unknown_country_code_with_an_error(findings):
    context = risk_page_context(QueryDict("country=XX"))
    assert "country" in context["filters"].errors
    assert context["summary"].total_findings == 6


class _Page(HTMLParser):
    """What a reader of the page gets: per section, its heading, charts and table rows."""

    def __init__(self):
        super().__init__()
        self.sections, self.h1, self._section, self._cell, self._row = {}, [], None, None, None
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("id"):
            self._section = self.sections.setdefault(
                attrs["id"],
                {"h2": "", "svg": 0, "rows": [], "labelledby": attrs["aria-labelledby"]},
            )
        elif tag == "svg" and self._section is not None:
            self._section["svg"] += 1
        elif tag == "tr" and self._section is not None:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = ""
        elif tag in ("h1", "h2"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._section["rows"].append(self._row)
            self._row = None
        elif tag == "section":
            self._section = None
        elif tag in ("h1", "h2"):
            self._in = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._in == "h1":
            self.h1.append(data.strip())
        elif self._in == "h2" and self._section is not None:
            self._section["h2"] += data.strip()


def render_page(query=""):
    page = _Page()
    page.feed(render_to_string("monitoring/staff/risk.html", risk_page_context(QueryDict(query))))
    return page


def test_page_shows_each_breakdown_as_a_chart_and_a_table(findings):
    page = render_page()

    assert page.h1 == ["Risk summaries"]
    corridor = page.sections["risk-corridor"]
    assert corridor["h2"] == "Findings by migration corridor"
    assert corridor["labelledby"] == "risk-corridor-title"
    assert corridor["svg"] == 1
    assert corridor["rows"] == [
        ["Corridor", "Findings"],
        ["Myanmar → Thailand", "2"],
        ["Nepal → Malaysia", "1"],
        ["Ukraine → Czechia", "1"],
    ]
    assert page.sections["risk-standard"]["rows"][:2] == [
        ["Code category", "Critical", "High", "Medium", "Low", "Total"],
        ["Fair recruitment", "0", "2", "0", "0", "2"],
    ]
    assert page.sections["risk-indicator"]["rows"][1] == ["Debt bondage", "3"]
    assert page.sections["risk-fees"]["rows"] == [
        ["Corridor", "Cohorts with fees", "Average paid per worker"],
        ["Myanmar → Thailand", "2", "500.00\xa0THB"],
        ["Nepal → Malaysia", "1", "1,000.00\xa0MYR"],
    ]
    assert page.sections["risk-fees"]["svg"] == 0
    charts = {slug: section["svg"] for slug, section in page.sections.items()}
    assert charts == {
        "risk-standard": 1,
        "risk-severity": 1,
        "risk-indicator": 1,
        "risk-country": 1,
        "risk-corridor": 1,
        "risk-sector": 1,
        "risk-fees": 0,
    }


def test_page_without_findings_says_so_instead_of_drawing(db):
    page = render_page("country=FR")
    assert all(section["svg"] == 0 for section in page.sections.values())
    assert all(section["rows"] == [] for section in page.sections.values())


def test_page_escapes_labels_typed_by_staff(findings):
    CodeStandard.objects.filter(pk=standard(7).pk).update(name="<script>alert(1)</script>")
    html = render_to_string("monitoring/staff/risk.html", risk_page_context(QueryDict()))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_summary_and_page_keep_a_fixed_query_budget(findings, django_assert_max_num_queries):
    query = f"standard={standard(2).pk}&country=TH"
    with django_assert_max_num_queries(6):
        risk_summary()
    with django_assert_max_num_queries(8):
        render_to_string("monitoring/staff/risk.html", risk_page_context(QueryDict(query)))

    for number, country in enumerate(["TH", "MY", "VN", "CN", "MX"] * 6, start=1):
        finding(
            report(FactoryFactory(country=country), Status.PUBLISHED),
            (number % 10) + 1,
            "medium",
            ["wages", "isolation"],
            "KH",
            country,
        )
    assert risk_summary().total_findings == 36

    with django_assert_max_num_queries(6):
        risk_summary()
    with django_assert_max_num_queries(8):
        render_to_string("monitoring/staff/risk.html", risk_page_context(QueryDict(query)))
