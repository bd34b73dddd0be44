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


def _supply_chain(affiliate, lines):
    from tests.factories import ContractFactory, DisclosureFactory, DisclosureLineFactory

    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=affiliate), status="accepted")
    DisclosureLineFactory.create_batch(lines, disclosure=disclosure)
    return disclosure


SUPPLY_CHAIN_LISTS = [
    ("/a/northvale/disclosures/", 14),
    ("/a/northvale/disclosures/{disclosure}/", 16),
    ("/a/northvale/factories/", 14),
    ("/api/v1/disclosures/", 8),
    ("/api/v1/disclosure-lines/", 8),
    ("/api/v1/factories/", 8),
    ("/api/v1/suppliers/", 8),
]


@pytest.mark.parametrize(("url", "budget"), SUPPLY_CHAIN_LISTS)
def test_supply_chain_lists_stay_within_budget(
    client, northvale, url, budget, django_assert_max_num_queries
):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    disclosure = _supply_chain(northvale, 3)
    with django_assert_max_num_queries(budget):
        assert client.get(url.format(disclosure=disclosure.pk)).status_code == 200
    _supply_chain(northvale, 5)
    from tests.factories import DisclosureLineFactory

    DisclosureLineFactory.create_batch(40, disclosure=disclosure)
    with django_assert_max_num_queries(budget):
        assert client.get(url.format(disclosure=disclosure.pk)).status_code == 200


STAFF_LISTS = [
    ("/staff/factories/", 12),
    ("/staff/factory-matches/", 12),
    ("/staff/factory-matches/waiting/", 12),
    ("/staff/suppliers/", 12),
    ("/api/v1/factories/", 8),
    ("/api/v1/suppliers/", 8),
]


@pytest.mark.parametrize(("url", "budget"), STAFF_LISTS)
def test_staff_supply_chain_lists_stay_within_budget(
    client, staff, northvale, southport, url, budget, django_assert_max_num_queries
):
    from suppliers.models import FactoryMatchReview
    from tests.factories import FactoryFactory

    client.force_login(staff)
    _supply_chain(northvale, 3)
    FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.6
    )
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _supply_chain(southport, 30)
    for _ in range(10):
        FactoryMatchReview.objects.create(
            factory=FactoryFactory(), candidate=FactoryFactory(), score=0.6
        )
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_staff_match_decisions_and_merges_stay_within_budget(
    client, staff, northvale, django_assert_max_num_queries
):
    from suppliers import services
    from suppliers.models import FactoryMatchReview
    from tests.factories import DisclosureLineFactory, FactoryFactory

    def decide(count):
        for _ in range(count):
            review = FactoryMatchReview.objects.create(
                factory=FactoryFactory(), candidate=kept, score=0.6
            )
            DisclosureLineFactory(disclosure=disclosure, factory=review.factory)
            services.match_review_decide(review=review, same=True, by=staff)

    client.force_login(staff)
    disclosure = _supply_chain(northvale, 1)
    kept = FactoryFactory()
    decide(2)
    urls = ["/staff/factory-matches/decided/", f"/staff/factories/{kept.pk}/"]
    for url in urls:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    decide(30)
    for url in [*urls, f"/staff/factory-merges/{kept.merges_in.first().pk}/undo/"]:
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_contractor_link_page_stays_within_budget(client, northvale, django_assert_max_num_queries):
    from django.utils import timezone

    from affiliates.models import token_digest
    from suppliers.models import Disclosure
    from tests.factories import (
        ContractFactory,
        DisclosureFactory,
        DisclosureLineFactory,
    )

    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=northvale))
    with scopes_disabled():
        Disclosure.objects.filter(pk=disclosure.pk).update(
            contractor_token_digest=token_digest("the-token"),
            contractor_token_expires_at=timezone.now() + timezone.timedelta(days=3),
        )
    DisclosureLineFactory.create_batch(3, disclosure=disclosure)
    with django_assert_max_num_queries(8):
        assert client.get("/disclose/the-token/").status_code == 200
    DisclosureLineFactory.create_batch(40, disclosure=disclosure)
    with django_assert_max_num_queries(8):
        assert client.get("/disclose/the-token/").status_code == 200


@pytest.mark.parametrize(
    ("url", "budget"),
    [("/a/northvale/disclosures/{disclosure}/", 18), ("/api/v1/disclosure-uploads/", 8)],
)
def test_large_uploads_stay_within_budget(
    client, northvale, url, budget, django_assert_max_num_queries
):
    from tests.factories import DisclosureUploadFactory

    client.force_login(member(northvale, Membership.Role.OFFICER))
    disclosure = _supply_chain(northvale, 3)
    DisclosureUploadFactory.create_batch(2, disclosure=disclosure)
    with django_assert_max_num_queries(budget):
        assert client.get(url.format(disclosure=disclosure.pk)).status_code == 200
    DisclosureUploadFactory.create_batch(12, disclosure=disclosure)
    with django_assert_max_num_queries(budget):
        assert client.get(url.format(disclosure=disclosure.pk)).status_code == 200
