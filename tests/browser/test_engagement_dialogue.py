"""RBA referrals and multi-stakeholder dialogue in a browser: axe (WCAG 2.1 A and AA) finds
no violation and no duplicate id on the staff's referral list and pages, a case page with
the engagement sections, the staff's dialogue page, the organisations, the affiliate's and
the company's dialogue pages, in English and French; staff record the RBA's response."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from affiliates.models import Membership
from engagement.models import RbaReferral
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import (
    CommitmentFactory,
    CompanyContactFactory,
    DialogueFactory,
    DialogueMeetingFactory,
    MonitoringPartnerFactory,
    OrganisationFactory,
    RbaReferralFactory,
    StaffFactory,
    SupplierFactory,
    joined_case,
    member,
    participant,
)


def _engagement(northvale, staff):
    """An overdue referral, and a dialogue on its case with every kind of participant."""
    today = timezone.localdate()
    referral = RbaReferralFactory(
        referred_on=today - timedelta(days=70), response_due=today - timedelta(days=10)
    )
    RbaReferralFactory()
    case = joined_case(northvale, referral.case)
    company = SupplierFactory(name="Acme Devices", is_brand=True)
    dialogue = DialogueFactory(title="Round table on fees", case=case, created_by=staff)
    DialogueMeetingFactory(dialogue=dialogue)
    DialogueMeetingFactory(dialogue=dialogue, held_on=today - timedelta(days=1))
    union = OrganisationFactory(name="Electronics Workers' Union")
    union.factories.add(case.factory)
    union.credited_cases.add(case)
    owners = [
        participant(dialogue, affiliate=northvale, role="Buyer"),
        participant(dialogue, company=company, role="Brand"),
        participant(dialogue, organisation=union),
        participant(dialogue, name="Khun Malee", contact_email="malee@plant.example"),
    ]
    participant(dialogue, partner=MonitoringPartnerFactory())
    for n, owner in enumerate(owners):
        CommitmentFactory(dialogue=dialogue, owner=owner, due_on=today + timedelta(days=n - 1))
    return referral, dialogue, company


@pytest.mark.parametrize("language", ["en", "fr"])
def test_engagement_pages_have_no_wcag_violation(live_server, page, northvale, language):
    staff = StaffFactory(language=language, totp=False)
    officer = member(northvale, Membership.Role.OFFICER, language=language)
    referral, dialogue, company = _engagement(northvale, staff)
    contact = CompanyContactFactory(company=company, language=language)
    found = []
    with without_second_factor(contact):
        sign_in(page, live_server.url, staff.email)
        for path in (
            "/staff/referrals/",
            referral.get_absolute_url(),
            f"/staff/referrals/{referral.pk}/edit/",
            f"/staff/referrals/new/{RbaReferralFactory().case_id}/",
            referral.case.get_absolute_url(),
            "/staff/dialogues/",
            dialogue.get_absolute_url(),
            f"/staff/dialogues/{dialogue.pk}/meetings/new/",
            f"/staff/dialogues/{dialogue.pk}/commitments/new/",
            "/staff/organisations/",
            f"/staff/organisations/{dialogue.participants.get(organisation__isnull=False).organisation_id}/",
            f"/staff/suppliers/{company.pk}/",
        ):
            found += violations(page, live_server.url + path, page_itself=True)
        sign_in(page, live_server.url, officer.email)
        for path in (
            "/a/northvale/dialogues/",
            f"/a/northvale/dialogues/{dialogue.pk}/",
            referral.case.get_affiliate_url("northvale"),
        ):
            found += violations(page, live_server.url + path, page_itself=True)
        sign_in(page, live_server.url, contact.email)
        for path in ("/company/dialogues/", f"/company/dialogues/{dialogue.pk}/"):
            found += violations(page, live_server.url + path, page_itself=True)
    assert found == []


def test_staff_record_the_rbas_response_from_the_referral_list(live_server, page, db):
    staff = StaffFactory(totp=False)
    referral = RbaReferralFactory()
    with override_settings(EW_MFA_REQUIRED=False):
        sign_in(page, live_server.url, staff.email)
        page.goto(live_server.url + "/staff/referrals/")
        page.get_by_role("link", name=referral.reference).click()
        page.get_by_role("textbox", name="The RBA's response").fill(
            "The RBA opened a review of its member."
        )
        page.locator("#record-response-heading ~ .field select").select_option("accepted")
        page.get_by_role("button", name="Save the response").click()
        page.wait_for_load_state()

        assert "The RBA's response is recorded." in page.content()
    referral.refresh_from_db()
    assert referral.status == RbaReferral.Status.RESPONDED
    assert referral.outcome == "accepted"
