"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the pages of each role."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_scopes import scopes_disabled

from affiliates.models import Membership
from tests.factories import (
    PASSWORD,
    FindingFactory,
    InvitationFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    in_supply_chain,
    member,
    published_finding,
)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _sign_in(page, base_url, email):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _violations(page, url) -> list[str]:
    page.goto(url)
    results = Axe().run(page, options=WCAG)
    return [f"{url}: {v['id']} ({v['impact']}) {v['help']}" for v in results.response["violations"]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_affiliate_pages_have_no_wcag_violation(live_server, page, northvale, language):
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    with scopes_disabled():
        InvitationFactory(affiliate=northvale, invited_by=admin)
    page.goto(live_server.url + "/accounts/login/")
    found = _violations(page, live_server.url + "/accounts/login/")
    _sign_in(page, live_server.url, admin.email)
    finding = published_finding(origin_country="MM", destination_country="TH")
    in_supply_chain(northvale, finding.report.factory)
    for path in (
        "/a/northvale/",
        "/a/northvale/findings/",
        f"/a/northvale/factories/{finding.report.factory_id}/",
        "/a/northvale/members/",
        "/account/",
        "/account/tokens/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/a/northvale/nothing/",
    ):
        found += _violations(page, live_server.url + path)
    assert found == []


def test_staff_and_partner_pages_have_no_wcag_violation(live_server, page, db):
    from allauth.mfa.models import Authenticator

    staff = StaffFactory()
    partner = PartnerMemberFactory()
    # Signing in with a second factor is tested elsewhere; here the pages themselves count.
    Authenticator.objects.filter(user__in=[staff, partner]).delete()
    report = FindingFactory(
        report=MonitoringReportFactory(partner=partner.partner_membership.partner),
        origin_country="MM",
        destination_country="TH",
    ).report
    staff_pages = ["/staff/", "/staff/affiliates/", "/staff/reports/", "/staff/risk/"]
    staff_pages.append(f"/staff/reports/{report.pk}/")
    partner_pages = ["/partner/", "/partner/reports/new/", f"/partner/reports/{report.pk}/"]
    found = []
    with _relaxed_mfa():
        staff_pages.append("/staff/grievances/")
        partner_pages += ["/partner/grievances/", "/partner/grievances/new/"]
        for user, paths in ((staff, staff_pages), (partner, partner_pages)):
            page.context.clear_cookies()
            _sign_in(page, live_server.url, user.email)
            for path in paths:
                found += _violations(page, live_server.url + path)
    assert found == []


def _relaxed_mfa():
    from django.test import override_settings

    return override_settings(EW_MFA_REQUIRED=False)


@pytest.mark.parametrize("language", ["en", "th"])
def test_public_grievance_pages_have_no_wcag_violation(live_server, page, db, language):
    found = []
    for path in ("/grievances/new/", "/grievances/follow-up/"):
        found += _violations(page, f"{live_server.url}{path}?lang={language}")
    # The confirmation with its receipt code, after a submission.
    page.goto(f"{live_server.url}/grievances/new/?lang={language}")
    page.locator("#id_workplace").fill("Rojana Industrial Park")
    page.locator("#id_description").fill("Wages withheld for two months.")
    page.locator("button.big-button").click()
    page.wait_for_selector("#receipt-code")
    results = Axe().run(page, options=WCAG)
    found += [f"confirmation: {v['id']} {v['help']}" for v in results.response["violations"]]
    assert found == []
