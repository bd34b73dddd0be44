import re

import pytest
from django_scopes import ScopeError, scope, scopes_disabled

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


def test_a_request_reads_its_users_memberships_once_and_anew_after_a_write(
    northvale, southport, northvale_officer, django_assert_num_queries
):
    """affiliates.tenancy.memberships_of: once per user within `memberships_read_once` (a
    request: TenantMiddleware), from the database each time outside it; a save or deletion
    of a membership or an affiliate in the request is read."""
    from affiliates.tenancy import (
        is_member_of_an_active_affiliate,
        memberships_of,
        memberships_read_once,
    )

    def slugs():
        return [m.affiliate.slug for m in memberships_of(northvale_officer)]

    with django_assert_num_queries(2):
        assert slugs() == ["northvale"]
        assert is_member_of_an_active_affiliate(northvale_officer)
    with memberships_read_once():
        with django_assert_num_queries(1):
            assert is_member_of_an_active_affiliate(northvale_officer)
            assert slugs() == ["northvale"]
            assert slugs() == ["northvale"]
        added = MembershipFactory(user=northvale_officer, affiliate=southport)
        assert slugs() == ["northvale", "southport"]
        northvale.is_active = False
        northvale.save()
        assert slugs() == ["southport"]
        with scopes_disabled():
            added.delete()
        assert slugs() == []
        assert not is_member_of_an_active_affiliate(northvale_officer)
    northvale.is_active = True
    northvale.save()
    assert slugs() == ["northvale"]


def test_a_page_reads_the_memberships_once(client, northvale_officer, django_assert_num_queries):
    """/learn/events/ asks whether the user belongs to an active affiliate (who reads which
    event) and the layout's navigation lists the memberships: one query for both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(northvale_officer)
    client.get("/learn/events/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/learn/events/").status_code == 200
    membership_reads = [q for q in queries if '"affiliates_membership"' in q["sql"]]
    assert len(membership_reads) == 1
