import re

from playwright.sync_api import expect

from affiliates.models import Membership
from tests.factories import PASSWORD, member


def test_officer_signs_in_switches_to_french_and_signs_out(live_server, page, northvale):
    member(
        northvale,
        Membership.Role.OFFICER,
        email="officer@northvale.example",
        full_name="Noor Haddad",
    )

    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill("officer@northvale.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/a/northvale/")
    expect(page.get_by_role("heading", level=1)).to_have_text("City of Northvale")
    expect(page.get_by_text("You are signed in as Procurement officer.")).to_be_visible()

    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(
        page.get_by_text("Vous êtes connecté·e en tant que Responsable des achats.")
    ).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Principale").get_by_role("link", name="Membres")
    ).to_be_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
