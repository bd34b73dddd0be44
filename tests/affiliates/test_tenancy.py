import re

import pytest
from django_scopes import ScopeError, scope

from affiliates.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory


def test_tenant_models_refuse_queries_outside_a_scope(northvale):
    MembershipFactory(affiliate=northvale)
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Invitation.objects.filter(email="x@example.org").exists()


def test_a_scope_shows_only_its_affiliates_rows(northvale, southport):
    own = MembershipFactory(affiliate=northvale)
    MembershipFactory(affiliate=southport)
    InvitationFactory(affiliate=southport)
    with scope(affiliate=northvale):
        assert list(Membership.objects.all()) == [own]
        assert Invitation.objects.count() == 0


def test_unknown_and_foreign_affiliate_pages_look_the_same(client, northvale_officer, southport):
    client.force_login(northvale_officer)
    foreign = client.get("/a/southport/members/")
    missing = client.get("/a/no-such-place/members/")
    assert foreign.status_code == missing.status_code == 404

    def normalised(response, slug):
        """Per-response CSRF masks and the requested path aside, the pages are identical."""
        return re.sub(rb"[A-Za-z0-9]{64}", b"", response.content.replace(slug, b"SLUG"))

    assert normalised(foreign, b"southport") == normalised(missing, b"no-such-place")


def test_refusals_are_logged_with_user_and_affiliate(client, northvale_officer, southport, caplog):
    client.force_login(northvale_officer)
    client.get("/a/southport/members/")
    assert (
        f"authorisation denied: user={northvale_officer.pk} affiliate=southport what=affiliate page"
    ) in caplog.text


def test_signed_in_pages_are_not_cached(client, northvale_officer):
    client.force_login(northvale_officer)
    assert client.get("/a/northvale/")["Cache-Control"] == "private, no-store"


def test_a_newline_in_the_affiliate_asked_for_cannot_forge_a_log_line(
    client, northvale_officer, caplog
):
    client.force_login(northvale_officer)
    forged = "x\nauthorisation denied: user=1 affiliate=northvale what=forged"

    response = client.get("/api/v1/contracts/", {"affiliate": forged})

    assert response.status_code == 404
    refusals = [r.getMessage() for r in caplog.records if r.name == "ew.security"]
    assert refusals and all("\n" not in message for message in refusals)
    assert "affiliate=x\\nauthorisation denied" in refusals[-1]
