"""The company portal in a browser: a brand contact updates an action with evidence and asks
for verification, the staff lead sees the update on the case; axe finds no WCAG violation on
the portal's pages and staff's contacts page, in English and in French."""

import io
import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from engagement.services.contacts import contact_invite
from remediation.models import ActionStatus, RemediationAction
from tests.browser.steps import sign_in
from tests.factories import (
    CompanyContactFactory,
    DisclosureLineFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    company_disclosure,
)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}"""


def _violations(page, url) -> list[str]:
    page.goto(url)
    results = Axe().run(page, options=WCAG)
    found = [
        f"{url}: {v['id']} ({v['impact']}) {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    return found + [f"{url}: duplicate id {id_}" for id_ in page.evaluate(DUPLICATE_IDS)]


def _without_second_factor(*users):
    """Signing in with a second factor is tested elsewhere; here the pages themselves count."""
    Authenticator.objects.filter(user__in=users).delete()
    return override_settings(EW_MFA_REQUIRED=False)


def _png(tmp_path):
    path = tmp_path / "receipts.png"
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "green").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_a_brand_contact_updates_an_action_and_the_officer_sees_it(live_server, page, tmp_path):
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
    with _without_second_factor(contact, lead):
        sign_in(page, live_server.url, contact.email)
        expect(page.get_by_role("heading", level=1)).to_have_text("Acme Devices")
        page.get_by_role("link", name="Return every passport to its owner").click()
        page.get_by_label("Progress made").fill("All passports returned; signed receipts attached.")
        page.get_by_label("Evidence files").set_input_files(_png(tmp_path))
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
    with _without_second_factor(contact, staff):
        sign_in(page, live_server.url, contact.email)
        for path in (
            "/company/",
            "/company/disclosures/",
            f"/company/disclosures/{disclosure.pk}/",
            f"/company/disclosures/{submitted.pk}/",
            "/company/actions/",
            f"/company/actions/{action.pk}/",
        ):
            found += _violations(page, live_server.url + path)
        sign_in(page, live_server.url, staff.email)
        found += _violations(
            page, f"{live_server.url}/staff/engagement/companies/{northern.pk}/contacts/"
        )
        found += _violations(page, f"{live_server.url}/staff/suppliers/")
    page.context.clear_cookies()
    (invitation,) = [m for m in mail.outbox if m.to == ["new@northern-it.example"]]
    link = re.search(r"(/invitations/company/[^/\s]+/)", invitation.body).group(1)
    found += _violations(page, live_server.url + link)  # the form to create the account
    found += _violations(page, f"{live_server.url}/invitations/company/not-a-token/")
    assert found == []
