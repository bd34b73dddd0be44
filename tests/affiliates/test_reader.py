"""The reader: who is reading, as pages and the API resolve it (affiliates/reader.py)."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import ApiToken, Membership
from affiliates.reader import Reader, ReaderKind
from tests.factories import (
    PartnerMemberFactory,
    UserFactory,
    in_supply_chain,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db


def _token(user) -> str:
    return ApiToken.objects.create(user=user, name="test")[1]


# --- Pages ---------------------------------------------------------------------------------


def test_a_member_on_an_affiliate_page_reads_as_that_affiliate_with_its_role(
    client, northvale, southport
):
    user = member(northvale, Membership.Role.VIEWER)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role=Membership.Role.ADMIN)
    client.force_login(user)
    reader = client.get("/a/southport/").wsgi_request.reader
    assert reader.kind is ReaderKind.AFFILIATE
    assert reader.user == user
    assert reader.affiliate == southport
    assert reader.role == Membership.Role.ADMIN
    assert reader.partner_id is None
    assert client.get("/a/northvale/").wsgi_request.reader.role == Membership.Role.VIEWER


def test_staff_read_as_staff_outside_affiliate_pages(client, staff):
    client.force_login(staff)
    reader = client.get("/staff/").wsgi_request.reader
    assert reader.kind is ReaderKind.STAFF
    assert (reader.user, reader.affiliate, reader.membership) == (staff, None, None)


def test_a_partner_member_reads_as_its_organisation(client, partner_member):
    client.force_login(partner_member)
    reader = client.get("/partner/").wsgi_request.reader
    assert reader.kind is ReaderKind.PARTNER
    assert reader.partner_id == partner_member.partner_membership.partner_id
    assert reader.affiliate is None


def test_a_member_off_its_affiliate_pages_reads_no_affiliate(client, northvale_officer):
    client.force_login(northvale_officer)
    reader = client.get("/account/").wsgi_request.reader
    assert reader.kind is ReaderKind.AFFILIATE
    assert reader.affiliate is None
    assert not reader.is_affiliate


def test_an_anonymous_visitor_is_an_anonymous_reader(client, northvale):
    reader = client.get("/a/northvale/").wsgi_request.reader
    assert reader == Reader.anonymous()
    assert reader.user is None


def test_staff_who_are_also_members_read_an_affiliate_page_as_its_member(client, staff, northvale):
    with scopes_disabled():
        Membership.objects.create(user=staff, affiliate=northvale, role=Membership.Role.VIEWER)
    client.force_login(staff)
    reader = client.get("/a/northvale/").wsgi_request.reader
    assert reader.kind is ReaderKind.AFFILIATE
    assert not reader.is_staff


# --- The API, with a token (it authenticates inside DRF, after the middleware) -------------


def test_an_officers_token_reads_as_its_affiliate(client, northvale, northvale_officer):
    finding = published_finding()
    in_supply_chain(northvale, finding.report.factory)
    response = client.get(
        "/api/v1/findings/", HTTP_AUTHORIZATION=f"Token {_token(northvale_officer)}"
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [finding.pk]
    reader = response.wsgi_request.reader
    assert reader.kind is ReaderKind.AFFILIATE
    assert (reader.user, reader.affiliate) == (northvale_officer, northvale)
    assert reader.role == Membership.Role.OFFICER


def test_a_token_of_a_user_in_several_affiliates_reads_as_the_one_named(
    client, northvale, southport
):
    user = member(northvale)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role=Membership.Role.VIEWER)
    response = client.get(
        "/api/v1/findings/?affiliate=southport", HTTP_AUTHORIZATION=f"Token {_token(user)}"
    )
    assert response.status_code == 200
    assert response.wsgi_request.reader.affiliate == southport
    assert response.wsgi_request.reader.role == Membership.Role.VIEWER


def test_a_staff_token_reads_as_staff(client, staff):
    response = client.get("/api/v1/factories/", HTTP_AUTHORIZATION=f"Token {_token(staff)}")
    assert response.status_code == 200
    assert response.wsgi_request.reader.kind is ReaderKind.STAFF


def test_a_partner_token_reads_as_its_organisation(client):
    partner = PartnerMemberFactory()
    response = client.get(
        "/api/v1/monitoring-reports/", HTTP_AUTHORIZATION=f"Token {_token(partner)}"
    )
    assert response.status_code == 200
    reader = response.wsgi_request.reader
    assert reader.kind is ReaderKind.PARTNER
    assert reader.partner_id == partner.partner_membership.partner_id


def test_staff_and_partner_tokens_naming_an_affiliate_they_do_not_belong_to_read_as_themselves(
    client, staff, southport
):
    partner = PartnerMemberFactory()
    for user, path, kind in (
        (staff, "/api/v1/cases/", ReaderKind.STAFF),
        (partner, "/api/v1/monitoring-reports/", ReaderKind.PARTNER),
    ):
        response = client.get(
            path, {"affiliate": "southport"}, HTTP_AUTHORIZATION=f"Token {_token(user)}"
        )
        assert response.status_code == 200
        assert response.wsgi_request.reader.kind is kind


def test_a_session_on_the_api_is_resolved_like_a_token(client, northvale, northvale_officer):
    client.force_login(northvale_officer)
    reader = client.get("/api/v1/contracts/").wsgi_request.reader
    assert (reader.kind, reader.affiliate) == (ReaderKind.AFFILIATE, northvale)


# --- Tasks and e-mails, and users who may not read ----------------------------------------


def test_a_task_reads_for_an_affiliate_without_user_or_role(northvale):
    reader = Reader.for_affiliate(northvale)
    assert reader.is_affiliate
    assert (reader.user, reader.membership, reader.role) == (None, None, None)


def test_an_inactive_user_reads_nothing():
    assert Reader.of(UserFactory(is_active=False)) == Reader.anonymous()


def test_a_reader_reads_through_its_own_membership_only(northvale, northvale_officer):
    someone_else = UserFactory()
    with scopes_disabled():
        membership = Membership.objects.get(user=northvale_officer)
    with pytest.raises(ValueError):
        Reader.of(someone_else, membership)
