"""Issue 16, item 1: every confirmation page passes axe (nothing serious or critical) in
English and French, at 1280 px and at 360 px, without widening the page. One browser session
per language visits them all: those a link opens (GET) and those a form's POST answers
(publish, share, merge, close, reject), which are posted from the page with the session's
CSRF token, exactly as their forms do. Nothing is confirmed: each action stays undone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from engagement.models import Participant
from engagement.quarters import next_quarter, quarter_of
from engagement.services.contacts import contact_invite
from engagement.services.performance import scoring_method_publish
from grievances import services as grievance_services
from learning.models import Event
from monitoring.models import MonitoringReport
from remediation.models import ActionStatus
from suppliers.models import FactoryMatchReview
from tests.browser.steps import sign_in, without_second_factor
from tests.browser.test_confirm import PHONE, WIDE, current_page_violations
from tests.engagement.replies_setup import concerned_brand, validated_report
from tests.factories import (
    CompanyContactFactory,
    DialogueFactory,
    EventFactory,
    FactoryFactory,
    FindingFactory,
    InvitationFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RbaReferralFactory,
    RegistrationFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    in_supply_chain,
    library_resource,
    member,
    participant,
)
from tests.grievances.conftest import submit

POST_FORM = """([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post";
  form.action = action;
  for (const [name, value] of fields) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}"""


def _open(page, base_url, path, data):
    """Open the confirmation: by its address, or by posting `data` (pairs) as its form does."""
    if data is None:
        page.goto(base_url + path)
        return
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    with page.expect_navigation():
        page.evaluate(POST_FORM, [base_url + path, [("csrfmiddlewaretoken", token), *data]])


def _staff_pages(staff, northvale):
    """(path, POST data or None) of every confirmation staff reach."""
    factory = FactoryFactory()
    with scopes_disabled():
        in_supply_chain(northvale, factory)
    to_publish = MonitoringReportFactory(status=MonitoringReport.Status.VALIDATED, factory=factory)
    finding = FindingFactory(report=to_publish)
    to_share = validated_report()
    brand, _contact = concerned_brand(to_share)
    share = [("companies", str(brand.pk))]
    share += [("due_date", (timezone.localdate() + timedelta(days=21)).isoformat())]
    share += [(f"text_{f.pk}", "Passports were kept.") for f in to_share.findings.all()]
    review = FactoryMatchReview.objects.create(
        factory=FactoryFactory(name="Siam Circuit Co., Ltd."),
        candidate=FactoryFactory(name="Siam Circuit Company Limited"),
        score=0.7,
    )
    grievance, _code = submit()
    grievance_services.grievance_acknowledge(grievance=grievance, by=staff, message="Received.")
    acme = SupplierFactory(name="Acme Devices", is_brand=True)
    contact = CompanyContactFactory(
        company=acme, email="a-very-long-buyer-name@acme-devices.example"
    )
    invitation = contact_invite(
        company=acme, by=staff, email="new@acme-devices.example", full_name="", language="en"
    )
    dialogue = DialogueFactory()
    party = participant(dialogue, company=acme, role="Brand")
    referral = RbaReferralFactory()
    event = EventFactory()
    RegistrationFactory(event=event)
    method = scoring_method_publish(
        by=staff,
        effective_from=next_quarter(quarter_of(timezone.localdate())),
        notes="Faster answers.",
        indicators={"reply_days": {"weight": 10}},
    )
    resource = library_resource(title="Guide to fees")
    case = RemediationCaseFactory()
    action = company_action(acme, case=case, status=ActionStatus.DONE_CLAIMED)
    publish = [("summary", "Passports retained.")]
    publish += [(f"include_{finding.pk}", "on"), (f"text_{finding.pk}", "Documents kept.")]
    return [
        (f"/staff/reports/{to_publish.pk}/publish/", publish),
        (f"/staff/reports/{to_share.pk}/right-of-reply/", share),
        (f"/staff/factory-matches/{review.pk}/", [("decision", "same")]),
        (f"/staff/grievances/{grievance.pk}/close/", [("feedback", "Fees repaid.")]),
        (
            f"/staff/engagement/companies/{acme.pk}/contacts/{contact.company_contact.pk}/remove/",
            None,
        ),
        (f"/staff/engagement/companies/{acme.pk}/invitations/{invitation.pk}/withdraw/", None),
        (f"/staff/dialogues/{dialogue.pk}/participants/{party.pk}/remove/", None),
        (f"/staff/referrals/{referral.pk}/close/", [("outcome", "declined")]),
        (f"/staff/events/{event.pk}/cancel/", None),
        (f"/staff/companies/performance/methods/{method.pk}/withdraw/", None),
        (f"/learn/resources/{resource.pk}/unpublish/", None),
        (f"/cases/{case.pk}/actions/{action.pk}/reject/", [("reason", "Receipts missing.")]),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_confirmation_passes_axe_wide_and_on_a_phone(live_server, page, northvale, language):
    staff = StaffFactory(language=language)
    partner = PartnerMemberFactory(language=language)
    admin = member(northvale, Membership.Role.ADMIN, language=language)
    draft = MonitoringReportFactory(
        partner=partner.partner_membership.partner, status=MonitoringReport.Status.DRAFT
    )
    FindingFactory(report=draft)
    invitation = InvitationFactory(affiliate=northvale)
    visits = [
        (partner, [(f"/partner/reports/{draft.pk}/submit/", None)]),
        (admin, [(f"/a/northvale/invitations/{invitation.pk}/revoke/", None)]),
        (staff, _staff_pages(staff, northvale)),
    ]
    found, wrong = [], []
    with without_second_factor(staff, partner, admin):
        for user, pages in visits:
            sign_in(page, live_server.url, user.email)
            for path, data in pages:
                page.set_viewport_size(WIDE)
                _open(page, live_server.url, path, data)
                if not page.locator("form.confirm-form button.primary").count():
                    wrong.append(f"{path}: no confirmation at {page.url}")
                    continue
                assert page.locator("html").get_attribute("lang") == language
                found += current_page_violations(page, impacts={"serious", "critical"})
                page.set_viewport_size(PHONE)
                found += current_page_violations(page, impacts={"serious", "critical"})
                if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                    wrong.append(f"{path}: wider than a phone")
    assert wrong == []
    assert found == []
    # Nothing was confirmed.
    draft.refresh_from_db()
    assert draft.status == MonitoringReport.Status.DRAFT
    assert Participant.objects.exists()
    assert not Event.objects.filter(status=Event.Status.CANCELLED).exists()
