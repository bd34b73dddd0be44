"""The affiliate findings list takes its capped count from the read-model cache (per affiliate
and filter, until the data change): the page is the same with the cache as without it, and
two tenants, or two filters, never share an entry."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import readmodel
from tests.factories import in_supply_chain, published_finding

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(northvale, southport):
    for severity in ("low", "high", "high"):
        finding = published_finding(severity=severity)
        in_supply_chain(northvale, finding.report.factory)
    in_supply_chain(southport, published_finding(severity="high").report.factory)


@pytest.fixture
def a_generation(monkeypatch):
    """A generation that stays (the test's transaction has written: no token otherwise)."""
    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")


def _page(client, user, slug, **params):
    client.force_login(user)
    url = reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": slug})
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    return page.paginator.count, [f.pk for f in page.object_list], page.has_next()


def test_the_cached_page_equals_the_uncached_one(
    client, settings, findings, northvale_officer, a_generation
):
    settings.EW_READMODEL_CACHE = False
    uncached = [
        _page(client, northvale_officer, "northvale"),
        _page(client, northvale_officer, "northvale", severity="high"),
    ]
    settings.EW_READMODEL_CACHE = True
    for _ in range(2):  # filled, then read
        cached = [
            _page(client, northvale_officer, "northvale"),
            _page(client, northvale_officer, "northvale", severity="high"),
        ]
        assert cached == uncached
    assert [count for count, _rows, _more in cached] == [3, 2]


def test_two_tenants_and_two_filters_never_share_an_entry(
    client, findings, northvale_officer, southport_officer, a_generation
):
    assert _page(client, northvale_officer, "northvale")[0] == 3
    assert _page(client, southport_officer, "southport")[0] == 1
    assert _page(client, northvale_officer, "northvale", severity="low")[0] == 1
    assert _page(client, northvale_officer, "northvale", severity="high")[0] == 2
    assert _page(client, southport_officer, "southport", severity="high")[0] == 1
    assert _page(client, northvale_officer, "northvale")[0] == 3


def _choices(client, user, slug):
    client.force_login(user)
    url = reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": slug})
    filters = client.get(url).context["filters"]
    return (
        [(value, str(label)) for value, label in filters.fields["severity"].choices],
        [(str(value), label) for value, label in filters.fields["standard"].choices],
    )


def test_the_filters_choices_are_the_same_cached_and_per_tenant(
    client, settings, findings, northvale_officer, southport_officer, a_generation
):
    """The filter's counts are kept in the read-model cache too (per affiliate)."""
    settings.EW_READMODEL_CACHE = False
    uncached = _choices(client, northvale_officer, "northvale")
    assert [label for _value, label in uncached[0]] == ["Any", "Low (1)", "High (2)"]
    settings.EW_READMODEL_CACHE = True
    assert _choices(client, northvale_officer, "northvale") == uncached  # filled
    assert _choices(client, northvale_officer, "northvale") == uncached  # read
    southport = _choices(client, southport_officer, "southport")
    assert [label for _value, label in southport[0]] == ["Any", "High (1)"]
