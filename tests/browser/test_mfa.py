import re
import time

from playwright.sync_api import expect

from tests.factories import PASSWORD, StaffFactory, totp_code


def _code(secret: str) -> str:
    return totp_code(secret)


def test_staff_must_set_up_totp_and_then_signs_in_with_a_code(live_server, page, db):
    staff = StaffFactory(email="new.staff@ewatch.example", totp=False)

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # Setting up a factor is a sensitive action: allauth asks for the password once more.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.get_by_text("Your role requires two-factor authentication")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code").fill(_code(secret))
    page.get_by_role("button", name="Activate").click()

    page.goto(live_server.url + "/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff dashboard")

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    time.sleep(max(0, 30 - time.time() % 30) + 0.5)  # a fresh code: each is accepted once
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(live_server.url + "/staff/")
