"""Issue 16, item 6: every list has the same filter panel (a side panel at 1280 px, a
collapsed <details> at 360 px, without JavaScript), and axe finds nothing serious or critical
on the lists, in English and French, at both widths."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from reports.compliance import last_calendar_year
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    ComplianceReportFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    RemediationCaseFactory,
    StaffFactory,
    member,
    published_finding,
)

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}
AFFILIATE_LISTS = (
    "/a/northvale/factories/",
    "/a/northvale/findings/",
    "/a/northvale/contracts/",
    "/a/northvale/disclosures/",
)
STAFF_LISTS = (
    "/staff/factories/",
    "/staff/cases/",
    "/staff/reports/",
    "/staff/grievances/",
    "/staff/suppliers/",
    "/staff/referrals/",
    "/staff/dialogues/",
    "/staff/organisations/",
    "/learn/events/",
    "/community/",
)


def _lists(northvale):
    start, end = last_calendar_year()
    for country in ("VN", "TH"):
        factory = FactoryFactory(country=country)
        with scopes_disabled():
            contract = ContractFactory(affiliate=northvale)
            DisclosureLineFactory(
                disclosure=DisclosureFactory(contract=contract, status="accepted"),
                factory=factory,
            )
        published_finding(factory)
        RemediationCaseFactory(factory=factory)
    for version in (1, 2):  # one report, two versions: one row
        ComplianceReportFactory(
            affiliate=northvale, period_start=start, period_end=end, version=version
        )


def _panel_shown(page) -> bool:
    return page.locator(".filter-panel form").first.is_visible()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_lists_have_one_filter_panel_and_no_serious_violation(
    live_server, page, northvale, language
):
    officer = member(
        northvale, Membership.Role.OFFICER, email="lists@northvale.example", language=language
    )
    staff = StaffFactory(email="lists-staff@ewatch.example", language=language)
    _lists(northvale)
    found = []
    with without_second_factor(officer, staff):
        for user, paths in ((officer, AFFILIATE_LISTS), (staff, STAFF_LISTS)):
            sign_in(page, live_server.url, user.email)
            for path in paths:
                page.set_viewport_size(WIDE)
                found += violations(page, live_server.url + path, impacts={"serious", "critical"})
                assert _panel_shown(page), path
                page.set_viewport_size(PHONE)
                found += violations(page, live_server.url + path, impacts={"serious", "critical"})
                assert not _panel_shown(page), path
                page.locator(".filter-panel > summary").click()
                assert _panel_shown(page), path
        sign_in(page, live_server.url, officer.email)
        for viewport in (WIDE, PHONE):
            page.set_viewport_size(viewport)
            found += violations(
                page, live_server.url + "/a/northvale/reports/", impacts={"serious", "critical"}
            )
            assert page.locator("table.report-versions tbody tr").count() == 1
    assert found == []
