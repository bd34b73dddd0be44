"""The three pages of the audit trail: no WCAG violation (axe) in English and French, and the
keyboard reaches their pagination."""

import pghistory
import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from suppliers.models import Contract
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import ContractFactory, StaffFactory, member

# Enough changes for a second page (50 a page).
CHANGES = 55


def _next_page_reached_by_keyboard(page, url) -> bool:
    """Tab from the top of the page until the "next page" link has the focus."""
    page.goto(url)
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.pagination a[rel=next]')"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return page.url == f"{url}?page=2"
    return False


@pytest.mark.parametrize("language", ["en", "fr"])
def test_trail_pages_have_no_wcag_violation_and_their_pages_are_reached_by_keyboard(
    live_server, page, northvale, language
):
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    staff = StaffFactory(language=language)
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, title="Laptops lot 0")
    with pghistory.context(user=admin.pk, method="POST", url="/a/northvale/contracts/"):
        for n in range(1, CHANGES + 1):
            with scopes_disabled():
                Contract.objects.filter(pk=contract.pk).update(title=f"Laptops lot {n}")
    pages = {
        admin: ["/a/northvale/audit/"],
        staff: [
            f"/staff/audit/suppliers/contract/{contract.pk}/",
            f"/staff/audit/users/{admin.pk}/",
        ],
    }
    found, unreachable = [], []
    with without_second_factor(staff):
        for user, paths in pages.items():
            sign_in(page, live_server.url, user.email)
            for path in paths:
                url = live_server.url + path
                found += violations(page, url, page_itself=True)
                found += violations(page, url + "?page=2", page_itself=True)
                if not _next_page_reached_by_keyboard(page, url):
                    unreachable.append(path)
    assert page.locator("html").get_attribute("lang") == language
    assert found == []
    assert unreachable == []
