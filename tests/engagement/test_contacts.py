"""Company accounts: staff invite contacts, the invitee accepts through the link (signed out
or in), refusals for people who already have another role, expired and withdrawn links."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from affiliates.models import ApiToken, User
from core.errors import DomainError
from engagement.models import CompanyContact, CompanyInvitation
from engagement.services import contacts as services
from tests.factories import (
    CompanyContactFactory,
    PartnerMemberFactory,
    StaffFactory,
    SupplierFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "long enough and unusual 42"


@pytest.fixture
def acme():
    return SupplierFactory(name="Acme Devices", is_brand=True, is_contractor=False)


def contacts_url(company):
    return reverse("engagement:staff_company_contacts", kwargs={"pk": company.pk})


def invite(client, staff, company, **data):
    client.force_login(staff)
    fields = {"email": "brand@acme-devices.example", "full_name": "Bea Brand", "language": "en"}
    return client.post(contacts_url(company), {**fields, **data})


def link_of(message) -> str:
    (line,) = [word for word in message.body.split() if "/invitations/company/" in word]
    return line[line.index("/invitations/") :]


def test_staff_invite_a_contact_and_the_link_arrives_by_email(
    client, staff, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, staff, acme)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["brand@acme-devices.example"]
    assert "Acme Devices" in message.subject
    # "the company <name>" lets French say "de l’entreprise Acme" (no elision problem).
    assert "act for the company Acme Devices" in message.subject
    assert "act for the company Acme Devices" in message.body
    assert "/invitations/company/" in message.body
    invitation = CompanyInvitation.objects.get()
    assert invitation.company == acme and invitation.invited_by == staff
    page = client.get(contacts_url(acme))
    assert b"brand@acme-devices.example" in page.content
    assert b"<h1>Contacts of the company Acme Devices</h1>" in page.content


def test_the_invitation_email_is_in_the_invitees_language(
    client, staff, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme, language="fr")
    (message,) = mail.outbox
    assert "Accepter l’invitation" in message.body
    expires = CompanyInvitation.objects.get().expires_at
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    assert months[timezone.localtime(expires).month - 1] in message.body


def test_a_new_person_creates_the_account_and_is_asked_to_enrol_in_mfa(
    client, staff, acme, django_capture_on_commit_callbacks, settings
):
    settings.EW_MFA_REQUIRED = True
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme)
    link = link_of(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert b"Act for the company Acme Devices" in page.content
    response = client.post(
        link,
        {"full_name": "Bea Brand", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == "/company/"
    user = User.objects.get(email="brand@acme-devices.example")
    assert user.company_contact.company == acme
    assert user.company_contact.invited_by == staff
    # The portal asks for a second factor first.
    portal = client.get("/company/")
    assert portal.status_code == 302
    assert portal["Location"] == reverse("mfa_activate_totp")
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 410


def test_a_signed_in_user_with_the_invited_address_accepts(
    client, staff, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme, email="Someone@Acme-Devices.example")
    link = link_of(mail.outbox[0])
    someone = UserFactory(email="someone@acme-devices.example")
    client.force_login(someone)
    response = client.post(link)
    assert response.status_code == 302
    assert CompanyContact.objects.get(user=someone).company == acme


def test_a_signed_in_user_with_another_address_is_refused(
    client, staff, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme)
    link = link_of(mail.outbox[0])
    stranger = UserFactory(email="stranger@example.org")
    client.force_login(stranger)
    response = client.post(link)
    assert response.status_code == 400
    assert "This invitation was sent to brand@acme-devices.example" in response.text
    assert not CompanyContact.objects.exists()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda email: StaffFactory(email=email), "staff"),
        (lambda email: PartnerMemberFactory(email=email), "monitoring partner"),
        (lambda email: member(_affiliate(), email=email), "member of an affiliate"),
        (
            lambda email: CompanyContactFactory(email=email, company=SupplierFactory()),
            "contact of another company",
        ),
    ],
)
def test_staff_cannot_invite_someone_who_has_another_role(client, staff, acme, make, reason):
    make("taken@example.org")
    response = invite(client, staff, acme, email="taken@example.org")
    assert response.status_code == 400
    assert reason in response.text
    assert not CompanyInvitation.objects.exists()
    assert mail.outbox == []


def _affiliate():
    from tests.factories import AffiliateFactory

    return AffiliateFactory()


def test_accepting_is_refused_when_the_person_took_another_role_meanwhile(
    client, staff, acme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme, email="late@example.org")
    link = link_of(mail.outbox[0])
    late = member(_affiliate(), email="late@example.org")
    client.force_login(late)
    response = client.post(link)
    assert response.status_code == 400
    assert "belongs to a member of an affiliate" in response.text
    assert not CompanyContact.objects.exists()


def test_an_open_invitation_from_another_company_blocks_a_second_one(client, staff, acme):
    other = SupplierFactory(name="Northern IT")
    invite(client, staff, other, email="both@example.org")
    response = invite(client, staff, acme, email="both@example.org")
    assert response.status_code == 400
    assert "open invitation from another company (Northern IT)" in response.text


def test_an_expired_link_says_so(client, staff, acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme)
    link = link_of(mail.outbox[0])
    CompanyInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation expired on" in response.text
    response = client.post(
        link, {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="brand@acme-devices.example").exists()


def test_a_withdrawn_link_says_so(client, staff, acme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, staff, acme)
    link = link_of(mail.outbox[0])
    invitation = CompanyInvitation.objects.get()
    client.post(
        reverse(
            "engagement:staff_invitation_withdraw",
            kwargs={"pk": acme.pk, "invitation_pk": invitation.pk},
        ),
        {"confirmed": "1"},
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.text


def test_an_unknown_link_is_404(client):
    response = client.get("/invitations/company/not-a-real-token/")
    assert response.status_code == 404
    assert "not valid" in response.text


def test_inviting_again_replaces_the_open_invitation(client, staff, acme):
    invite(client, staff, acme)
    invite(client, staff, acme)
    assert CompanyInvitation.objects.pending().count() == 1
    assert CompanyInvitation.objects.count() == 2


def test_removing_a_contact_closes_the_portal_and_revokes_tokens(client, staff, acme):
    contact_user = CompanyContactFactory(company=acme)
    ApiToken.objects.create(user=contact_user, name="script")
    contact = contact_user.company_contact
    client.force_login(staff)
    response = client.post(
        reverse(
            "engagement:staff_contact_remove", kwargs={"pk": acme.pk, "contact_pk": contact.pk}
        ),
        {"confirmed": "1"},
    )
    assert response.status_code == 302
    assert not CompanyContact.objects.exists()
    assert not ApiToken.objects.filter(user=contact_user).exists()
    client.force_login(User.objects.get(pk=contact_user.pk))
    assert client.get("/company/").status_code == 404


def test_only_staff_invite(acme, northvale_admin):
    with pytest.raises(DomainError):
        services.contact_invite(
            company=acme, email="x@example.org", language="en", by=northvale_admin
        )


def test_staff_see_the_link_to_a_companys_contacts(client, staff, acme):
    client.force_login(staff)
    response = client.get(reverse("suppliers:staff_suppliers"))
    assert contacts_url(acme).encode() in response.content
