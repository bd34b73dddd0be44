"""Issue 4 end to end: a partner reports a finding, staff triage and publish it, the affiliate
that buys from the factory reads it and has been told by e-mail."""

from datetime import date

from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import override_settings
from playwright.sync_api import expect

from core.models import ExchangeRate
from core.outbox import outbox_send_pending
from monitoring.models import Finding, MonitoringReport
from tests.browser.steps import sign_in
from tests.factories import (
    FactoryFactory,
    PartnerMemberFactory,
    StaffFactory,
    in_supply_chain,
)

CONFIDENTIAL = "Worker K: the broker in Yangon took 18,000 baht and HR keeps my passport."
PUBLISHED = "Migrant workers from Myanmar paid recruitment fees; passports are retained."


def test_partner_finding_is_triaged_published_and_read_by_the_affiliate(
    live_server, page, northvale, northvale_officer
):
    factory = FactoryFactory(name="Ayutthaya Precision Electronics", country="TH")
    ExchangeRate.objects.create(
        currency="THB", date=date(2026, 1, 15), units_per_euro=38, source="Test rate"
    )
    in_supply_chain(northvale, factory)
    partner = PartnerMemberFactory(email="monitor@partner.example")
    staff = StaffFactory(email="triage@ewatch.example")
    # Signing in with a second factor is covered by test_mfa; here the workflow counts.
    Authenticator.objects.filter(user__in=[partner, staff]).delete()
    base = live_server.url

    with override_settings(EW_MFA_REQUIRED=False):
        # The partner drafts the report, adds a finding with migrant-worker data, submits.
        sign_in(page, base, partner.email)
        page.get_by_role("link", name="Start a monitoring report").click()
        page.get_by_label("Factory").select_option(label=f"{factory.name} (TH)")
        page.get_by_label("Period start").fill("2026-03-01")
        page.get_by_label("Period end").fill("2026-04-30")
        page.get_by_label("Off-site worker interviews").check()
        page.get_by_label("Women interviewed").fill("14")
        page.get_by_label("Men interviewed", exact=True).fill("6")
        page.get_by_label("Migrant workers interviewed").fill("18")
        page.get_by_label("Local workers interviewed").fill("2")
        page.get_by_label("Narrative summary (confidential)").fill("Interviews off-site.")
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_text("saved. Add your findings, then submit it.")).to_be_visible()

        page.get_by_role("link", name="Add a finding").click()
        page.get_by_label("Code category").select_option(label="2. Fair recruitment")
        page.get_by_label("Severity").select_option(label="Critical")
        page.get_by_label("Urgent (fast-track)").check()
        page.get_by_label("Workers affected").fill("40")
        page.get_by_label("Description (confidential)").fill(CONFIDENTIAL)
        page.get_by_label("Debt bondage").check()
        page.get_by_label("Retention of identity documents").check()
        page.get_by_role("button", name="Save finding").click()
        expect(page.get_by_text("Finding saved.")).to_be_visible()
        # The workers it concerns: a cohort from Myanmar who paid a broker's fee in baht.
        page.get_by_role("link", name="Add a migrant cohort").click()
        page.get_by_label("Country of origin", exact=True).select_option(label="Myanmar")
        page.get_by_label("Country of work").select_option(label="Thailand")
        page.get_by_label("Women", exact=True).fill("22")
        page.get_by_label("Men", exact=True).fill("18")
        page.get_by_label("Step of the journey 1").select_option(
            label="Recruitment in the country of origin"
        )
        page.get_by_label("Cost item 1").select_option(label="Recruitment or placement fee")
        page.get_by_label("Amount per worker 1").fill("18000")
        page.get_by_label("Currency 1").select_option(value="THB")
        page.get_by_label("Paid on 1").fill("2026-01-15")
        page.get_by_role("button", name="Save cohort").click()
        expect(page.get_by_text("Migrant cohort saved.")).to_be_visible()
        expect(page.get_by_text("Myanmar → Thailand")).to_be_visible()
        page.get_by_role("button", name="Submit to Electronics Watch").click()
        expect(page.get_by_role("heading", name="Submit report")).to_be_visible()
        page.get_by_role("button", name="Submit the report").click()
        expect(page.get_by_text("submitted to Electronics Watch")).to_be_visible()
        report = MonitoringReport.objects.get()
        assert report.status == "submitted"

        # Staff find it in the queue, take it, validate and publish it.
        sign_in(page, base, staff.email)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
        row = page.get_by_role("row").filter(has_text=report.reference)
        expect(row).to_contain_text("Fast-track")
        expect(row).to_contain_text("Critical")
        row.get_by_role("link", name=report.reference).click()
        expect(page.get_by_text(CONFIDENTIAL)).to_be_visible()
        page.get_by_label("Assign to").select_option(label=f"{staff.full_name} ({staff.email})")
        page.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"Report assigned to {staff.email}.")).to_be_visible()
        page.get_by_label("Comment", exact=True).fill("Fees match the loan papers.")
        page.get_by_role("button", name="Add comment").click()
        page.get_by_role("button", name="Validate the report").click()
        expect(
            page.get_by_role("heading", name=f"Validate report {report.reference}?")
        ).to_be_visible()
        page.get_by_role("button", name="Validate the report").click()
        page.get_by_role("link", name="Write and publish the affiliate version").click()
        page.get_by_label("Published summary").fill("Recruitment fees and retained passports.")
        page.get_by_label("Published text", exact=True).fill(PUBLISHED)
        page.get_by_role("button", name="Publish").click()
        # The check-your-answers page: what will be published, and to whom, counted.
        heading = f"Publish report {report.reference} to affiliates?"
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_text("1 affiliate will read it; 1 of their officers")).to_be_visible()
        expect(page.get_by_role("listitem").filter(has_text="City of Northvale")).to_be_visible()
        expect(page.get_by_text(PUBLISHED)).to_be_visible()
        assert MonitoringReport.objects.get().status == "validated"
        assert not mail.outbox
        page.get_by_role("button", name="Publish to affiliates").click()
        expect(
            page.get_by_text("Published. The affiliates buying from this factory")
        ).to_be_visible()

    # The outbox sends after the commit (a Celery worker does it in production).
    assert outbox_send_pending() == 1
    [email] = mail.outbox
    assert email.to == [northvale_officer.email]
    assert factory.name in email.subject
    assert CONFIDENTIAL not in email.body

    # The northvale officer reads the published finding, never the confidential text.
    sign_in(page, base, northvale_officer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Findings").click()
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    # Cohorts are the partner's and EW's: affiliates read the published text only.
    expect(page.get_by_text("Myanmar → Thailand")).to_have_count(0)
    expect(page.get_by_text(CONFIDENTIAL)).to_have_count(0)
    page.get_by_role("link", name=factory.name).first.click()
    expect(page.get_by_role("heading", name="Monitoring findings")).to_be_visible()
    expect(page.get_by_text(PUBLISHED)).to_be_visible()
    assert Finding.objects.get().published_at is not None
