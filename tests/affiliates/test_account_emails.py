import re

from allauth.account.models import EmailAddress
from django.core import mail

from tests.factories import PASSWORD


def _path(body: str, pattern: str) -> str:
    return re.search(r"https?://[^/\s]+(" + pattern + r")", body).group(1)


def test_password_reset_by_email_link(client, northvale_officer):
    response = client.post("/accounts/password/reset/", {"email": northvale_officer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    path = _path(mail.outbox[0].body, r"/accounts/password/reset/key/\S+/")
    response = client.get(path)
    assert response.status_code == 302  # allauth moves the key out of the URL
    form_path = response["Location"]
    new_password = "a-brand-new-passphrase-2026"
    response = client.post(form_path, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    northvale_officer.refresh_from_db()
    assert northvale_officer.check_password(new_password)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_unverified_address_must_be_confirmed_before_signing_in(client, northvale_officer):
    EmailAddress.objects.filter(user=northvale_officer).update(verified=False)
    response = client.post(
        "/accounts/login/", {"login": northvale_officer.email, "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    path = _path(mail.outbox[-1].body, r"/accounts/confirm-email/\S+/")
    client.post(path)
    assert EmailAddress.objects.get(user=northvale_officer).verified
    response = client.post(
        "/accounts/login/", {"login": northvale_officer.email, "password": PASSWORD}
    )
    assert client.session["_auth_user_id"] == str(northvale_officer.pk)
