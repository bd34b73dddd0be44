import logging
import time

import pytest
from django.test import override_settings

from affiliates.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from tests.factories import PASSWORD, StaffFactory, UserFactory, totp_code


def _login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_wrong_password_is_refused_with_a_clear_message(client, northvale_officer):
    response = _login(client, northvale_officer.email, "not-the-password")
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_and_lands_on_the_dashboard(client, northvale_officer):
    response = _login(client, northvale_officer.email, PASSWORD)
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == "/a/northvale/"


def test_repeated_failed_logins_are_rate_limited(client, northvale_officer):
    for _attempt in range(5):
        _login(client, northvale_officer.email, "wrong")
    response = _login(client, northvale_officer.email, PASSWORD)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_failures_are_logged_without_credentials(client, northvale_officer, caplog):
    caplog.set_level(logging.INFO, logger="ew.security")
    _login(client, northvale_officer.email, "secret-guess-123")
    _login(client, northvale_officer.email, PASSWORD)
    client.post("/accounts/logout/")
    lines = [r.getMessage() for r in caplog.records if r.name == "ew.security"]
    assert any(line.startswith("login failed") for line in lines)
    assert f"login: user={northvale_officer.pk} affiliate=-" in lines
    assert any(line.startswith(f"logout: user={northvale_officer.pk}") for line in lines)
    assert "secret-guess-123" not in caplog.text
    assert PASSWORD not in caplog.text


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_without_mfa_must_enrol_before_anything_else(client, db):
    staff = StaffFactory(totp=False)
    client.force_login(staff)
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/affiliates/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]


def test_staff_with_mfa_reaches_the_staff_dashboard(client, staff):
    client.force_login(staff)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "Staff dashboard" in response.content.decode()


def test_partner_member_without_mfa_must_enrol(client, db):
    from monitoring.models import MonitoringPartner, PartnerMembership

    user = UserFactory()
    partner = MonitoringPartner.objects.create(name="Monitor", slug="monitor")
    PartnerMembership.objects.create(user=user, partner=partner)
    client.force_login(user)
    response = client.get("/partner/")
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@override_settings(EW_MFA_REQUIRED=False, DEMO_MODE=True)
def test_demo_mode_relaxes_mfa_and_says_so(client, db):
    client.force_login(StaffFactory(totp=False))
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "Two-factor authentication is not enforced" in response.content.decode()


def test_login_with_mfa_asks_for_the_code(client, staff):
    response = _login(client, staff.email, PASSWORD)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    code = totp_code(staff.totp_secret)
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.parametrize("key", [SESSION_LAST_SEEN, SESSION_LOGIN_AT])
def test_idle_or_old_sessions_end(client, northvale_officer, key):
    client.force_login(northvale_officer)
    client.get("/a/northvale/")
    session = client.session
    session[key] = int(time.time()) - 13 * 60 * 60
    session.save()
    response = client.get("/a/northvale/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_deactivated_account_is_signed_out_everywhere(client, northvale_officer):
    client.force_login(northvale_officer)
    northvale_officer.is_active = False
    northvale_officer.save()
    response = client.get("/a/northvale/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signup_is_closed(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "x@example.org",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert "Sign Up Closed" in response.content.decode()
    from affiliates.models import User

    assert not User.objects.filter(email="x@example.org").exists()
