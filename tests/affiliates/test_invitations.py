import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Invitation, Membership, User
from tests.factories import PASSWORD, member


def _invite(client, email="new.person@example.org", role="officer"):
    return client.post("/a/northvale/members/invite/", {"email": email, "role": role})


def _link_from_outbox() -> str:
    body = mail.outbox[-1].body
    return re.search(r"http://\S+/invitations/(\S+)/", body).group(0)


def test_admin_invites_by_email_and_the_link_creates_an_account(
    client, northvale_admin, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "City of Northvale" in message.subject
    assert "Procurement officer" in message.body
    assert message.alternatives[0][1] == "text/html"
    link = _link_from_outbox()
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert link.split("/")[-2] not in invitation.token_digest  # only a digest is stored

    client.logout()
    path = link.replace("http://127.0.0.1:8000", "")
    page = client.get(path)
    assert "Create your account" in page.content.decode()
    response = client.post(
        path, {"full_name": "New Person", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/a/northvale/"
    user = User.objects.get(email="new.person@example.org")
    with scopes_disabled():
        assert Membership.objects.get(user=user).role == Membership.Role.OFFICER
    assert user.emailaddress_set.get().verified


def test_a_used_invitation_link_cannot_be_used_again(
    client, northvale_admin, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    path = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    client.logout()
    client.post(path, {"full_name": "New", "password1": PASSWORD, "password2": PASSWORD})
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    response = client.post(
        path, {"full_name": "Other", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 410
    assert User.objects.filter(email="new.person@example.org").count() == 1


def test_an_expired_invitation_link_is_refused(
    client, northvale_admin, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    with scopes_disabled():
        Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    path = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    response = client.post(
        path, {"full_name": "Late", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_an_unknown_invitation_link_is_404_with_a_message(client, db):
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_inviting_an_existing_member_is_refused_and_changes_nothing(
    client, northvale_admin, northvale_officer
):
    client.force_login(northvale_admin)
    response = _invite(client, email="OFFICER@northvale.example")
    assert response.status_code == 400
    assert "officer@northvale.example is already a member of City of Northvale." in (
        response.content.decode()
    )
    with scopes_disabled():
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invalid_invitation_input_shows_field_errors(client, northvale_admin):
    client.force_login(northvale_admin)
    response = _invite(client, email="not-an-address", role="emperor")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in body
    assert "Select a valid choice." in body
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_officers_cannot_invite(client, northvale_officer):
    client.force_login(northvale_officer)
    response = _invite(client)
    assert response.status_code == 403
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_an_existing_user_accepts_while_signed_in(
    client, northvale_admin, southport_officer, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, email=southport_officer.email, role="viewer")
    path = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    client.force_login(southport_officer)
    response = client.post(path)
    assert response["Location"] == "/a/northvale/"
    with scopes_disabled():
        roles = dict(
            Membership.objects.filter(user=southport_officer).values_list("affiliate__slug", "role")
        )
    assert roles == {"northvale": "viewer", "southport": "officer"}


def test_someone_else_cannot_accept_an_invitation_sent_to_another_address(
    client, northvale_admin, southport_officer, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, email="intended@example.org")
    path = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    client.force_login(southport_officer)
    response = client.post(path)
    assert response.status_code == 400
    assert "This invitation was sent to intended@example.org" in response.content.decode()
    with scopes_disabled():
        assert not Membership.objects.filter(
            user=southport_officer, affiliate__slug="northvale"
        ).exists()


def test_reinviting_replaces_the_old_link(
    client, northvale_admin, django_capture_on_commit_callbacks
):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    first = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    second = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_admin_withdraws_an_invitation(client, northvale_admin, django_capture_on_commit_callbacks):
    client.force_login(northvale_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client)
    with scopes_disabled():
        invitation = Invitation.objects.get()
    client.post(f"/a/northvale/invitations/{invitation.pk}/revoke/", {"confirmed": "1"})
    path = _link_from_outbox().replace("http://127.0.0.1:8000", "")
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_admin_changes_a_role_and_removes_a_member(client, northvale_admin, northvale_officer):
    client.force_login(northvale_admin)
    with scopes_disabled():
        officer_membership = Membership.objects.get(user=northvale_officer)
    response = client.post(
        f"/a/northvale/members/{officer_membership.pk}/role/", {"role": "viewer"}, follow=True
    )
    assert "is now Viewer" in response.content.decode()
    with scopes_disabled():
        officer_membership.refresh_from_db()
    assert officer_membership.role == "viewer"
    response = client.post(
        f"/a/northvale/members/{officer_membership.pk}/remove/", {"confirmed": "1"}, follow=True
    )
    assert "no longer belongs to City of Northvale" in response.content.decode()
    with scopes_disabled():
        assert not Membership.objects.filter(pk=officer_membership.pk).exists()
    client.force_login(northvale_officer)
    assert client.get("/a/northvale/").status_code == 404


def test_the_last_admin_cannot_step_down_or_be_removed(client, northvale_admin):
    client.force_login(northvale_admin)
    with scopes_disabled():
        own = Membership.objects.get(user=northvale_admin)
    response = client.post(f"/a/northvale/members/{own.pk}/role/", {"role": "viewer"}, follow=True)
    assert "needs at least one admin" in response.content.decode()
    response = client.post(
        f"/a/northvale/members/{own.pk}/remove/", {"confirmed": "1"}, follow=True
    )
    assert "You cannot remove yourself from City of Northvale" in response.content.decode()
    with scopes_disabled():
        own.refresh_from_db()
    assert own.role == "admin"


def test_a_user_in_two_affiliates_switches_between_them(client, northvale, southport):
    user = member(northvale, Membership.Role.VIEWER)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role="officer")
    client.force_login(user)
    page = client.get("/a/northvale/").content.decode()
    assert 'href="/a/southport/"' in page
    assert 'aria-current="page" class="current">City of Northvale' in page
    client.get("/a/southport/")
    assert client.get("/")["Location"] == "/a/southport/"
    client.get("/a/northvale/")
    assert client.get("/")["Location"] == "/a/northvale/"


def test_role_change_through_htmx_redraws_only_the_row(client, northvale_admin, northvale_officer):
    client.force_login(northvale_admin)
    with scopes_disabled():
        officer = Membership.objects.get(user=northvale_officer)
        own = Membership.objects.get(user=northvale_admin)
    response = client.post(
        f"/a/northvale/members/{officer.pk}/role/", {"role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="member-{officer.pk}">')
    assert "is now Viewer" in body
    assert '<option value="viewer" selected>' in body
    response = client.post(
        f"/a/northvale/members/{own.pk}/role/", {"role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "needs at least one admin" in body
    assert '<option value="admin" selected>' in body
