"""Issue 6 end to end: staff open a case from a published finding and add two actions; the
northvale officer joins and logs an engagement; the sweep sends the reminder; the action is
claimed done, verified, and the case closes."""

import re
from datetime import timedelta

from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from core.outbox import outbox_send_pending
from monitoring.models import Finding
from remediation.models import CaseStatus, RemediationCase
from remediation.reminders import reminders_sweep
from tests.browser.steps import sign_in
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    StaffFactory,
    published_finding,
)

TITLE = "Passports held by the dormitory manager"
SUMMARY = "Migrant workers' passports are held by the employer; they must be returned."
RETURN_PASSPORTS = "Return every passport to its owner and give each worker a locker."
REPAY_FEES = "Repay the recruitment fees paid by migrant workers."
CONTACT = "hr@rayong.example"
ENGAGEMENT = "Met the contractor; it will write to the brand this week."


def _case_status(page):
    return page.locator("dl.facts").first.locator("dt:text-is('Status') + dd")


def _messages(page):
    return page.get_by_role("status")


def _add_action(page, description, owner, due, contact_name="", contact_email=""):
    page.get_by_role("link", name="Add an action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Add an action to the plan")
    page.get_by_label("What is to be done").fill(description)
    page.get_by_label("Owner", exact=True).fill(owner)
    page.get_by_label("Contact name").fill(contact_name)
    page.get_by_label("Contact e-mail").fill(contact_email)
    page.get_by_label("Contact's language").select_option(label="English")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Save the action").click()
    expect(_messages(page)).to_contain_text("Action saved.")


def _set_status(page, label, reference):
    page.get_by_label("New status").select_option(label=label)
    page.get_by_role("button", name="Change the status").click()
    expect(_messages(page)).to_contain_text(f"The case is now “{label}”.")
    expect(_case_status(page)).to_have_text(label)
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def test_case_from_finding_to_closure_with_an_affiliate_and_a_reminder(
    live_server, page, new_context, northvale, northvale_officer, mailoutbox
):
    factory = FactoryFactory(name="Rayong Precision Components", country="TH")
    finding = published_finding(factory, status=Finding.Status.SUBSTANTIATED)
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, reference="NV-2026-ICT-7")
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=factory)
    staff = StaffFactory(email="lead@ewatch.example", full_name="Lena Lead", totp=False)
    base = live_server.url
    today = timezone.localdate()
    soon, later = today + timedelta(days=7), today + timedelta(days=30)

    # Signing in with a second factor is covered by test_mfa; here the workflow counts.
    with override_settings(EW_MFA_REQUIRED=False):
        # Staff open the case from the finding on the report's page.
        sign_in(page, base, staff.email)
        page.goto(f"{base}/staff/reports/{finding.report_id}/")
        page.get_by_role("link", name="Open a remediation case from this finding").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Open a remediation case at {factory.name}"
        )
        expect(page.get_by_label(re.compile(re.escape(finding.report.reference)))).to_be_checked()
        page.get_by_label("Title", exact=True).fill(TITLE)
        page.get_by_label("Summary", exact=True).fill(SUMMARY)
        page.get_by_role("button", name="Open the case").click()
        case = RemediationCase.objects.get()
        expect(_messages(page)).to_contain_text(
            f"Case {case.reference} opened; 1 affiliate(s) invited to join."
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{case.reference}: {TITLE}")
        expect(page.get_by_text(SUMMARY)).to_be_visible()
        expect(page.get_by_text("Lena Lead <lead@ewatch.example>")).to_be_visible()

        # The plan: one action due in a week with a contact, one later without.
        _add_action(page, RETURN_PASSPORTS, factory.name, soon, "Somchai P.", CONTACT)
        _add_action(page, REPAY_FEES, "Brand HQ", later)
        plan = page.get_by_role("region", name="Remediation plan")
        expect(plan.get_by_role("row").filter(has_text=RETURN_PASSPORTS)).to_contain_text(
            f"Somchai P. <{CONTACT}>"
        )
        expect(plan.get_by_role("row").filter(has_text=REPAY_FEES)).to_contain_text("Planned")
        _set_status(page, "Plan agreed", case.reference)

    # The invitation went out when the case opened.
    outbox_send_pending()
    [invitation] = [m for m in mailoutbox if m.to == [northvale_officer.email]]
    assert f"{settings.SITE_URL}/a/northvale/cases/{case.pk}/" in invitation.body
    mailoutbox.clear()

    # The northvale officer, in a browser of their own, reads the summary, then joins.
    officer = new_context().new_page()
    officer.set_default_timeout(15_000)
    sign_in(officer, base, northvale_officer.email)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    row = officer.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text("Not joined")
    row.get_by_role("link", name=case.reference).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"{case.reference}: {TITLE}")
    expect(officer.get_by_text(SUMMARY)).to_be_visible()
    expect(officer.get_by_role("heading", name="Join the case")).to_be_visible()
    expect(officer.get_by_role("heading", name="Remediation plan")).to_have_count(0)
    expect(officer.get_by_text(RETURN_PASSPORTS)).to_have_count(0)
    officer.get_by_role("button", name="Join on behalf of City of Northvale").click()
    expect(_messages(officer)).to_contain_text("City of Northvale has joined the case.")
    plan = officer.get_by_role("region", name="Remediation plan")
    expect(plan.get_by_role("row").filter(has_text=RETURN_PASSPORTS)).to_contain_text("Planned")
    expect(plan.get_by_role("row").filter(has_text=REPAY_FEES)).to_contain_text("Brand HQ")
    expect(officer.get_by_text(finding.published_text)).to_be_visible()
    expect(officer.get_by_text(CONTACT)).to_have_count(0)
    expect(officer.get_by_text(finding.confidential_text)).to_have_count(0)

    log = officer.get_by_role("form", name="Log an engagement")
    log.get_by_label("Kind").select_option(label="Meeting")
    log.get_by_label("Escalation level").select_option(
        label="Formal (under the contract conditions)"
    )
    log.get_by_label("Date").fill(today.isoformat())
    log.get_by_label("Contract").select_option(label=str(contract))
    log.get_by_label("What happened").fill(ENGAGEMENT)
    log.get_by_role("button", name="Log it").click()
    expect(_messages(officer)).to_contain_text("Engagement logged.")
    engagement = officer.get_by_role("region", name="Your engagement")
    expect(engagement).to_contain_text("Meeting (Formal (under the contract conditions))")
    expect(engagement).to_contain_text(f"NV-2026-ICT-7: {ENGAGEMENT}")

    # The daily sweep (Celery beat in production) reminds the contact and the staff lead.
    assert reminders_sweep() >= 2
    outbox_send_pending()
    [to_contact] = [m for m in mailoutbox if m.to == [CONTACT]]
    assert to_contact.subject.startswith("Due in 7 days: Return every passport")
    assert to_contact.subject.endswith(f"({case.reference})")
    assert RETURN_PASSPORTS in to_contact.body
    assert case.reference in to_contact.body
    assert "Dear Somchai P.," in to_contact.body
    assert staff.email in to_contact.body
    [to_lead] = [m for m in mailoutbox if m.to == [staff.email]]
    assert RETURN_PASSPORTS in to_lead.body
    assert f"{settings.SITE_URL}/staff/cases/{case.pk}/" in to_lead.body
    assert REPAY_FEES not in to_lead.body  # due in 30 days: not yet

    # Staff record both actions as done, verify them, and close the case.
    with override_settings(EW_MFA_REQUIRED=False):
        page.reload()
        expect(page.get_by_text("City of Northvale · Meeting")).to_be_visible()
        for description, evidence, verifier, note in (
            (
                RETURN_PASSPORTS,
                "Signed receipts from 40 workers; photos of the lockers.",
                "The workers",
                "Ten workers confirmed off-site that they hold their passports.",
            ),
            (
                REPAY_FEES,
                "Bank transfer records for 40 workers.",
                "The monitoring partner",
                "The partner checked the transfers with workers.",
            ),
        ):
            action = page.get_by_role("region", name="Remediation plan").get_by_role("row")
            action = action.filter(has_text=description)
            action.get_by_label("What shows it was done").fill(evidence)
            action.get_by_role("button", name="Record as done").click()
            expect(_messages(page)).to_contain_text("Recorded as done; it counts once verified.")
            expect(action).to_contain_text("Done (claimed)")
            expect(action).to_contain_text(f"Evidence: {evidence}")
            action.get_by_label("Verified by").select_option(label=verifier)
            action.get_by_label("How it was verified").fill(note)
            action.get_by_role("button", name="Verify").click()
            expect(_messages(page)).to_contain_text("Action verified.")
            expect(action).to_contain_text("Verified")
            expect(action).to_contain_text(re.compile(f"Verified by {verifier}", re.IGNORECASE))
            expect(action).to_contain_text(note)
            expect(action.get_by_role("button")).to_have_count(0)

        _set_status(page, "In progress", case.reference)
        _set_status(page, "Remediated and verified", case.reference)
        _set_status(page, "Closed", case.reference)
        expect(_case_status(page)).to_have_text("Closed")
        closed_on = page.locator("dl.facts").first.locator("dt:text-is('Closed') + dd")
        expect(closed_on).not_to_be_empty()
        expect(page.get_by_role("heading", name="Move the case on")).to_have_count(0)
        expect(page.get_by_role("link", name="Add an action")).to_have_count(0)
        expect(page.get_by_text("Status: Remediated and verified → Closed.")).to_be_visible()

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == today
    finding.refresh_from_db()
    assert finding.status == Finding.Status.REMEDIATED_VERIFIED

    # The officer sees the outcome: closed, both actions verified, nothing left to log.
    officer.reload()
    expect(_case_status(officer)).to_have_text("Closed")
    plan = officer.get_by_role("region", name="Remediation plan")
    expect(plan.get_by_role("row").filter(has_text="Verified")).to_have_count(2)
    expect(officer.get_by_role("form", name="Log an engagement")).to_have_count(0)
