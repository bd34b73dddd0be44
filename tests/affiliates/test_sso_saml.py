# ruff: noqa: E501 (the SAML response, written out as an IdP sends it)
"""Single sign-on through SAML 2.0: a response signed in the test, posted to the ACS.

The IdP's key and self-signed certificate are made here with `cryptography`; the assertion is
signed with xmlsec through python3-saml's own utilities, as an IdP would sign it.
"""

import base64
import re
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client
from django_scopes import scopes_disabled
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from affiliates.models import Membership, SingleSignOn, User
from affiliates.sso import sso_save
from tests.factories import StaffFactory, member

pytestmark = pytest.mark.django_db

IDP_ENTITY = "https://idp.northvale.example/saml"


def _key_and_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.northvale.example")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def client():
    """python3-saml reads the Host header, which browsers always send and Django's client not
    (and wants a dotted name or localhost)."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture(scope="module")
def idp_keys():
    return _key_and_cert()


@pytest.fixture
def northvale_saml(northvale, idp_keys):
    return sso_save(
        affiliate=northvale,
        protocol=SingleSignOn.Protocol.SAML,
        domains=["northvale.example"],
        idp_entity_id=IDP_ENTITY,
        sso_url="https://idp.northvale.example/sso",
        x509cert=idp_keys[1],
    )


def _instant(delta=timedelta()):
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def _response(*, acs, audience, request_id, email, key=None, cert=None) -> str:
    """A SAML response for `email`; its assertion signed when `key` is given."""
    assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_a{request_id[1:]}" Version="2.0" IssueInstant="{_instant()}">
<saml:Issuer>{IDP_ENTITY}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">person-{email}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{_instant(timedelta(minutes=5))}" Recipient="{acs}" InResponseTo="{request_id}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{_instant(-timedelta(minutes=1))}" NotOnOrAfter="{_instant(timedelta(minutes=5))}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_instant()}" SessionIndex="_session1">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="mail"><saml:AttributeValue>{email}</saml:AttributeValue></saml:Attribute>
</saml:AttributeStatement>
</saml:Assertion>"""
    if key is not None:
        assertion = OneLogin_Saml2_Utils.add_sign(assertion, key, cert).decode()
        assertion = re.sub(r"^<\?xml[^>]*>\s*", "", assertion)
    return f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r{request_id[1:]}" Version="2.0" IssueInstant="{_instant()}" Destination="{acs}" InResponseTo="{request_id}">
<saml:Issuer>{IDP_ENTITY}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
{assertion}
</samlp:Response>"""


def _start(client, email):
    """Our start page sends the browser to the IdP with an AuthnRequest: its id and ACS."""
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        "https://idp.northvale.example/sso"
    )
    request_xml = zlib.decompress(
        base64.b64decode(parse_qs(location.query)["SAMLRequest"][0]), -15
    ).decode()
    request_id = re.search(r' ID="([^"]+)"', request_xml).group(1)
    acs = re.search(r'AssertionConsumerServiceURL="([^"]+)"', request_xml).group(1)
    return request_id, acs


def _post_to_acs(client, sso, xml):
    acs_path = f"/accounts/saml/{sso.app.client_id}/acs/"
    response = client.post(acs_path, {"SAMLResponse": base64.b64encode(xml.encode()).decode()})
    assert response.status_code == 302
    return client.get(response["Location"])


def _sign_in(client, sso, idp_keys, email, *, sign=True, tamper=None):
    request_id, acs = _start(client, email)
    audience = f"http://localhost/accounts/saml/{sso.app.client_id}/metadata/"
    key, cert = idp_keys if sign else (None, None)
    xml = _response(
        acs=acs, audience=audience, request_id=request_id, email=email, key=key, cert=cert
    )
    if tamper:
        xml = tamper(xml)
    return _post_to_acs(client, sso, xml)


def test_a_signed_response_creates_the_person_as_a_viewer(
    client, northvale, northvale_saml, idp_keys
):
    response = _sign_in(client, northvale_saml, idp_keys, "Jo.Smith@northvale.example")
    assert response.status_code == 302, response.content
    user = User.objects.get(email="jo.smith@northvale.example")
    assert int(client.session["_auth_user_id"]) == user.pk
    with scopes_disabled():
        assert Membership.objects.get(user=user, affiliate=northvale).role == "viewer"


def test_an_existing_member_is_connected(client, northvale, northvale_saml, idp_keys):
    admin = member(northvale, Membership.Role.ADMIN, email="boss@northvale.example")
    response = _sign_in(client, northvale_saml, idp_keys, "boss@northvale.example")
    assert response.status_code == 302, response.content
    assert int(client.session["_auth_user_id"]) == admin.pk
    assert User.objects.filter(email="boss@northvale.example").count() == 1


def test_a_tampered_response_is_refused(client, northvale_saml, idp_keys):
    def other_person(xml):
        return xml.replace("victim@northvale.example", "intruder@northvale.example")

    _sign_in(client, northvale_saml, idp_keys, "victim@northvale.example", tamper=other_person)
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email__endswith="@northvale.example").exists()


def test_an_unsigned_response_is_refused(client, northvale_saml, idp_keys):
    _sign_in(client, northvale_saml, idp_keys, "someone@northvale.example", sign=False)
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="someone@northvale.example").exists()


def test_a_response_signed_by_another_key_is_refused(client, northvale_saml):
    _sign_in(client, northvale_saml, _key_and_cert(), "someone@northvale.example")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email="someone@northvale.example").exists()


def test_the_idp_is_trusted_for_its_own_domains_only(client, northvale_saml, idp_keys):
    request_id, acs = _start(client, "someone@northvale.example")
    audience = f"http://localhost/accounts/saml/{northvale_saml.app.client_id}/metadata/"
    xml = _response(
        acs=acs,
        audience=audience,
        request_id=request_id,
        email="dean@southport.example",
        key=idp_keys[0],
        cert=idp_keys[1],
    )
    response = _post_to_acs(client, northvale_saml, xml)
    assert response.status_code == 403
    assert not User.objects.filter(email="dean@southport.example").exists()


def test_ew_staff_never_come_in_through_an_affiliate_idp(client, northvale_saml, idp_keys):
    StaffFactory(email="staffer@northvale.example")
    response = _sign_in(client, northvale_saml, idp_keys, "staffer@northvale.example")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_our_metadata_is_published_for_the_idp_admin(client, northvale_saml):
    response = client.get(f"/accounts/saml/{northvale_saml.app.client_id}/metadata/")
    assert response.status_code == 200
    assert b"AssertionConsumerService" in response.content
