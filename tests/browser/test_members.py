from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Invitation, Membership
from tests.factories import PASSWORD, member


def test_admin_invites_and_changes_a_role_in_place(live_server, page, northvale):
    admin = member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # JavaScript errors and CSP refusals; the 400 of a form with errors is expected.
    page.on("console", lambda msg: "Refused to" in msg.text and errors.append(msg.text))

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Members").click()

    page.get_by_label("E-mail address").fill("officer@northvale.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(
        page.locator(".errorlist").get_by_text("officer@northvale.example is already a member")
    ).to_be_visible()

    page.get_by_label("E-mail address").fill("auditor@northvale.example")
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to auditor@northvale.example.")).to_be_visible()
    with scopes_disabled():
        assert Invitation.objects.get().role == "viewer"

    url_before = page.url
    page.get_by_label("Role of officer@northvale.example").select_option("viewer")
    page.get_by_role("row", name="officer@northvale.example").get_by_role(
        "button", name="Change role"
    ).click()
    expect(page.get_by_role("status").filter(has_text="is now Viewer")).to_be_visible()
    assert page.url == url_before
    with scopes_disabled():
        assert Membership.objects.get(user__email="officer@northvale.example").role == "viewer"
    assert errors == []
