"""The company portal in a browser: a brand contact updates an action with evidence and asks
for verification, the staff lead sees the update on the case; axe finds no WCAG violation on
the portal's pages and staff's contacts page, in English and in French."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from engagement.services.contacts import contact_invite
from remediation.models import ActionStatus, RemediationAction
from tests.browser.steps import png_file, sign_in, violations, without_second_factor
from tests.factories import (
    CompanyContactFactory,
    DisclosureLineFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    company_disclosure,
)

# On the portal's pages only the violations that block a reader count.
SERIOUS = {"serious", "critical"}


def test_a_brand_contact_updates_an_action_and_the_officer_sees_it(live_server, page):
    acme = SupplierFactory(name="Acme Devices", is_brand=True)
    contact = CompanyContactFactory(company=acme, email="brand@acme-devices.example")
    lead = StaffFactory(email="lead@ewatch.example")
    action = company_action(
        acme,
        description="Return every passport to its owner",
        due_date=timezone.localdate() + timedelta(days=10),
        case__staff_lead=lead,
        case__opened_by=lead,
    )
    with without_second_factor(contact, lead):
        sign_in(page, live_server.url, contact.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme Devices")
        page.get_by_role("link", name="Return every passport to its owner").click()
        page.get_by_label("Progress made").fill("All passports returned; signed receipts attached.")
        page.get_by_label("Evidence files").set_input_files([png_file("receipts.png")])
        page.get_by_label("The action is done: ask for it to be verified").check()
        page.get_by_role("button", name="Post the update").click()
        expect(page.get_by_role("status").first).to_contain_text("verification was asked for")
        expect(page.locator("ol.timeline")).to_contain_text("receipts.png")

        sign_in(page, live_server.url, lead.email)
        page.goto(f"{live_server.url}/staff/cases/{action.case_id}/")
        row = page.locator(f"#action-{action.pk}")
        expect(row).to_contain_text("All passports returned; signed receipts attached.")
        expect(row).to_contain_text("Acme Devices")
        with page.expect_download() as download:
            row.get_by_role("link", name="Evidence file receipts.png").click()
        assert download.value.suggested_filename.endswith(".png")
    assert RemediationAction.objects.get(pk=action.pk).status == ActionStatus.DONE_CLAIMED


@pytest.mark.parametrize("language", ["en", "fr"])
def test_portal_and_contact_pages_have_no_wcag_violation(live_server, page, language):
    northern = SupplierFactory(name="Northern IT", is_contractor=True)
    contact = CompanyContactFactory(
        company=northern, email="contractor@northern-it.example", language=language
    )
    staff = StaffFactory(email="staff@ewatch.example", language=language)
    disclosure = company_disclosure(northern)
    DisclosureLineFactory(disclosure=disclosure)
    submitted = company_disclosure(northern, status="submitted")
    action = company_action(northern, due_date=timezone.localdate() - timedelta(days=2))
    contact_invite(company=northern, email="new@northern-it.example", language=language, by=staff)
    found = []
    with without_second_factor(contact, staff):
        sign_in(page, live_server.url, contact.email)
        for path in (
            "/company/",
            "/company/disclosures/",
            f"/company/disclosures/{disclosure.pk}/",
            f"/company/disclosures/{submitted.pk}/",
            "/company/actions/",
            f"/company/actions/{action.pk}/",
        ):
            found += violations(page, live_server.url + path, impacts=SERIOUS)
        sign_in(page, live_server.url, staff.email)
        found += violations(
            page,
            f"{live_server.url}/staff/engagement/companies/{northern.pk}/contacts/",
            impacts=SERIOUS,
        )
        found += violations(page, f"{live_server.url}/staff/suppliers/", impacts=SERIOUS)
    page.context.clear_cookies()
    (invitation,) = [m for m in mail.outbox if m.to == ["new@northern-it.example"]]
    link = re.search(r"(/invitations/company/[^/\s]+/)", invitation.body).group(1)
    found += violations(
        page, live_server.url + link, impacts=SERIOUS
    )  # the form to create the account
    found += violations(
        page, f"{live_server.url}/invitations/company/not-a-token/", impacts=SERIOUS
    )
    assert found == []
