"""The risk views (reports/risk.py): who counts what, the counts against hand-made data, the
grievance threshold, fixed query budgets, the pages, the exports and the API."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django_countries import countries
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from affiliates.reader import Reader
from monitoring.models import CohortFee, Finding, MigrantCohort, MonitoringReport
from reports.risk import risk_table, suppressed_counts
from suppliers.models import (
    CountryRiskIndicator,
    MigrationCorridor,
    PathfinderCountry,
    Ratification,
)
from tests.factories import (
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    in_supply_chain,
    published_finding,
)
from tests.grievances.conftest import submit

pytestmark = pytest.mark.django_db


def cohort(report, origin, destination, transit=(), women=0, men=0, fees=(), other=0):
    made = MigrantCohort.objects.create(
        report=report,
        origin_country=origin,
        destination_country=destination,
        transit_countries=list(transit),
        workers_women=women,
        workers_men=men,
        workers_other=other,
    )
    for amount_eur in fees:
        CohortFee.objects.create(
            cohort=made,
            step=CohortFee.Step.ORIGIN_RECRUITMENT,
            cost_item="recruitment_fee",
            amount=amount_eur,
            currency="EUR",
            paid_on=date(2026, 1, 10),
            amount_eur=amount_eur,
        )
    return made


@pytest.fixture
def world(northvale, southport):
    """Northvale's supply chain: a Thai and a Malaysian factory with three published findings.
    Not Northvale's to count: a finding at Southport's Vietnamese factory, a validated (not
    published) finding and a not-substantiated one at the Thai factory."""
    with scopes_disabled():
        thai = FactoryFactory(name="Rayong Boards", country="TH", sector="ict")
        malaysian = FactoryFactory(name="Penang Cells", country="MY", sector="lev")
        vietnamese = FactoryFactory(name="Bac Ninh Assembly", country="VN", sector="ict")
        in_supply_chain(northvale, thai)
        in_supply_chain(northvale, malaysian)
        in_supply_chain(southport, vietnamese)
    critical = published_finding(
        thai,
        ilo_indicators=["documents", "debt"],
        severity="critical",
        child_labour=["hazardous"],
    )
    published_finding(
        thai,
        ilo_indicators=["debt"],
        severity="high",
        child_labour=["under_minimum_age", "hazardous"],
    )
    overtime = published_finding(malaysian, ilo_indicators=["overtime"], severity="medium")
    other = published_finding(vietnamese, ilo_indicators=["documents"], child_labour=["hazardous"])
    validated = FindingFactory(
        report=MonitoringReportFactory(factory=thai, status=MonitoringReport.Status.VALIDATED),
        ilo_indicators=["documents"],
        child_labour=["worst_forms"],
        severity="low",
    )
    published_finding(thai, ilo_indicators=["documents"], status=Finding.Status.NOT_SUBSTANTIATED)
    # Myanmar → Thailand (a priority corridor): 10 workers paying 300 €, 30 paying 100 €.
    cohort(critical.report, "MM", "TH", women=6, men=4, fees=[200, 100])
    cohort(critical.report, "MM", "TH", women=10, men=20, fees=[100])
    # Nepal → India → Malaysia, no fee recorded.
    cohort(overtime.report, "NP", "MY", transit=["IN"], men=7)
    # Not Northvale's: at Southport's factory and in an unpublished report.
    cohort(other.report, "MM", "VN", men=50, fees=[900])
    cohort(validated.report, "KH", "TH", men=5, fees=[50])
    MigrationCorridor.objects.create(
        origin="MM", destination="TH", priority=True, source="Alliance 8.7", year=2025
    )
    return {"thai": thai, "malaysian": malaysian, "vietnamese": vietnamese}


def staff_reader(staff):
    return Reader.of(staff)


def northvale_reader(northvale_officer):
    with scopes_disabled():
        return Reader.of(northvale_officer, northvale_officer.memberships.get())


def rows(reader, slug, filters=None):
    with scopes_disabled():
        return risk_table(reader, slug, filters).rows


def test_affiliate_counts_only_published_findings_of_its_supply_chain(world, northvale_officer):
    reader = northvale_reader(northvale_officer)
    indicators = {row[0]: row for row in rows(reader, "indicators")}
    assert set(indicators) == {"Thailand", "Malaysia"}
    # columns: country, the 11 indicators in ForcedLabourIndicator's order, all findings
    thai = indicators["Thailand"]
    assert thai[7] == 1  # documents: the critical finding only
    assert thai[9] == 2  # debt
    assert thai[-1] == 2
    assert indicators["Malaysia"][11] == 1  # overtime
    assert rows(reader, "child-labour") == [
        ["Under the minimum age (C138)", 1],
        ["Hazardous work under 18 (C182, Art. 3(d))", 2],
    ]
    assert rows(reader, "trend") == [["2026 Q2", 1, 1, 1, 0, 3]]


def test_staff_count_validated_and_published_findings_everywhere(world, staff):
    reader = staff_reader(staff)
    indicators = {row[0]: row for row in rows(reader, "indicators")}
    assert set(indicators) == {"Thailand", "Malaysia", "Viet Nam"} or set(indicators) == {
        "Thailand",
        "Malaysia",
        "Vietnam",
    }
    assert indicators["Thailand"][-1] == 3  # the validated one counts; not substantiated never
    assert rows(reader, "child-labour") == [
        ["Under the minimum age (C138)", 1],
        ["Hazardous work under 18 (C182, Art. 3(d))", 3],
        ["Other worst forms (C182, Art. 3(a)–(c))", 1],
    ]


def test_heat_map_draws_one_titled_cell_per_country_and_indicator(world, northvale_officer):
    with scopes_disabled():
        chart = risk_table(northvale_reader(northvale_officer), "indicators").chart
    svg = ET.fromstring(str(chart))
    ns = "{http://www.w3.org/2000/svg}"
    cells = [g for g in svg.iter(f"{ns}g") if g.get("class") == "chart-cell"]
    assert len(cells) == 2 * 11  # Thailand and Malaysia × the 11 ILO indicators
    titles = [cell.find(f"{ns}title").text for cell in cells]
    assert all(titles)
    # Thailand first (2 findings), columns in the order of ForcedLabourIndicator.
    assert titles[6] == "Thailand, Retention of identity documents: 1"
    assert titles[8] == "Thailand, Debt bondage: 2"
    assert titles[0] == "Thailand, Abuse of vulnerability: 0"
    assert titles[11 + 10] == "Malaysia, Excessive overtime: 1"
    assert [cell.find(f"{ns}text").text for cell in cells[6:9]] == ["1", "0", "2"]
    # The darkest shade for the largest count, the lightest for none.
    fills = [cell.find(f"{ns}rect").get("fill") for cell in cells]
    assert fills[8] == "#08306b" and fills[0] == "#f1f5fa"
    # Dark figures on the light and middle shades, white ones on the dark shades.
    inks = [cell.find(f"{ns}text").get("fill") for cell in cells]
    assert (inks[6], inks[8]) == ("#1a1a1a", "#ffffff")


def test_corridors_weigh_fees_per_worker_and_mark_priority(world, northvale_officer, staff):
    corridors = rows(northvale_reader(northvale_officer), "corridors")
    assert corridors == [
        # (10 × 300 + 30 × 100) / 40 = 150
        ["Myanmar → Thailand", "Yes", 2, 40, 16, 24, 0, Decimal("150.00")],
        ["Nepal → India → Malaysia", "No", 1, 7, 0, 7, 0, ""],
    ]
    staff_routes = [row[0] for row in rows(staff_reader(staff), "corridors")]
    assert "Cambodia → Thailand" in staff_routes  # the validated report counts for staff
    assert len(staff_routes) == 4


def test_corridor_worker_counts_hide_small_ones_from_affiliates_only(
    world, northvale_officer, staff, settings, client
):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    report = published_finding(world["thai"], ilo_indicators=["debt"]).report
    cohort(report, "LA", "TH", women=3, men=4)  # both small, 7 together: the total shows
    cohort(report, "KH", "TH", women=6, men=2)  # 2 alone = 8 − 6: the 6 goes too
    cohort(report, "VN", "TH", women=1, men=2, fees=[700])  # 3 in all: nothing shows
    cohort(report, "ID", "TH", other=45)  # gender not recorded: never "0 women"
    fewer = "fewer than 5"
    laos, cambodia, vietnam, indonesia = (
        f"{countries.name(code)} → Thailand" for code in ("LA", "KH", "VN", "ID")
    )
    # columns: corridor, priority, cohorts, workers, women, men, other or not known, fees
    affiliate = {row[0]: row[3:7] for row in rows(northvale_reader(northvale_officer), "corridors")}
    assert affiliate[laos] == [7, fewer, fewer, 0]
    assert affiliate[cambodia] == [8, fewer, fewer, 0]
    assert affiliate[vietnam] == [fewer] * 4
    assert affiliate[indonesia] == [45, 0, 0, 45]
    assert affiliate["Myanmar → Thailand"] == [40, 16, 24, 0]
    staff_rows = {row[0]: row[3:7] for row in rows(staff_reader(staff), "corridors")}
    assert staff_rows[cambodia] == [13, 6, 7, 0]  # with the validated report's 5 men
    assert staff_rows[vietnam] == [3, 1, 2, 0]
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/risk/").content.decode()
    assert fewer in page.split('id="risk-corridors"', 1)[1].split("</section>", 1)[0]
    text = client.get("/a/northvale/risk/corridors.csv").content.decode("utf-8-sig")
    assert f'"{vietnam}","No","1","{fewer}","{fewer}","{fewer}","{fewer}"' in text
    sheet = load_workbook(BytesIO(client.get("/a/northvale/risk/corridors.xlsx").content)).active
    assert [cambodia, "No", 1, 8, fewer, fewer, 0] in [
        [c.value for c in row][:7] for row in sheet.iter_rows()
    ]
    api = client.get("/api/v1/risk/corridors/").json()
    # What those three paid each would say too much: hidden, not "no fee recorded".
    assert [vietnam, "No", 1, fewer, fewer, fewer, fewer, "not shown"] in api["rows"]
    assert {row[0]: row[7] for row in rows(staff_reader(staff), "corridors")}[vietnam] == (
        Decimal("700.00")
    )


def test_sectors_and_products_of_the_affiliate(world, northvale_officer):
    assert rows(northvale_reader(northvale_officer), "sectors") == [
        ["Sector", "ICT hardware", 2],
        ["Sector", "Low-emission vehicles", 1],
        ["Product category", "Computers and laptops", 3],
    ]


def test_country_risk_beside_the_findings(world, northvale_officer):
    CountryRiskIndicator.objects.create(
        country="TH",
        indicator="forced_labour",
        value="high",
        level="high",
        source="Walk Free, GSI",
        year=2023,
    )
    Ratification.objects.create(
        country="TH", convention="C029", status="in_force", source="ILO NORMLEX", year=2025
    )
    Ratification.objects.create(
        country="TH", convention="C189", status="not_ratified", source="ILO NORMLEX", year=2025
    )
    PathfinderCountry.objects.create(country="TH", source="Alliance 8.7", year=2024)
    table = {row[0]: row for row in rows(northvale_reader(northvale_officer), "country-risk")}
    assert set(table) == {"Thailand", "Malaysia"}
    assert table["Thailand"] == [
        "Thailand",
        "High (Walk Free, GSI, 2023)",
        "No figure",
        "C029 (ILO NORMLEX, 2025)",
        "Yes (Alliance 8.7, 2024)",
        2,
    ]
    assert table["Malaysia"][1:5] == ["No figure", "No figure", "No figure", "No"]


def test_suppressed_counts_leave_nothing_to_subtract():
    assert suppressed_counts([3, 1, 0, 4], 5) == [None, None, None, None]
    assert suppressed_counts([6, 0, 0, 6], 5) == [6, 0, 0, 6]
    # One small cell alone would be total minus the rest: the smallest shown one goes with it.
    assert suppressed_counts([7, 6, 2, 15], 5) == [7, None, None, 15]
    assert suppressed_counts([7, 3, 2, 12], 5) == [7, None, None, 12]


def test_grievances_by_factory_hide_small_counts_from_affiliates(
    world, northvale_officer, staff, settings
):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 3
    for day in range(1, 5):
        submit(
            intake={"factory": world["thai"], "categories": ["documents"]}, today=date(2026, 3, day)
        )
    submit(intake={"factory": world["thai"], "categories": ["fees"]}, today=date(2026, 3, 9))
    submit(intake={"factory": world["malaysian"], "categories": ["wages"]}, today=date(2026, 3, 9))
    submit(intake={"factory": world["vietnamese"], "categories": ["wages"]}, today=date(2026, 3, 9))
    affiliate = {row[0]: row for row in rows(northvale_reader(northvale_officer), "grievances")}
    assert set(affiliate) == {"Rayong Boards (TH)", "Penang Cells (MY)"}
    fewer = "fewer than 3"
    # columns: factory, wages, hours, documents, fees, …, total
    thai = affiliate["Rayong Boards (TH)"]
    assert thai[1] == 0 and thai[-1] == 5
    assert fewer in thai and 1 not in thai[1:]
    assert set(affiliate["Penang Cells (MY)"][1:]) == {fewer}
    exact = {row[0]: row for row in rows(staff_reader(staff), "grievances")}
    assert exact["Rayong Boards (TH)"][3:5] == [4, 1]
    assert exact["Bac Ninh Assembly (VN)"][-1] == 1


def test_the_page_shows_the_factories_with_the_most_grievances_the_export_all(
    world, staff, monkeypatch
):
    """One row per factory would grow with the network: the page's table keeps the top ones,
    says so, and the full table (export, API) has them all."""
    from reports import risk

    monkeypatch.setattr(risk, "PAGE_GRIEVANCE_FACTORIES", 2)
    for _i in range(3):
        submit(intake={"factory": world["thai"], "categories": ["documents"]})
    submit(intake={"factory": world["malaysian"], "categories": ["wages"]})
    submit(intake={"factory": world["malaysian"], "categories": ["wages"]})
    submit(intake={"factory": world["vietnamese"], "categories": ["wages"]})
    reader = staff_reader(staff)
    with scopes_disabled():
        [page] = [t for t in risk.risk_tables(reader) if t.slug == "grievances"]
    assert [row[0] for row in page.rows] == ["Rayong Boards (TH)", "Penang Cells (MY)"]
    assert "Only the 2 factories with the most grievances are shown here" in page.note
    full = rows(reader, "grievances")
    assert len(full) == 3


def test_query_budget_is_fixed_whatever_the_number_of_findings(
    world, northvale_officer, staff, django_assert_max_num_queries
):
    readers = [northvale_reader(northvale_officer), staff_reader(staff)]

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for reader in readers:
            with scopes_disabled(), CaptureQueriesContext(connection) as captured:
                from reports.risk import risk_tables

                risk_tables(reader)
            counts.append(len(captured))
        return counts

    before = count_queries()
    for _ in range(5):
        finding = published_finding(
            world["thai"], ilo_indicators=["wages"], child_labour=["hazardous"]
        )
        cohort(finding.report, "LA", "TH", men=3, fees=[10, 20])
    assert count_queries() == before
    for reader in readers:
        with scopes_disabled(), django_assert_max_num_queries(16):
            from reports.risk import risk_tables

            risk_tables(reader)


def test_pages_show_every_view_and_its_export_links(client, world, northvale_officer, staff):
    client.force_login(northvale_officer)
    response = client.get(reverse("reports:risk", kwargs={"affiliate_slug": "northvale"}))
    assert response.status_code == 200
    html = response.content.decode()
    # After the filters (whose country list names every country) and the page header's forms.
    tables = html.split('id="risk-overview-title"', 1)[1]
    assert "Myanmar → Thailand" in tables
    assert "Viet" not in tables
    for slug in ("indicators", "corridors", "child-labour", "sectors", "trend", "country-risk"):
        assert f'id="risk-{slug}"' in html
        assert f"/a/northvale/risk/{slug}.xlsx" in html
    client.force_login(staff)
    response = client.get(reverse("reports:staff_risk"), {"country": "XX"})
    assert response.status_code == 200
    assert "Some filters could not be applied" in response.content.decode()


def test_other_affiliate_and_staff_page_refusals(client, world, southport_officer):
    client.force_login(southport_officer)
    assert client.get("/a/northvale/risk/").status_code == 404
    assert client.get("/a/northvale/risk/corridors.csv").status_code == 404
    assert client.get("/staff/risk/").status_code == 404
    assert client.get("/a/southport/risk/nothing.csv").status_code == 404
    assert client.get("/a/southport/risk/corridors.pdf").status_code == 404


def test_exports_as_csv_and_xlsx(client, world, northvale_officer):
    client.force_login(northvale_officer)
    response = client.get("/a/northvale/risk/corridors.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="risk-corridors-')
    text = response.content.decode("utf-8-sig")
    assert '"Myanmar → Thailand","Yes","2","40","16","24","0","150.00"' in text
    assert "Viet" not in text
    response = client.get("/a/northvale/risk/child-labour.xlsx", {"severity": "critical"})
    sheet = load_workbook(BytesIO(response.content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Category", "Findings"],
        ["Hazardous work under 18 (C182, Art. 3(d))", 1],
    ]


def test_xlsx_sheets_have_short_whole_names(client, world, northvale_officer):
    client.force_login(northvale_officer)
    names = {}
    for slug in ("indicators", "corridors", "child-labour", "sectors", "trend", "country-risk"):
        response = client.get(f"/a/northvale/risk/{slug}.xlsx")
        names[slug] = load_workbook(BytesIO(response.content)).active.title
    assert names == {
        "indicators": "ILO indicators",
        "corridors": "Corridors",
        "child-labour": "Child labour",
        "sectors": "Sectors and products",
        "trend": "Trend by quarter",
        "country-risk": "Country risk",
    }


def test_export_cells_are_formula_safe(client, northvale, northvale_officer):
    with scopes_disabled():
        factory = FactoryFactory(name='=HYPERLINK("http://evil.example")', country="TH")
        in_supply_chain(northvale, factory)
    for day in range(1, 6):
        submit(intake={"factory": factory, "categories": ["wages"]}, today=date(2026, 3, day))
    client.force_login(northvale_officer)
    text = client.get("/a/northvale/risk/grievances.csv").content.decode("utf-8-sig")
    assert "\"'=HYPERLINK(" in text


def test_api_for_staff_and_affiliates(client, world, northvale_officer, staff, southport_officer):
    client.force_login(northvale_officer)
    response = client.get("/api/v1/risk/corridors/")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "corridors"
    assert [row[0] for row in body["rows"]] == ["Myanmar → Thailand", "Nepal → India → Malaysia"]
    tables = client.get("/api/v1/risk/").json()
    assert [t["slug"] for t in tables][:2] == ["indicators", "corridors"]
    assert client.get("/api/v1/risk/nothing/").status_code == 404
    assert client.get("/api/v1/risk/trend/", {"period_from": "not a date"}).status_code == 400
    client.force_login(southport_officer)
    southport = client.get("/api/v1/risk/corridors/").json()
    assert [row[0] for row in southport["rows"]] == ["Myanmar → Viet Nam"] or [
        row[0] for row in southport["rows"]
    ] == ["Myanmar → Vietnam"]
    client.force_login(staff)
    assert len(client.get("/api/v1/risk/corridors/").json()["rows"]) == 4


def test_api_is_in_the_openapi_schema_with_its_tag(client, staff):
    client.force_login(staff)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/risk/", "/api/v1/risk/{slug}/"):
        assert schema["paths"][path]["get"]["tags"] == ["risk"]
