"""Issue 16, item 4: the affiliate and staff dashboards, with their charts, tables and factory
map, have no serious or critical axe violation in English and French, at 1280 px and 360 px;
on a phone the charts do not widen the page (the map scales, the tables scroll in their boxes)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    CompanyContactFactory,
    DisclosureFactory,
    FactoryFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    in_supply_chain,
    joined_case,
    member,
    published_finding,
)

SIZES = ({"width": 1280, "height": 900}, {"width": 360, "height": 780})
# What of the dashboards' charts sticks out of the page's width, outside the boxes that scroll.
# (The rest of the page, e.g. a published finding's <dl>, is the phone layout's business.)
WIDE = """() => [...document.querySelectorAll(".dash-charts *, .dash-chart *")]
  .filter(e => !e.closest(".table-scroll") && !e.closest("svg")
    && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 6)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _dashboard_data(northvale):
    today = timezone.localdate()
    with scopes_disabled():
        for index, severity in enumerate(("critical", "high", "medium", "low")):
            plant = FactoryFactory(
                name=f"Ayutthaya Precision Parts Manufacturing {index}",
                latitude=Decimal(14 + index),
                longitude=Decimal(100 + index),
            )
            in_supply_chain(northvale, plant)
            published_finding(plant, severity=severity)
        unplaced = FactoryFactory(name="Penang Assembly Site", country="MY")
        in_supply_chain(northvale, unplaced)
        case = joined_case(northvale, factory=unplaced)
        RemediationActionFactory(case=case, due_date=today - timedelta(days=12))
        DisclosureFactory(contract__affiliate=northvale, due_date=today - timedelta(days=3))
        MonitoringReportFactory()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_dashboards_have_no_serious_violation_on_desktop_and_phone(
    live_server, page, northvale, language
):
    staff = StaffFactory(email="dash-staff@ewatch.example", language=language)
    officer = member(northvale, email="officer@northvale.example", language=language)
    partner = PartnerMemberFactory(email="dash-partner@monitor.example", language=language)
    company = SupplierFactory(name="Northern IT")
    contact = CompanyContactFactory(
        company=company, email="dash-contact@northern-it.example", language=language
    )
    _dashboard_data(northvale)
    MonitoringReportFactory(partner=partner.partner_membership.partner)
    company_action(company, due_date=timezone.localdate() - timedelta(days=2))
    found = []
    pages = (
        (officer, "/a/northvale/", 4),
        (staff, "/staff/", 4),
        (partner, "/partner/", 0),
        (contact, "/company/", 0),
    )
    with without_second_factor(staff, officer, partner, contact):
        for user, path, points in pages:
            sign_in(page, live_server.url, user.email)
            for size in SIZES:
                page.set_viewport_size(size)
                found += violations(
                    page,
                    live_server.url + path,
                    impacts={"serious", "critical"},
                    page_itself=True,
                )
                assert page.locator("html").get_attribute("lang") == language
                assert page.locator("svg.map g.map-point").count() == points
                assert page.locator("svg.chart").count() > 0
                assert page.evaluate(WIDE) == [], (path, size)
    assert found == []
