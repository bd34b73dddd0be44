"""Issue 16, orientation and errors, with the keyboard: the sign-in form's tab order, the
error summary that takes focus after a failed submission and leads to each field, the page
title that says "Error:", and the menu marking the section of the page."""

from playwright.sync_api import expect

from tests.browser.steps import sign_in
from tests.factories import ContractFactory, member

FOCUSED_ID = "document.activeElement.id"


def test_sign_in_form_goes_from_email_to_password_to_the_button(live_server, page, db):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").focus()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_ID) == "id_password"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Sign in"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Forgot your password?"


def test_failed_submission_focuses_the_summary_whose_links_lead_to_the_fields(
    live_server, page, db
):
    page.goto(live_server.url + "/accounts/login/")
    assert not page.title().startswith("Error")
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ")
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_focused()
    # The summary comes first in the form, before the fields.
    assert page.locator("form.stacked > *:not([type=hidden])").first.get_attribute("class") == (
        "error-summary"
    )
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link").first).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED_ID) == "id_login"
    summary.get_by_role("link", name="Password").click()
    assert page.evaluate(FOCUSED_ID) == "id_password"


def test_menu_marks_the_section_of_the_page(live_server, page, northvale):
    officer = member(northvale, email="officer@northvale.example")
    contract = ContractFactory(affiliate=northvale)
    sign_in(page, live_server.url, officer.email)
    page.goto(f"{live_server.url}/a/northvale/contracts/{contract.pk}/")
    current = page.locator("nav.main-nav [aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Contracts")
    # Marked by more than the colour: bolder than its neighbours.
    assert current.evaluate("a => getComputedStyle(a).fontWeight") == "700"
    page.goto(f"{live_server.url}/a/northvale/")
    expect(current).to_have_text("Dashboard")
