"""The findings and reports API take an affiliate's capped count from the read-model cache
(per affiliate and query parameters, until the data change): the answer is the same with the
cache as without it, and two tenants, or two filters, never share an entry."""

import pytest
from django.core.cache import cache

from core import readmodel
from tests.factories import in_supply_chain, published_finding

pytestmark = pytest.mark.django_db

FINDINGS = "/api/v1/findings/"


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


def _list(client, user, url=FINDINGS, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response.json()


def test_the_cached_answer_equals_the_uncached_one(
    client, settings, findings, northvale_officer, a_generation
):
    settings.EW_READMODEL_CACHE = False
    uncached = [
        _list(client, northvale_officer),
        _list(client, northvale_officer, severity="high"),
        _list(client, northvale_officer, "/api/v1/monitoring-reports/"),
    ]
    settings.EW_READMODEL_CACHE = True
    for _ in range(2):  # filled, then read
        cached = [
            _list(client, northvale_officer),
            _list(client, northvale_officer, severity="high"),
            _list(client, northvale_officer, "/api/v1/monitoring-reports/"),
        ]
        assert cached == uncached
    assert [body["count"] for body in cached] == [3, 2, 3]


def test_two_tenants_and_two_filters_never_share_an_entry(
    client, findings, northvale_officer, southport_officer, a_generation
):
    assert _list(client, northvale_officer)["count"] == 3
    assert _list(client, southport_officer)["count"] == 1
    assert _list(client, northvale_officer, severity="low")["count"] == 1
    assert _list(client, northvale_officer, severity="high")["count"] == 2
    assert _list(client, southport_officer, severity="high")["count"] == 1
    assert _list(client, northvale_officer)["count"] == 3
