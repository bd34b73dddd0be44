"""Shared steps of the browser tests."""

from tests.factories import PASSWORD


def sign_in(page, base_url, email):
    """Sign in through the real login form, as a fresh visitor."""
    page.context.clear_cookies()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
