"""Issue 16, item 5: an export never holds more than its page shows to the same reader.

For each sensitive list, every cell of the CSV export (dates aside, which the page writes in
the reader's format) is text that the page itself shows, and what the reader must not read
(a grievance's description or contact, a partner's confidential text, a company's draft, a
small worker count) is in neither."""

import csv
import html
import io
import re
from datetime import date, datetime

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from monitoring.models import PartnerMembership
from tests.factories import (
    CompanyContactFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationCaseFactory,
    SupplierFactory,
    in_supply_chain,
    member,
    published_finding,
    shared_finding,
)
from tests.grievances.conftest import CONTACT, DESCRIPTION, submit

pytestmark = pytest.mark.django_db


def _page_text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _is_date(cell: str) -> bool:
    for parse in (date.fromisoformat, datetime.fromisoformat):
        try:
            parse(cell)
            return True
        except ValueError:
            pass
    return False


def export_beyond_page(client, url) -> tuple[list[list[str]], list[str]]:
    """The export's rows, and its cells that the page does not show."""
    page = client.get(url)
    assert page.status_code == 200
    text = _page_text(page)
    separator = "&" if "?" in url else "?"
    response = client.get(f"{url}{separator}format=csv")
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    beyond = [
        cell
        for row in rows[1:]
        for cell in row
        if cell.strip() and not _is_date(cell) and " ".join(cell.split()) not in text
    ]
    return rows, beyond


def _cells(rows) -> str:
    return " | ".join(cell for row in rows for cell in row)


def test_the_staff_grievance_queue_exports_its_metadata_only(client, staff):
    with scopes_disabled():
        submit()
    client.force_login(staff)
    rows, beyond = export_beyond_page(client, "/staff/grievances/")
    assert len(rows) == 2 and beyond == []
    assert rows[0] == [
        "Reference",
        "Status",
        "Received",
        "Acknowledgement",
        "Feedback",
        "Workplace",
        "Country",
        "Assigned to",
    ]
    assert DESCRIPTION not in _cells(rows) and CONTACT not in _cells(rows)


def test_a_partner_exports_only_its_own_grievances_metadata(client):
    ours = PartnerMemberFactory(email="ours@monitor.example")
    with scopes_disabled():
        partner = PartnerMembership.objects.get(user=ours).partner
        mine, _ = submit(partner=partner, intake={"workplace": "Our workplace"})
        submit(partner=None, intake={"workplace": "Someone else's workplace"})
    client.force_login(ours)
    rows, beyond = export_beyond_page(client, "/partner/grievances/")
    assert beyond == []
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert DESCRIPTION not in _cells(rows) and CONTACT not in _cells(rows)


def test_affiliate_findings_export_only_the_published_text_and_withheld_small_counts(
    client, settings, northvale
):
    settings.EW_MIN_REPORTED_COUNT = 5
    with scopes_disabled():
        finding = published_finding(workers_affected=3)
        in_supply_chain(northvale, finding.report.factory)
    officer = member(northvale, Membership.Role.OFFICER)
    client.force_login(officer)
    rows, beyond = export_beyond_page(client, "/a/northvale/findings/")
    assert beyond == []
    assert len(rows) == 2
    cells = _cells(rows)
    assert finding.published_text in cells and "fewer than 5" in cells
    assert finding.confidential_text not in cells
    assert "3" not in rows[1]


def test_company_findings_export_the_lists_columns_not_the_answer(client):
    company = SupplierFactory(is_brand=True)
    contact = CompanyContactFactory(company=company)
    with scopes_disabled():
        reply = shared_finding(company, answer="Our draft answer, not sent yet.")
        shared_finding(SupplierFactory(is_brand=True), text_for_company="Another company's")
    client.force_login(contact)
    rows, beyond = export_beyond_page(client, "/company/findings/")
    assert beyond == []
    assert len(rows) == 2
    cells = _cells(rows)
    assert reply.finding.confidential_text not in cells
    assert "Our draft answer" not in cells and "Another company" not in cells


def test_an_affiliate_reads_a_cases_counts_once_it_has_joined_in_the_file_too(client, northvale):
    with scopes_disabled():
        finding = published_finding()
        in_supply_chain(northvale, finding.report.factory)
        case = RemediationCaseFactory(factory=finding.report.factory)
    officer = member(northvale, Membership.Role.OFFICER)
    client.force_login(officer)
    rows, beyond = export_beyond_page(client, "/a/northvale/cases/")
    assert beyond == []
    header = rows[0]
    (row,) = [row for row in rows[1:] if row[0] == case.reference]
    assert row[header.index("Actions")] == "" and row[header.index("Overdue")] == ""
    assert row[header.index("Your participation")] == "Not joined"


def test_the_risk_tables_downloads_carry_the_pages_filters(client, staff):
    """The risk page keeps its own table exports (reports/risk_views.py): with its filters."""
    with scopes_disabled():
        published_finding()
    client.force_login(staff)
    page = client.get("/staff/risk/", {"severity": "high"}).content.decode()
    assert 'href="/staff/risk/indicators.xlsx?severity=high"' in page
    assert 'href="/staff/risk/indicators.csv?severity=high"' in page


def test_a_partner_exports_only_its_own_reports(client):
    ours = PartnerMemberFactory(email="reports@monitor.example")
    with scopes_disabled():
        partner = PartnerMembership.objects.get(user=ours).partner
        mine = MonitoringReportFactory(partner=partner)
        MonitoringReportFactory()
    client.force_login(ours)
    rows, beyond = export_beyond_page(client, "/partner/")
    assert beyond == []
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert mine.summary not in _cells(rows)
