"""Risk screening in a browser: axe (WCAG 2.1 A and AA) finds no violation on the screening
pages and the staff's country risk table, in English and French; an officer screens a
planned tender, reads the results and saves them."""

import pytest
from django.test import override_settings
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from learning.models import Screening
from suppliers.models import CountryRiskIndicator
from tests.browser.steps import sign_in, violations
from tests.factories import (
    FactoryFactory,
    ScreeningFactory,
    StaffFactory,
    code_standard,
    cpv_code,
    in_supply_chain,
    member,
    published_finding,
)


def _known_risks(affiliate):
    """Published findings at laptop factories (one in the supply chain), a country figure."""
    for country in ("TH", "MY"):
        factory_ = FactoryFactory(products="Laptops", country=country)
        for _ in range(2):
            published_finding(factory_, standard=code_standard(1), ilo_indicators=["documents"])
    in_supply_chain(affiliate, factory_)
    CountryRiskIndicator.objects.create(
        country="TH",
        indicator="slavery_prevalence",
        value="5.7",
        level="medium",
        source="Walk Free, Global Slavery Index 2023",
        source_url="https://www.walkfree.org/global-slavery-index/",
        year=2023,
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@override_settings(EW_GRIEVANCE_COUNT_THRESHOLD=2)
def test_screening_pages_have_no_wcag_violation(live_server, page, northvale, language):
    officer = member(northvale, Membership.Role.OFFICER, language=language)
    _known_risks(northvale)
    with scopes_disabled():
        screening = ScreeningFactory(
            affiliate=northvale, cpv_codes=[cpv_code("30213100-6")], countries=["TH", "MY"]
        )
    sign_in(page, live_server.url, officer.email)
    found = []
    for path in (
        "/a/northvale/screenings/",
        "/a/northvale/screenings/new/",
        f"/a/northvale/screenings/{screening.pk}/",
        f"/a/northvale/screenings/{screening.pk}/edit/",
        f"/a/northvale/screenings/{screening.pk}/contract/new/",
    ):
        found += violations(page, live_server.url + path)
    assert found == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_country_risk_pages_have_no_wcag_violation(live_server, page, db, language):
    from allauth.mfa.models import Authenticator

    staff = StaffFactory(language=language)
    Authenticator.objects.filter(user=staff).delete()
    figure = CountryRiskIndicator.objects.create(
        country="MY", indicator="forced_labour", value="Listed", level="high", source="S", year=2024
    )
    found = []
    with override_settings(EW_MFA_REQUIRED=False):
        sign_in(page, live_server.url, staff.email)
        for path in (
            "/staff/country-risk/",
            "/staff/country-risk/new/",
            f"/staff/country-risk/{figure.pk}/edit/",
            f"/staff/country-risk/{figure.pk}/delete/",
        ):
            found += violations(page, live_server.url + path)
    assert found == []


@override_settings(EW_GRIEVANCE_COUNT_THRESHOLD=2)
def test_an_officer_screens_a_planned_tender_and_saves_it(live_server, page, northvale):
    officer = member(northvale, Membership.Role.OFFICER)
    _known_risks(northvale)
    cpv_code()
    sign_in(page, live_server.url, officer.email)

    page.goto(live_server.url + "/a/northvale/screenings/")
    page.get_by_role("link", name="New screening").click()
    page.get_by_label("Planned tender", exact=True).fill("Laptops for the schools, 2027")
    page.get_by_label("30213100-6 Portable computers").check()
    page.get_by_label("Countries of production, where known").select_option(["TH"])
    page.get_by_role("button", name="Screen the risks").click()

    page.get_by_role("heading", name="Risk screening: Laptops for the schools, 2027").wait_for()
    assert "Walk Free, Global Slavery Index 2023" in page.content()
    assert page.get_by_role("heading", name="Published findings by Code category").is_visible()
    page.get_by_role("button", name="Save the screening").click()
    page.get_by_text("The screening was saved with the results known today.").wait_for()
    with scope(affiliate=northvale):
        screening = Screening.objects.get()
    assert screening.status == Screening.Status.SAVED
    assert screening.results["findings_total"] == 2
