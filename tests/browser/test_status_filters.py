"""The status filters of the affiliate's cases, the lead partner's cases and the partner's
reports: the one filter panel of every list (a side panel at 1280 px, folded at 360 px),
worked with the keyboard alone, and axe finds nothing serious, in English and French."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationCaseFactory,
    in_supply_chain,
    member,
)

WIDE = {"width": 1280, "height": 900}


def _rows(northvale, partner):
    for status in ("opened", "in_progress"):
        case = RemediationCaseFactory(status=status, lead_partner=partner, title=f"Case {status}")
        with scopes_disabled():
            in_supply_chain(northvale, case.factory)
    MonitoringReportFactory(partner=partner, status="published")
    MonitoringReportFactory(partner=partner, status="draft")


def _filter_with_the_keyboard(page, url, option_label):
    """Tab to the status select, pick an option by typing, Tab to Apply, press Enter."""
    page.goto(url)
    page.locator("body").focus()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "status":
            break
    else:
        raise AssertionError(f"{url}: the status filter is not reachable with Tab")
    page.keyboard.type(option_label[:4])
    selected = page.evaluate(
        "document.activeElement.options[document.activeElement.selectedIndex].text"
    )
    assert selected.startswith(option_label), selected
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_status_filters_work_with_the_keyboard(live_server, page, northvale, language):
    officer = member(
        northvale, Membership.Role.OFFICER, email="officer@northvale.example", language=language
    )
    partner_member = PartnerMemberFactory(email="partner@monitor.example", language=language)
    partner = partner_member.partner_membership.partner
    _rows(northvale, partner)
    in_progress = "In progress" if language == "en" else "En cours"
    published = "Published" if language == "en" else "Publié"
    found = []
    page.set_viewport_size(WIDE)
    with without_second_factor(partner_member):
        for user, path, label, listed in (
            (officer, "/a/northvale/cases/", in_progress, "Case in_progress"),
            (partner_member, "/partner/cases/", in_progress, "Case in_progress"),
            (partner_member, "/partner/", published, None),
        ):
            sign_in(page, live_server.url, user.email)
            found += violations(page, live_server.url + path, impacts={"serious", "critical"})
            assert page.locator(".filter-panel form").first.is_visible(), path
            _filter_with_the_keyboard(page, live_server.url + path, label)
            assert "status=" in page.url, page.url
            if listed:
                rows = page.locator("main table.data tbody tr")
                assert rows.count() == 1, path
                assert listed in rows.first.inner_text()
            else:
                assert page.locator("#reports-heading ~ div table.data tbody tr").count() == 1
    assert found == []
