"""Issue 16, phones: at 360 px wide each role's dashboard and longest list, and the worker's
public pages, fit the screen (no horizontal scrolling of the page: wide tables scroll inside
their own box), the menu is folded behind "Menu", and axe finds nothing serious, in English
and French."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    SupplierFactory,
    company_disclosure,
    in_supply_chain,
    member,
    published_finding,
    shared_finding,
)

PHONE = {"width": 360, "height": 780}
PAGE_WIDTH = "document.documentElement.scrollWidth"
SERIOUS = {"serious", "critical"}


def _long_rows(northvale, partner, company):
    """Rows with the long names real data has: they are what widened the pages."""
    for n, severity in enumerate(("critical", "high", "medium")):
        factory = FactoryFactory(name=f"Ayutthaya Precision Parts Manufacturing Company {n}")
        finding = published_finding(
            factory, severity=severity, ilo_indicators=["documents", "debt", "overtime"]
        )
        with scopes_disabled():
            in_supply_chain(northvale, finding.report.factory)
    contractor = SupplierFactory(name="Northern Information Technology Public Procurement Ltd")
    for n in range(3):
        contract = ContractFactory(
            affiliate=northvale,
            contractor=contractor,
            reference=f"NV-ICT-FRAMEWORK-2026-LOT-{n:04d}-RENEWAL",
            title="Framework agreement for laptops, desktops, monitors and docking stations",
            value=3598000,
        )
        DisclosureFactory(contract=contract)
    FindingFactory(report=MonitoringReportFactory(partner=partner.partner_membership.partner))
    shared_finding(company)
    company_disclosure(company)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_role_can_work_on_a_phone(live_server, page, northvale, language):
    officer = member(northvale, email="officer@northvale.example", language=language)
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    staff = StaffFactory(email="phone-staff@ewatch.example", language=language)
    partner = PartnerMemberFactory(email="partner@monitor.example", language=language)
    company = SupplierFactory(name="Acme Devices", is_brand=True)
    contact = CompanyContactFactory(
        company=company, email="brand@acme-devices.example", language=language
    )
    _long_rows(northvale, partner, company)
    page.set_viewport_size(PHONE)
    found, too_wide = [], []
    with without_second_factor(staff, partner, contact):
        for user, paths in (
            (officer, ["/a/northvale/", "/a/northvale/contracts/"]),
            (admin, ["/a/northvale/", "/a/northvale/members/"]),
            (staff, ["/staff/", "/staff/factories/"]),
            (partner, ["/partner/", "/partner/grievances/"]),
            (contact, ["/company/", "/company/findings/"]),
        ):
            sign_in(page, live_server.url, user.email)
            for path in paths:
                found += violations(page, live_server.url + path, impacts=SERIOUS)
                assert page.locator("html").get_attribute("lang") == language
                if page.evaluate(PAGE_WIDTH) > PHONE["width"]:
                    too_wide.append(f"{path}: {page.evaluate(PAGE_WIDTH)} px")
                # The long menu is folded behind its summary; one tap opens it.
                menu = page.locator("nav.main-nav details")
                assert menu.evaluate("menu => menu.open") is False
        page.locator("nav.main-nav summary").click()
        assert page.locator("nav.main-nav details").evaluate("menu => menu.open") is True
        assert page.locator("nav.main-nav ul a").first.is_visible()
        page.context.clear_cookies()
        for path in ("/grievances/new/", "/grievances/follow-up/"):
            found += violations(page, f"{live_server.url}{path}?lang={language}", impacts=SERIOUS)
            if page.evaluate(PAGE_WIDTH) > PHONE["width"]:
                too_wide.append(f"{path}: {page.evaluate(PAGE_WIDTH)} px")
    assert too_wide == []
    assert found == []
    # The contracts table is wider than the phone: it scrolls in its own named, focusable box.
    sign_in(page, live_server.url, officer.email)
    page.goto(live_server.url + "/a/northvale/contracts/")
    box = page.locator("main .table-scroll").first
    assert box.evaluate("box => box.scrollWidth > box.clientWidth")
    assert box.get_attribute("tabindex") == "0"
    assert box.get_attribute("aria-label")
