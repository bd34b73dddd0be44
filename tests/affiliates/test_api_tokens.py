"""API tokens follow the rules of the pages they stand for (issue 17, "Tokens"): the MFA rule,
a scope, an expiry, and revocation whenever the password, a role, MFA or a membership changes.
Each test is named after what it stops."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import ApiToken, Membership
from monitoring.models import PartnerMembership
from tests.factories import PartnerMemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _token(user, scope=ApiToken.Scope.READ) -> str:
    return ApiToken.objects.create(user=user, name="script", scope=scope)[1]


def _get(client, token, path="/api/v1/memberships/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Token {token}")


def test_token_of_a_user_made_staff_without_mfa_reads_nothing(client, northvale_officer, settings):
    settings.EW_MFA_REQUIRED = True
    token = _token(northvale_officer)
    assert _get(client, token).status_code == 200
    northvale_officer.is_ew_staff = True
    northvale_officer.save()
    assert _get(client, token).status_code == 401  # revoked with the change of role
    fresh = _token(northvale_officer)  # even a new token: no TOTP, no API
    response = _get(client, fresh, "/api/v1/grievances/")
    assert response.status_code == 401
    assert "two-factor authentication" in response.json()["detail"]


def test_staff_token_works_once_mfa_is_set_up(client, settings):
    settings.EW_MFA_REQUIRED = True
    staff = StaffFactory()
    assert _get(client, _token(staff), "/api/v1/grievances/").status_code == 200


def test_token_stops_working_after_a_password_change(client, northvale_officer):
    token = _token(northvale_officer)
    northvale_officer.set_password("a-new-long-passphrase-2026")
    northvale_officer.save()
    assert _get(client, token).status_code == 401
    assert not ApiToken.objects.filter(user=northvale_officer).exists()


def test_saving_a_user_without_changing_the_password_keeps_the_tokens(client, northvale_officer):
    token = _token(northvale_officer)
    northvale_officer.full_name = "Renamed Officer"
    northvale_officer.save()
    assert _get(client, token).status_code == 200


def test_token_stops_working_after_a_role_change(client, northvale, northvale_officer):
    token = _token(northvale_officer)
    with scopes_disabled():
        membership = Membership.objects.get(user=northvale_officer, affiliate=northvale)
        membership.role = Membership.Role.VIEWER
        membership.save()
    assert _get(client, token).status_code == 401


def test_token_stops_working_after_removal_from_the_affiliate(client, northvale_officer):
    token = _token(northvale_officer)
    with scopes_disabled():
        Membership.objects.filter(user=northvale_officer).delete()
    assert _get(client, token).status_code == 401


def test_token_stops_working_after_removal_from_the_monitoring_partner(client):
    partner = PartnerMemberFactory()
    token = _token(partner)
    assert _get(client, token, "/api/v1/monitoring-reports/").status_code == 200
    PartnerMembership.objects.filter(user=partner).delete()
    assert _get(client, token, "/api/v1/monitoring-reports/").status_code == 401


def test_token_stops_working_when_mfa_is_removed(client):
    staff = StaffFactory()
    token = _token(staff)
    Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).delete()
    assert _get(client, token, "/api/v1/grievances/").status_code == 401
    assert not ApiToken.objects.filter(user=staff).exists()


def test_tokens_expire_after_ninety_days_by_default(client, northvale_officer):
    token = _token(northvale_officer)
    stored = ApiToken.objects.get(user=northvale_officer)
    assert timedelta(days=89) < stored.expiry - timezone.now() <= timedelta(days=90)
    ApiToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _get(client, token).status_code == 401


def test_read_only_token_cannot_write(client, northvale_officer):
    token = _token(northvale_officer, ApiToken.Scope.READ)
    response = client.post(
        "/api/v1/compliance-reports/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 403
    assert "may only read" in response.json()["detail"]
    writer = _token(northvale_officer, ApiToken.Scope.WRITE)
    response = client.post(
        "/api/v1/compliance-reports/",
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {writer}",
    )
    assert response.status_code == 202  # a report of the default period is being prepared


def test_account_page_lists_tokens_with_name_scope_and_last_use(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post("/account/tokens/", {"name": "Findings export", "scope": "write"})
    token = re.search(r'value="(ew_[^"]+)"', response.content.decode()).group(1)
    page = client.get("/account/tokens/").content.decode()
    assert "Findings export" in page
    assert "Read and write" in page
    assert "Never" in page
    _get(client.__class__(), token)
    page = client.get("/account/tokens/").content.decode()
    assert "Never" not in page
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_needs_a_name(client, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post("/account/tokens/", {"name": " ", "scope": "read"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
