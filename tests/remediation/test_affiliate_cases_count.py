"""The affiliate cases list takes its capped count from the read-model cache (per affiliate,
until the data change): the same page with the cache as without it, never shared by tenants."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import readmodel
from tests.factories import RemediationCaseFactory, in_supply_chain, joined_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(northvale, southport):
    joined_case(northvale)
    for _ in range(2):
        in_supply_chain(northvale, RemediationCaseFactory().factory)
    in_supply_chain(southport, RemediationCaseFactory().factory)


@pytest.fixture
def a_generation(monkeypatch):
    """A generation that stays (the test's transaction has written: no token otherwise)."""
    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")


def _page(client, user, slug):
    client.force_login(user)
    response = client.get(reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": slug}))
    assert response.status_code == 200
    page = response.context["page_obj"]
    return page.paginator.count, [(c.pk, c.joined) for c in page.object_list]


def test_the_cached_count_equals_the_uncached_one_and_is_the_tenants_own(
    client, settings, cases, northvale_officer, southport_officer, a_generation
):
    settings.EW_READMODEL_CACHE = False
    uncached = _page(client, northvale_officer, "northvale")
    settings.EW_READMODEL_CACHE = True
    assert _page(client, northvale_officer, "northvale") == uncached
    assert _page(client, northvale_officer, "northvale") == uncached
    assert uncached[0] == 3 and uncached[1][0][1] is True
    assert _page(client, southport_officer, "southport")[0] == 1
