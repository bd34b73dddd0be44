"""The dashboards' figures kept in the read-model cache (core/readmodel.py): a page served from
the cache is the page computed afresh, an entry is never shared between tenants, a page view
renews nothing, and a committed write shows at once.

The data are committed (a transactional test): inside a transaction that wrote domain data
the cache is neither read nor filled."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core import readmodel
from monitoring.models import Severity
from tests.factories import (
    FactoryFactory,
    RemediationActionFactory,
    in_supply_chain,
    joined_case,
    published_finding,
)
from tests.reports.test_dashboards import supply_chain_with_findings

pytestmark = pytest.mark.django_db(transaction=True)


def dashboard(affiliate):
    return reverse("reports:dashboard", kwargs={"affiliate_slug": affiliate.slug})


def page(client, url) -> tuple[str, int]:
    """The page without its per-request tokens, and how many queries it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    body = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", body)
    body = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", body)
    body = re.sub(r'nonce="[^"]+"', 'nonce=""', body)
    return body, len(captured)


def southport_chain(southport):
    with scopes_disabled():
        plant = FactoryFactory(name="Southport Only Plant", latitude=1, longitude=2)
        in_supply_chain(southport, plant)
        published_finding(plant, severity=Severity.LOW)
        case = joined_case(southport, factory=plant)
        RemediationActionFactory(case=case, due_date=timezone.localdate() - timedelta(days=3))


def test_cached_dashboards_are_the_pages_computed_afresh(
    client, settings, monkeypatch, staff, northvale, northvale_officer, southport, southport_officer
):
    plant_a, _b, _c = supply_chain_with_findings(northvale)
    with scopes_disabled():
        case = joined_case(northvale, factory=plant_a)
        RemediationActionFactory(case=case, due_date=timezone.localdate() - timedelta(days=10))
    southport_chain(southport)
    readers = [
        (northvale_officer, dashboard(northvale)),
        (southport_officer, dashboard(southport)),
        (staff, reverse("reports:staff_dashboard")),
    ]
    cache.clear()
    settings.EW_READMODEL_CACHE = False
    fresh = {}
    for user, url in readers:
        client.force_login(user)
        fresh[url] = page(client, url)

    settings.EW_READMODEL_CACHE = True
    entries = []
    cached = readmodel.cached

    def spy(name, parts, compute):
        entries.append((name, parts))
        return cached(name, parts, compute)

    monkeypatch.setattr(readmodel, "cached", spy)
    token = readmodel.generation()
    assert token is not None
    for user, url in readers:
        client.force_login(user)
        filled, filling_queries = page(client, url)
        served, served_queries = page(client, url)
        assert filled == served == fresh[url][0]
        assert served_queries < filling_queries  # served from the cache
    assert readmodel.generation() == token  # viewing a dashboard renews nothing

    # One entry per tenant: Southport's page never shows Northvale's plants, nor the reverse.
    affiliate_parts = {parts for name, parts in entries if name == "dashboard-affiliate"}
    assert len(affiliate_parts) == 2
    assert {parts[1] for parts in affiliate_parts} == {northvale.pk, southport.pk}
    client.force_login(southport_officer)
    body, _queries = page(client, dashboard(southport))
    assert "Southport Only Plant" in body and "Plant A" not in body
    client.force_login(northvale_officer)
    body, _queries = page(client, dashboard(northvale))
    assert "Plant A" in body and "Southport Only Plant" not in body


def test_a_committed_write_shows_on_the_next_view(client, settings, northvale, northvale_officer):
    settings.EW_READMODEL_CACHE = True
    supply_chain_with_findings(northvale)
    client.force_login(northvale_officer)
    before, _queries = page(client, dashboard(northvale))
    assert "Plant D" not in before
    with scopes_disabled():
        plant_d = FactoryFactory(name="Plant D", latitude=3, longitude=4)
        in_supply_chain(northvale, plant_d)
        published_finding(plant_d, severity=Severity.CRITICAL)
    after, _queries = page(client, dashboard(northvale))
    assert "Plant D: most severe open finding: Critical" in after
