"""Issue 14, where to act first: an officer opens the ranking, follows the explanation of the
first factory and downloads the XLSX; axe finds nothing serious on the pages, in English and
in French."""

import pytest
from django_scopes import scopes_disabled
from openpyxl import load_workbook
from playwright.sync_api import expect

from affiliates.models import Membership
from tests.browser.steps import sign_in, violations
from tests.factories import FactoryFactory, in_supply_chain, member, published_finding


def _ranked(northvale):
    first = published_finding(
        FactoryFactory(name="Ayutthaya Precision Parts", country="TH"), severity="critical"
    )
    quiet = FactoryFactory(name="Quiet Assembly Works", country="VN")
    with scopes_disabled():
        in_supply_chain(northvale, first.report.factory)
        in_supply_chain(northvale, quiet)
    return first.report.factory


def test_officer_follows_the_first_explanation_and_downloads_the_xlsx(live_server, page, northvale):
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    factory_ = _ranked(northvale)
    sign_in(page, live_server.url, officer.email)

    page.get_by_role("link", name="Where to act first").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where to act first")
    first_row = page.locator("tbody tr").first
    expect(first_row).to_contain_text("1 finding published (1 critical)")
    first_row.get_by_role("link", name="Ayutthaya Precision Parts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Why act at Ayutthaya Precision Parts"
    )
    expect(page.get_by_role("table")).to_contain_text("1 finding published (1 critical)")
    page.get_by_role("link", name="Back to where to act first").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    download = download_info.value

    assert download.failure() is None
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        sheet = load_workbook(file).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == (1, factory_.name, "Thailand")
    assert "1 finding published (1 critical)" in rows[1][-1]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_priority_pages_have_no_serious_wcag_violation(live_server, page, northvale, language):
    officer = member(
        northvale, Membership.Role.OFFICER, email="officer@northvale.example", language=language
    )
    factory_ = _ranked(northvale)
    sign_in(page, live_server.url, officer.email)

    found = []
    for path in ("/a/northvale/priorities/", f"/a/northvale/priorities/{factory_.pk}/"):
        found += violations(page, live_server.url + path, impacts={"serious", "critical"})
    assert found == []
    assert page.locator("html").get_attribute("lang") == language
