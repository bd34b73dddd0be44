"""Issue 14 QA: the risk pages on a phone (390 px wide) do not widen the page; their wide
tables scroll inside their own box, and axe finds nothing serious there."""

from django_scopes import scopes_disabled

from affiliates.models import Membership
from monitoring.models import MigrantCohort
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import FactoryFactory, StaffFactory, in_supply_chain, member, published_finding

PHONE = {"width": 390, "height": 844}
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _findings(northvale):
    factory = FactoryFactory(name="Ayutthaya Precision Parts Manufacturing", country="TH")
    with scopes_disabled():
        in_supply_chain(northvale, factory)
    finding = published_finding(
        factory,
        ilo_indicators=["documents", "debt", "overtime", "wages"],
        child_labour=["hazardous", "under_minimum_age"],
        severity="critical",
    )
    MigrantCohort.objects.create(
        report=finding.report,
        origin_country="MM",
        transit_countries=["LA"],
        destination_country="TH",
        workers_women=20,
        workers_men=25,
    )


def test_risk_pages_fit_a_phone(live_server, page, northvale):
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    staff = StaffFactory(email="risk-staff@ewatch.example")
    _findings(northvale)
    page.set_viewport_size(PHONE)
    found = []
    with without_second_factor(staff):
        for user, path in ((officer, "/a/northvale/risk/"), (staff, "/staff/risk/")):
            sign_in(page, live_server.url, user.email)
            found += violations(page, live_server.url + path, impacts={"serious", "critical"})
            assert page.evaluate(PAGE_WIDTH) <= PHONE["width"], path
            # The 13-column heat map is wider than the phone: it scrolls in its own box.
            heat_map = page.locator("#risk-indicators .table-scroll")
            assert heat_map.evaluate("box => box.scrollWidth > box.clientWidth")
    assert found == []
