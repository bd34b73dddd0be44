"""Single sign-on through OpenID Connect, against a small provider run in the test.

The provider (`TinyProvider`) is an HTTP server on a free loopback port in a thread: discovery
document, JWKS, an authorize endpoint that redirects back with a code, a token endpoint that
checks the client secret and returns an id_token signed with a key made here, and userinfo.
Everything between it and the platform goes over real HTTP; the browser is Django's client.
"""

import json
import secrets
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import connection
from django_scopes import scopes_disabled

from affiliates.models import Membership, SingleSignOn, User
from affiliates.sso import sso_save
from tests.factories import (
    CompanyContactFactory,
    PartnerMemberFactory,
    StaffFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

CLIENT_ID = "ew-platform"
CLIENT_SECRET = "s3cret-from-the-idp"


class TinyProvider:
    """An OpenID Connect provider that knows one person at a time (`claims`)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def id_token(self, claims: dict) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            **claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "k1"})

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    issuer = provider.issuer
                    return self._json(
                        {
                            "issuer": issuer,
                            "authorization_endpoint": f"{issuer}/authorize",
                            "token_endpoint": f"{issuer}/token",
                            "userinfo_endpoint": f"{issuer}/userinfo",
                            "jwks_uri": f"{issuer}/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                if url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json({"keys": [{**jwk, "kid": "k1", "use": "sig"}]})
                if url.path == "/authorize":
                    # The person signs in at their organisation: a code for these claims.
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = dict(provider.claims)
                    params = urlencode({"code": code, "state": query["state"]})
                    back = f"{query['redirect_uri']}?{params}"
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    claims = provider.codes.get(token)
                    if claims is None:
                        return self._json({"error": "invalid_token"}, 401)
                    return self._json(claims)
                return self._json({"error": "not found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlparse(self.path).path != "/token":
                    return self._json({"error": "not found"}, 404)
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json({"error": "invalid_client"}, 401)
                claims = provider.codes.get(form.get("code", ""))
                if claims is None:
                    return self._json({"error": "invalid_grant"}, 400)
                return self._json(
                    {
                        "access_token": form["code"],  # userinfo finds the claims by it
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(claims),
                    }
                )

        return Handler


@pytest.fixture
def idp():
    with TinyProvider() as provider:
        yield provider


@pytest.fixture
def northvale_sso(northvale, idp):
    return sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example"],
        server_url=idp.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def _sign_in(client, idp, email, **claims):
    """Login page → our start → provider's authorize → our callback; the final response."""
    idp.claims = {"sub": f"sub-{email}", "email": email, "email_verified": True, **claims}
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content
    authorize = response["Location"]
    assert authorize.startswith(f"{idp.issuer}/authorize?")
    assert parse_qs(urlparse(authorize).query)["login_hint"] == [email]
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def _membership(user, affiliate):
    with scopes_disabled():
        return Membership.objects.filter(user=user, affiliate=affiliate).first()


def test_a_newcomer_of_the_domain_is_created_as_a_viewer_of_the_affiliate(
    client, idp, northvale, northvale_sso
):
    response = _sign_in(client, idp, "Ana.Lopez@northvale.example", name="Ana López")
    assert response.status_code == 302, response.content
    user = User.objects.get(email="ana.lopez@northvale.example")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert _membership(user, northvale).role == Membership.Role.VIEWER
    assert not user.has_usable_password()
    dashboard = client.get("/a/northvale/")
    assert dashboard.status_code == 200


def test_an_unverified_address_is_refused(client, idp, northvale_sso):
    response = _sign_in(client, idp, "new@northvale.example", email_verified=False)
    assert response.status_code == 403
    assert "has not verified the address" in response.content.decode()
    assert not User.objects.filter(email="new@northvale.example").exists()
    assert "_auth_user_id" not in client.session


def test_an_address_outside_the_configured_domains_is_refused(client, idp, northvale_sso):
    # The provider vouches for an address of a domain Northvale did not register.
    idp.claims = {"sub": "x", "email": "someone@southport.example", "email_verified": True}
    response = client.post("/accounts/sso/", {"email": "someone@northvale.example"})
    back = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 403
    assert "its domain is not one your organisation registered" in response.content.decode()
    assert not User.objects.filter(email="someone@southport.example").exists()


def test_an_existing_user_is_connected_not_duplicated(client, idp, northvale, northvale_sso):
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    for _ in range(2):  # the second time through the connected social account
        client.logout()
        response = _sign_in(client, idp, "officer@northvale.example")
        assert response.status_code == 302, response.content
        assert int(client.session["_auth_user_id"]) == officer.pk
    assert User.objects.filter(email__iexact="officer@northvale.example").count() == 1
    assert SocialAccount.objects.filter(user=officer).count() == 1
    assert _membership(officer, northvale).role == Membership.Role.OFFICER  # kept


@pytest.mark.parametrize("make", [StaffFactory, PartnerMemberFactory, CompanyContactFactory])
def test_staff_and_partner_accounts_never_come_in_through_an_affiliate_idp(
    client, idp, northvale_sso, make
):
    account = make(email="someone@northvale.example")
    response = _sign_in(client, idp, "someone@northvale.example")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.filter(user=account).exists()


def test_an_unknown_domain_is_sent_back_to_passwords_without_naming_providers(
    client, northvale_sso
):
    response = client.post("/accounts/sso/", {"email": "someone@elsewhere.example"}, follow=True)
    page = response.content.decode()
    assert "Sign in with your e-mail address and password" in page
    assert "Northvale" not in page


def test_a_disabled_provider_is_not_offered(client, northvale_sso):
    SingleSignOn.objects.filter(pk=northvale_sso.pk).update(enabled=False)
    response = client.post("/accounts/sso/", {"email": "a@northvale.example"})
    assert response["Location"] == "/accounts/login/"
    callback = f"/accounts/oidc/{northvale_sso.app.provider_id}/login/callback/"
    assert client.get(callback).status_code == 404


def test_the_client_secret_is_stored_encrypted_and_not_on_allauths_app(northvale_sso):
    assert SocialApp.objects.get(pk=northvale_sso.app_id).secret == ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret FROM affiliates_singlesignon WHERE id = %s", [northvale_sso.pk]
        )
        stored = cursor.fetchone()[0]
    assert CLIENT_SECRET not in stored
    assert SingleSignOn.objects.get(pk=northvale_sso.pk).client_secret == CLIENT_SECRET


def test_an_existing_account_removed_from_the_affiliate_is_not_placed_again(
    client, idp, northvale, northvale_sso
):
    former = UserFactory(email="former@northvale.example")  # an admin removed their membership
    response = _sign_in(client, idp, "former@northvale.example")
    assert response.status_code == 302, response.content
    assert int(client.session["_auth_user_id"]) == former.pk
    assert _membership(former, northvale) is None


def test_an_unreachable_provider_sends_back_to_the_login_page_with_a_message(
    client, northvale, caplog
):
    """The discovery document cannot be fetched (nothing listens on the port): no server
    error, the login page says so, and the log names the affiliate, never the person."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.OIDC,
        domains=["northvale.example"],
        server_url=f"http://127.0.0.1:{port}",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    with caplog.at_level("WARNING", logger="affiliates.views_sso"):
        response = client.post("/accounts/sso/", {"email": "ana@northvale.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    page = client.get(response["Location"]).content.decode()
    assert "sign-in service cannot be reached just now" in page
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "ana" not in caplog.text
    assert f"affiliate {northvale.pk} " in caplog.text
