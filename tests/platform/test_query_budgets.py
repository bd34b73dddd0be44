"""Every list page and API list keeps a query budget that does not grow with its rows."""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from tests.factories import AffiliateFactory, MembershipFactory, member

LISTS = [
    ("/a/northvale/members/", 14),
    ("/api/v1/memberships/", 8),
    ("/api/v1/affiliates/", 8),
]


@pytest.mark.parametrize(("url", "budget"), LISTS)
def test_affiliate_lists_stay_within_budget(
    client, northvale, url, budget, django_assert_max_num_queries
):
    admin = member(northvale, Membership.Role.ADMIN)
    client.force_login(admin)
    with scopes_disabled():
        MembershipFactory.create_batch(3, affiliate=northvale)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    with scopes_disabled():
        MembershipFactory.create_batch(40, affiliate=northvale)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_staff_affiliate_list_stays_within_budget(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    AffiliateFactory.create_batch(3)
    with django_assert_max_num_queries(12):
        assert client.get("/staff/affiliates/").status_code == 200
    AffiliateFactory.create_batch(60)
    with django_assert_max_num_queries(12):
        response = client.get("/staff/affiliates/")
    assert response.status_code == 200
    assert "Page 1 of 2" in response.content.decode()
