"""Issue 13, item 4 in the browser: a company comments on its quarter's scores, an affiliate
officer reads the comment beside the scores; axe finds no WCAG violation on the tracker's
pages for affiliates, the company and staff, in English and French."""

import re
from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Membership
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    CompanyContactFactory,
    ContractFactory,
    StaffFactory,
    SupplierFactory,
    member,
    quarter_score,
    score_comment,
)

Q1, Q2 = date(2025, 1, 1), date(2025, 4, 1)


def _company_of(affiliate):
    company = SupplierFactory(name="Northern IT", is_contractor=True)
    with scopes_disabled():
        ContractFactory(affiliate=affiliate, contractor=company)
    quarter_score(company, Q1, overall="62.5")
    quarter_score(company, Q2, overall=None)
    return company


def test_a_company_comments_and_the_officer_reads_it(live_server, page, northvale):
    company = _company_of(northvale)
    contact = CompanyContactFactory(company=company, email="contractor@northern-it.example")
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    with without_second_factor(contact):
        sign_in(page, live_server.url, contact.email)
        page.goto(live_server.url + "/company/performance/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your performance")
        quarter = page.get_by_role("region", name="Q1 2025", exact=True)
        quarter.get_by_label("Your comment on these scores").fill(
            "Two requests reached an old address; we have fixed it."
        )
        quarter.get_by_role("button", name="Comment on Q1 2025").click()
        expect(page.get_by_text("Your comment on Q1 2025 is published")).to_be_visible()
        expect(page.get_by_role("region", name="Q1 2025", exact=True)).to_contain_text(
            "Two requests reached an old address"
        )
    sign_in(page, live_server.url, officer.email)
    page.goto(live_server.url + "/a/northvale/companies/")
    page.get_by_role("link", name="Northern IT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Performance of the company Northern IT"
    )
    expect(page.get_by_role("region", name="Q1 2025", exact=True)).to_contain_text(
        "Two requests reached an old address; we have fixed it."
    )
    expect(page.get_by_role("img", name=re.compile("Overall score per quarter"))).to_be_visible()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_tracker_pages_have_no_wcag_violation(live_server, page, northvale, language):
    company = _company_of(northvale)
    score_comment(company, Q1)
    admin = member(
        northvale, Membership.Role.ADMIN, email="admin@northvale.example", language=language
    )
    contact = CompanyContactFactory(company=company, language=language)
    staff = StaffFactory(language=language)
    mfa_relaxed = without_second_factor(contact, staff)
    found = []
    sign_in(page, live_server.url, admin.email)
    for path in ("/a/northvale/companies/", f"/a/northvale/companies/{company.pk}/"):
        found += violations(page, live_server.url + path)
    with mfa_relaxed:
        sign_in(page, live_server.url, contact.email)
        found += violations(page, live_server.url + "/company/performance/")
        sign_in(page, live_server.url, staff.email)
        for path in (
            "/staff/companies/performance/",
            f"/staff/companies/{company.pk}/performance/",
            "/staff/companies/performance/methods/",
            "/staff/companies/performance/recompute/?quarter=2025-01-01",
        ):
            found += violations(page, live_server.url + path)
    assert found == []


def test_staff_see_what_would_change_then_compute_again(live_server, page, northvale):
    company = _company_of(northvale)
    score_comment(company, Q1)
    staff = StaffFactory()
    with without_second_factor(staff):
        sign_in(page, live_server.url, staff.email)
        page.goto(live_server.url + "/staff/companies/performance/?quarter=2025-01-01")
        page.get_by_label("Quarter to compute again").select_option("2025-01-01")
        page.get_by_role("button", name="See what would change").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Compute Q1 2025 again")
        expect(page.get_by_text("1 score of Q1 2025 will be computed again")).to_be_visible()
        row = page.get_by_role("row", name=re.compile("Northern IT"))
        expect(row).to_contain_text("62.5")
        expect(row).to_contain_text("No data")
        page.get_by_role("button", name="Confirm: compute Q1 2025 again").click()
        expect(page.get_by_text("Q1 2025 computed again: 1 score")).to_be_visible()
        page.goto(live_server.url + f"/staff/companies/{company.pk}/performance/")
        region = page.get_by_role("region", name="Q1 2025", exact=True)
        expect(region).to_contain_text("previously 62.5")
        expect(region).to_contain_text("before the score was recomputed; it was then 62.5")
