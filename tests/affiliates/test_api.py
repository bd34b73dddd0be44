import re

from django_scopes import scopes_disabled

from affiliates.models import ApiToken as AuthToken
from affiliates.models import Membership
from tests.factories import member


def _create_token(client):
    response = client.post("/account/tokens/", {"name": "Export script", "scope": "read"})
    assert response.status_code == 200
    return re.search(r'value="(ew_[^"]+)"', response.content.decode()).group(1)


def test_token_is_shown_once_and_authenticates_api_calls(client, northvale_officer):
    client.force_login(northvale_officer)
    token = _create_token(client)
    assert token not in client.get("/account/tokens/").content.decode()
    stored = AuthToken.objects.get(user=northvale_officer)
    assert token not in (stored.digest, stored.token_key)

    api = client.__class__()
    response = api.get("/api/v1/memberships/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [m["email"] for m in response.json()["results"]] == ["officer@northvale.example"]


def test_invalid_token_is_refused_with_401(client, db):
    response = client.get("/api/v1/memberships/", HTTP_AUTHORIZATION="Token ew_nonsense")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_revoked_token_stops_working(client, northvale_officer):
    client.force_login(northvale_officer)
    token = _create_token(client)
    key = AuthToken.objects.get().token_key
    response = client.post("/account/tokens/", {"revoke": key}, follow=True)
    assert "The token was revoked" in response.content.decode()
    api = client.__class__()
    assert api.get("/api/v1/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_token_count_is_limited_with_a_clear_message(client, northvale_officer):
    client.force_login(northvale_officer)
    for _ in range(10):
        _create_token(client)
    response = client.post("/account/tokens/", {"name": "Eleventh", "scope": "read"})
    assert response.status_code == 400
    assert "You have 10 tokens already" in response.content.decode()
    assert AuthToken.objects.count() == 10


def test_api_root_lists_the_resources(client, northvale_officer):
    client.force_login(northvale_officer)
    body = client.get("/api/v1/").json()
    assert {"affiliates", "memberships"} <= set(body)


def test_schema_and_docs_are_served_without_a_cdn(client, northvale_officer):
    client.force_login(northvale_officer)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/memberships/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_user_in_several_affiliates_must_name_one(client, northvale, southport):
    user = member(northvale, Membership.Role.OFFICER)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role="viewer")
    client.force_login(user)
    response = client.get("/api/v1/memberships/")
    assert response.status_code == 400
    assert "name one with ?affiliate=<slug>" in response.json()["affiliate"]
    response = client.get("/api/v1/memberships/?affiliate=southport")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_naming_an_affiliate_one_is_not_member_of_is_404(client, northvale_officer, southport):
    client.force_login(northvale_officer)
    response = client.get("/api/v1/memberships/?affiliate=southport")
    assert response.status_code == 404


def test_affiliates_endpoint_lists_own_affiliates_with_role(client, northvale_officer, southport):
    client.force_login(northvale_officer)
    body = client.get("/api/v1/affiliates/").json()
    assert [(a["slug"], a["role"]) for a in body["results"]] == [("northvale", "officer")]
