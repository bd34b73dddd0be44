"""Staff's configuration of single sign-on (`/staff/sso/`) and the admin's."""

import pytest
from allauth.socialaccount.models import SocialApp

from affiliates.models import Membership, SingleSignOn
from affiliates.sso import sso_save
from tests.factories import member

pytestmark = pytest.mark.django_db

OIDC = {
    "protocol": "openid_connect",
    "domains": "northvale.example, Agents.Northvale.example",
    "enabled": "on",
    "server_url": "https://login.northvale.example/realms/city",
    "client_id": "ewatch",
    "client_secret": "very-secret-value",
}


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_add_an_oidc_provider_whose_secret_is_never_shown_back(staff_client, northvale):
    response = staff_client.post("/staff/sso/new/", {**OIDC, "affiliate": northvale.pk})
    assert response.status_code == 302
    sso = SingleSignOn.objects.get()
    assert sso.domains == ["northvale.example", "agents.northvale.example"]
    assert sso.client_secret == "very-secret-value"
    assert SocialApp.objects.get().secret == ""
    page = staff_client.get(response["Location"]).content.decode()
    assert "very-secret-value" not in page
    assert "Stored (encrypted, not shown)." in page
    assert f"/accounts/oidc/{sso.app.provider_id}/login/callback/" in page  # for the IdP admin
    # Saving again without a secret keeps the stored one.
    staff_client.post(
        response["Location"], {**OIDC, "affiliate": northvale.pk, "client_secret": ""}
    )
    sso.refresh_from_db()
    assert sso.client_secret == "very-secret-value"


def test_a_saml_provider_shows_our_sp_details(staff_client, northvale):
    from tests.affiliates.test_sso_saml import _key_and_cert

    cert = _key_and_cert()[1]
    response = staff_client.post(
        "/staff/sso/new/",
        {
            "affiliate": northvale.pk,
            "protocol": "saml",
            "domains": "northvale.example",
            "enabled": "on",
            "idp_entity_id": "https://idp.northvale.example/saml",
            "sso_url": "https://idp.northvale.example/sso",
            "x509cert": cert,
        },
    )
    assert response.status_code == 302
    sso = SingleSignOn.objects.get()
    assert "BEGIN" not in sso.app.settings["idp"]["x509cert"]
    page = staff_client.get(response["Location"]).content.decode()
    assert f"/accounts/saml/{sso.app.client_id}/acs/" in page
    assert f"/accounts/saml/{sso.app.client_id}/metadata/" in page


def test_a_domain_belongs_to_one_affiliate_only(staff_client, northvale, southport):
    sso_save(
        affiliate=southport,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["agents.northvale.example"],
        server_url="https://idp.example",
        client_id="x",
        client_secret="y",
    )
    response = staff_client.post("/staff/sso/new/", {**OIDC, "affiliate": northvale.pk})
    assert response.status_code == 200
    assert "already sign in through the provider of Southport University" in (
        response.content.decode()
    )
    assert SingleSignOn.objects.count() == 1


@pytest.mark.parametrize("domains", ["gmail.com", "northvale.example, outlook.com"])
def test_public_mail_domains_are_refused(staff_client, northvale, domains):
    response = staff_client.post(
        "/staff/sso/new/", {**OIDC, "affiliate": northvale.pk, "domains": domains}
    )
    assert response.status_code == 200
    assert "is a public mail service" in response.content.decode()
    assert not SingleSignOn.objects.exists()
    assert not SocialApp.objects.exists()


def test_a_bad_certificate_and_a_missing_secret_are_refused(staff_client, northvale):
    response = staff_client.post(
        "/staff/sso/new/",
        {
            "affiliate": northvale.pk,
            "protocol": "saml",
            "domains": "northvale.example",
            "idp_entity_id": "x",
            "sso_url": "https://idp.example/sso",
            "x509cert": "not a certificate",
        },
    )
    assert "This is not a PEM certificate." in response.content.decode()
    response = staff_client.post(
        "/staff/sso/new/", {**OIDC, "affiliate": northvale.pk, "client_secret": ""}
    )
    assert "Give the client secret." in response.content.decode()
    assert not SingleSignOn.objects.exists()


def test_only_staff_configure_single_sign_on(client, northvale):
    sso = sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example"],
        server_url="https://idp.example",
        client_id="x",
        client_secret="y",
    )
    paths = ("/staff/sso/", "/staff/sso/new/", f"/staff/sso/{sso.pk}/")
    for path in paths:
        assert client.get(path)["Location"].startswith("/accounts/login/")
    admin = member(northvale, Membership.Role.ADMIN)
    client.force_login(admin)
    for path in paths:
        assert client.get(path).status_code == 404
    response = client.post("/staff/sso/new/", {**OIDC, "affiliate": northvale.pk})
    assert response.status_code == 404
    assert SingleSignOn.objects.count() == 1


def test_the_admin_checks_domains_too(client, northvale, southport, django_user_model):
    superuser = django_user_model.objects.create_superuser("root@ewatch.example", "x" * 20)
    client.force_login(superuser)
    sso_save(
        affiliate=southport,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["southport.example"],
        server_url="https://idp.example",
        client_id="x",
        client_secret="y",
    )
    mine = sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example"],
        server_url="https://idp2.example",
        client_id="x",
        client_secret="y",
    )
    from django.test import override_settings

    with override_settings(EW_MFA_REQUIRED=False):
        response = client.post(
            f"/admin/affiliates/singlesignon/{mine.pk}/change/",
            {"domains": "northvale.example, southport.example", "enabled": "on"},
        )
    assert response.status_code == 200
    assert "already sign in through the provider of Southport University" in (
        response.content.decode()
    )
    mine.refresh_from_db()
    assert mine.domains == ["northvale.example"]
