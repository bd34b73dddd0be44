"""Issue 16, item 1 (second round): the remaining one-click destructive actions ask first
(`core.confirm`). For each: the confirmation says what and to whom; a POST without
`confirmed=1` changes nothing; the confirmed POST does it."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Invitation
from core.outbox import OutboxEmail
from engagement.models import CompanyContact, CompanyInvitation, Participant, ScoringMethod
from engagement.quarters import next_quarter, quarter_of
from engagement.services.performance import scoring_method_in_force, scoring_method_publish
from learning.models import Event, Resource
from remediation.models import ActionStatus
from tests.factories import (
    CommitmentFactory,
    CompanyContactFactory,
    DialogueFactory,
    EventFactory,
    InvitationFactory,
    MonitoringPartnerFactory,
    RbaReferralFactory,
    RegistrationFactory,
    RemediationCaseFactory,
    SupplierFactory,
    UserFactory,
    company_action,
    library_resource,
    participant,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


def _asks(page: str) -> None:
    assert 'name="confirmed" value="1"' in page


@pytest.fixture
def acme():
    return SupplierFactory(name="Acme Devices", is_brand=True)


# --- Company contacts and invitations (staff) --------------------------------------------


def test_removing_a_company_contact_asks_first(client, staff, acme):
    contact_user = CompanyContactFactory(company=acme, email="buyer@acme-devices.example")
    contact = contact_user.company_contact
    url = reverse(
        "engagement:staff_contact_remove", kwargs={"pk": acme.pk, "contact_pk": contact.pk}
    )
    client.force_login(staff)
    page = _text(client.get(url))
    assert "Remove buyer@acme-devices.example from the company Acme Devices?" in page
    assert "API tokens are revoked" in page
    _asks(page)
    client.post(url)
    assert CompanyContact.objects.filter(pk=contact.pk).exists()
    page = _text(client.post(url, {"confirmed": "1"}, follow=True))
    assert "buyer@acme-devices.example no longer acts for the company Acme Devices" in page
    assert not CompanyContact.objects.filter(pk=contact.pk).exists()


def test_withdrawing_a_company_invitation_asks_first(client, staff, acme):
    client.force_login(staff)
    client.post(
        reverse("engagement:staff_company_contacts", kwargs={"pk": acme.pk}),
        {"email": "new@acme-devices.example", "full_name": "New Buyer", "language": "en"},
    )
    invitation = CompanyInvitation.objects.get()
    url = reverse(
        "engagement:staff_invitation_withdraw",
        kwargs={"pk": acme.pk, "invitation_pk": invitation.pk},
    )
    page = _text(client.get(url))
    assert "Withdraw the invitation to new@acme-devices.example?" in page
    assert "act for the company Acme Devices" in page
    _asks(page)
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.post(url, {"confirmed": "1"})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- Affiliate invitations (affiliate admin) ----------------------------------------------


def test_withdrawing_an_affiliate_invitation_asks_first(client, northvale, northvale_admin):
    invitation = InvitationFactory(affiliate=northvale, email="future@northvale.example")
    url = f"/a/northvale/invitations/{invitation.pk}/revoke/"
    client.force_login(northvale_admin)
    page = _text(client.get(url))
    assert "Withdraw the invitation to future@northvale.example?" in page
    assert "cannot use it to join City of Northvale" in page
    _asks(page)
    client.post(url)
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    page = _text(client.post(url, {"confirmed": "1"}, follow=True))
    assert "The invitation to future@northvale.example was withdrawn." in page
    with scopes_disabled():
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


# --- Dialogue participants ----------------------------------------------------------------


def test_removing_a_dialogue_participant_asks_first(client, staff, acme):
    dialogue = DialogueFactory(title="Round table on fees")
    party = participant(dialogue, company=acme, role="Brand")
    url = reverse(
        "engagement:participant_remove",
        kwargs={"pk": dialogue.pk, "participant_pk": party.pk},
    )
    client.force_login(staff)
    page = _text(client.get(url))
    assert "Remove Acme Devices from the dialogue Round table on fees?" in page
    assert "Brand" in page
    _asks(page)
    client.post(url)
    assert Participant.objects.filter(pk=party.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not Participant.objects.filter(pk=party.pk).exists()


def test_a_participant_owning_commitments_is_refused_before_asking(client, staff):
    commitment = CommitmentFactory()
    url = reverse(
        "engagement:participant_remove",
        kwargs={"pk": commitment.dialogue.pk, "participant_pk": commitment.owner.pk},
    )
    client.force_login(staff)
    page = _text(client.get(url, follow=True))
    assert "owns commitments in this dialogue" in page
    assert 'name="confirmed"' not in page
    client.post(url, {"confirmed": "1"})
    assert Participant.objects.filter(pk=commitment.owner.pk).exists()


# --- RBA referrals ------------------------------------------------------------------------


def test_closing_a_referral_asks_first_with_the_outcome(client, staff):
    monitor = MonitoringPartnerFactory(name="Thai Labour Monitor")
    referral = RbaReferralFactory(case=RemediationCaseFactory(lead_partner=monitor))
    url = reverse("engagement:referral_close", kwargs={"pk": referral.pk})
    client.force_login(staff)
    assert client.get(url)["Location"] == referral.get_absolute_url()
    page = _text(client.post(url, {"outcome": "declined"}))
    assert f"Close referral {referral.reference}?" in page
    assert "Declined by the RBA" in page
    assert "Thai Labour Monitor, the case's monitoring partner" in page
    assert 'name="outcome" value="declined"' in page
    _asks(page)
    referral.refresh_from_db()
    assert referral.status == "open"
    client.post(url, {"outcome": "declined", "confirmed": "1"})
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("closed", "declined")


def test_closing_a_referral_without_an_outcome_is_refused_before_asking(client, staff):
    referral = RbaReferralFactory()
    client.force_login(staff)
    url = reverse("engagement:referral_close", kwargs={"pk": referral.pk})
    page = _text(client.post(url, {"outcome": "nonsense"}, follow=True))
    assert "Choose the outcome the referral closes with." in page
    assert 'name="confirmed"' not in page


# --- Events -------------------------------------------------------------------------------


def test_cancelling_an_event_asks_first_and_counts_who_is_told(client, staff):
    event = EventFactory(title="Webinar on fees", capacity=1)
    RegistrationFactory(event=event, user=UserFactory(email="held@example.org"))
    RegistrationFactory(
        event=event, user=UserFactory(email="waits@example.org"), status="waiting", position=1
    )
    url = reverse("learning:event_staff_cancel", kwargs={"pk": event.pk})
    client.force_login(staff)
    page = _text(client.get(url))
    assert "Cancel the event “Webinar on fees”?" in page
    assert "2 people will be told by e-mail" in page
    assert "1 holding a place" in page and "1 on the waiting list" in page
    _asks(page)
    client.post(url)
    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED
    assert not OutboxEmail.objects.exists()
    page = _text(client.post(url, {"confirmed": "1"}, follow=True))
    assert "2 people were told" in page
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert set(OutboxEmail.objects.values_list("recipient", flat=True)) == {
        "held@example.org",
        "waits@example.org",
    }


def test_a_started_event_is_refused_before_asking(client, staff):
    event = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    client.force_login(staff)
    url = reverse("learning:event_staff_cancel", kwargs={"pk": event.pk})
    page = _text(client.get(url, follow=True))
    assert "Only an event that has not started can be cancelled." in page
    assert 'name="confirmed"' not in page


# --- Scoring method -----------------------------------------------------------------------


def test_withdrawing_an_upcoming_method_version_asks_first(client, staff):
    method = scoring_method_publish(
        by=staff,
        effective_from=next_quarter(quarter_of(timezone.localdate())),
        notes="Faster answers.",
        indicators={"reply_days": {"weight": 10}},
    )
    url = reverse("engagement:staff_method_withdraw", kwargs={"pk": method.pk})
    client.force_login(staff)
    page = _text(client.get(url))
    assert f"Withdraw version {method.version} of the scoring method?" in page
    assert "Faster answers." in page
    _asks(page)
    client.post(url)
    assert ScoringMethod.objects.filter(pk=method.pk).exists()
    client.post(url, {"confirmed": "1"})
    assert not ScoringMethod.objects.filter(pk=method.pk).exists()


def test_a_method_in_force_is_refused_before_asking(client, staff):
    method = scoring_method_in_force(quarter_of(timezone.localdate()))
    client.force_login(staff)
    url = reverse("engagement:staff_method_withdraw", kwargs={"pk": method.pk})
    page = _text(client.get(url, follow=True))
    assert "This version is in force" in page
    assert 'name="confirmed"' not in page


# --- Library ------------------------------------------------------------------------------


def test_unpublishing_a_resource_asks_first(client, staff, northvale_officer):
    resource = library_resource(title="Guide to fees")
    url = reverse("learning:resource_unpublish", kwargs={"pk": resource.pk})
    client.force_login(staff)
    page = _text(client.get(url))
    assert "Unpublish “Guide to fees”?" in page
    assert "members no longer find, open or download it" in page
    _asks(page)
    client.post(url)
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PUBLISHED
    client.post(url, {"confirmed": "1"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.DRAFT


# --- Remediation: rejecting a claim -------------------------------------------------------


def test_rejecting_a_claim_asks_first_and_names_who_is_told(client, staff, acme):
    case = RemediationCaseFactory()
    action = company_action(acme, case=case, status=ActionStatus.DONE_CLAIMED)
    CompanyContactFactory(company=acme, email="brand@acme-devices.example")
    url = reverse("remediation:action_reject", kwargs={"pk": case.pk, "action_pk": action.pk})
    client.force_login(staff)
    assert client.get(url).status_code == 302
    reason = {"reason": "Two passports are still held."}
    page = _text(client.post(url, reason))
    assert "Reject the claim that this action is done?" in page
    assert "1 contact of Acme Devices will be told by e-mail, with the reason" in page
    assert "brand@acme-devices.example" in page
    assert "Two passports are still held." in page
    _asks(page)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE_CLAIMED
    assert not OutboxEmail.objects.exists()
    client.post(url, {**reason, "confirmed": "1"})
    action.refresh_from_db()
    assert action.status == ActionStatus.REJECTED
    assert action.rejection_reason == "Two passports are still held."
    assert OutboxEmail.objects.filter(recipient="brand@acme-devices.example").exists()


def test_rejecting_without_a_reason_is_refused_before_asking(client, staff, acme):
    case = RemediationCaseFactory()
    action = company_action(acme, case=case, status=ActionStatus.DONE_CLAIMED)
    url = reverse("remediation:action_reject", kwargs={"pk": case.pk, "action_pk": action.pk})
    client.force_login(staff)
    page = _text(client.post(url, {"reason": "  "}, follow=True))
    assert "Say why the claim is rejected." in page
    assert 'name="confirmed"' not in page
