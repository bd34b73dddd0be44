"""The affiliate's and the lead partner's lists of cases filter by status, as staff's does:
a labelled select offering the statuses their own cases hold, with counts; a bad value is
explained and the list shown unfiltered; the page's query count does not grow with rows."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import RemediationCaseFactory, in_supply_chain, joined_case

pytestmark = pytest.mark.django_db


def _affiliate_url(slug="northvale"):
    return reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": slug})


PARTNER_URL = "/partner/cases/"


@pytest.fixture
def affiliate_cases(northvale, southport):
    """Northvale: one joined case in progress, one opened case in its supply chain; Southport
    holds a stalled case Northvale must not count."""
    in_progress = joined_case(northvale, status="in_progress", title="Wages paid late")
    opened = RemediationCaseFactory(title="Passports held")
    in_supply_chain(northvale, opened.factory)
    in_supply_chain(southport, RemediationCaseFactory(status="stalled").factory)
    return in_progress, opened


@pytest.fixture
def partner_cases(partner_member):
    partner = partner_member.partner_membership.partner
    mine = [
        RemediationCaseFactory(lead_partner=partner, status="in_progress", title="Overtime"),
        RemediationCaseFactory(lead_partner=partner, status="closed", title="Fees repaid"),
    ]
    RemediationCaseFactory(status="escalated", title="Another partner's case")
    return mine


def _options(page: str) -> list[str]:
    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', page, re.S)
    assert select, "no status filter"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def _listed(response) -> list[str]:
    return [case.title for case in response.context["cases"]]


def test_the_affiliate_filters_its_cases_by_status(client, northvale_officer, affiliate_cases):
    client.force_login(northvale_officer)
    page = client.get(_affiliate_url()).content.decode()
    assert '<label for="id_status">Status</label>' in page
    assert 'role="search" aria-label="Filter cases"' in page
    assert _options(page) == ["Any", "Opened (1)", "In progress (1)"]  # not Southport's
    assert _listed(client.get(_affiliate_url(), {"status": "in_progress"})) == ["Wages paid late"]
    assert _listed(client.get(_affiliate_url(), {"status": "opened"})) == ["Passports held"]
    unfiltered = client.get(_affiliate_url())
    assert sorted(_listed(unfiltered)) == ["Passports held", "Wages paid late"]
    assert unfiltered.context["page_obj"].paginator.count == 2


def test_the_affiliates_count_follows_the_filter_with_the_cache(
    client, settings, northvale_officer, affiliate_cases, monkeypatch
):
    from django.core.cache import cache

    from core import readmodel

    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")
    settings.EW_READMODEL_CACHE = True
    client.force_login(northvale_officer)
    assert client.get(_affiliate_url()).context["page_obj"].paginator.count == 2
    filtered = client.get(_affiliate_url(), {"status": "opened"})
    assert filtered.context["page_obj"].paginator.count == 1
    assert client.get(_affiliate_url()).context["page_obj"].paginator.count == 2


def test_the_partners_count_follows_the_filter_with_the_cache(
    client, settings, partner_member, partner_cases, monkeypatch
):
    from django.core.cache import cache

    from core import readmodel

    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")
    settings.EW_READMODEL_CACHE = True
    client.force_login(partner_member)
    assert client.get(PARTNER_URL).context["page_obj"].paginator.count == 2
    assert client.get(PARTNER_URL, {"status": "closed"}).context["page_obj"].paginator.count == 1
    assert client.get(PARTNER_URL).context["page_obj"].paginator.count == 2


def test_the_lead_partner_filters_its_cases_by_status(client, partner_member, partner_cases):
    client.force_login(partner_member)
    page = client.get(PARTNER_URL).content.decode()
    assert '<label for="id_status">Status</label>' in page
    assert _options(page) == ["Any", "In progress (1)", "Closed (1)"]
    assert _listed(client.get(PARTNER_URL, {"status": "closed"})) == ["Fees repaid"]
    assert sorted(_listed(client.get(PARTNER_URL))) == ["Fees repaid", "Overtime"]


@pytest.mark.parametrize("value", ["nonsense", "escalated"])  # escalated: another partner's
def test_a_bad_status_is_explained_and_the_partners_list_is_unfiltered(
    client, partner_member, partner_cases, value
):
    client.force_login(partner_member)
    response = client.get(PARTNER_URL, {"status": value})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Select a valid choice. {value} is not one of the available choices." in page
    assert 'class="error-summary" role="alert"' in page
    assert sorted(_listed(response)) == ["Fees repaid", "Overtime"]


def test_a_bad_status_is_explained_in_french_to_the_affiliate(
    client, northvale_officer, affiliate_cases
):
    northvale_officer.language = "fr"
    northvale_officer.save(update_fields=["language"])
    client.force_login(northvale_officer)
    response = client.get(_affiliate_url(), {"status": "stalled"})
    page = response.content.decode()
    with translation.override("fr"):
        assert "Sélectionnez un choix valide" in page
        assert '<label for="id_status">Statut</label>' in page
    assert sorted(_listed(response)) == ["Passports held", "Wages paid late"]


def test_the_export_follows_the_filter(client, partner_member, partner_cases):
    client.force_login(partner_member)
    response = client.get(PARTNER_URL, {"status": "closed", "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8-sig")
    assert "Fees repaid" in text and "Overtime" not in text


@pytest.mark.parametrize("rows", [2, 12])
def test_the_filtered_lists_keep_their_query_budget(
    client, northvale, northvale_officer, partner_member, django_assert_max_num_queries, rows
):
    partner = partner_member.partner_membership.partner
    for n in range(rows):
        joined_case(northvale, status="in_progress" if n % 2 else "opened")
        RemediationCaseFactory(lead_partner=partner, status="in_progress" if n % 2 else "closed")
    client.force_login(northvale_officer)
    for query in ("", "?status=in_progress", "?status=nonsense"):
        with django_assert_max_num_queries(14):
            assert client.get(_affiliate_url() + query).status_code == 200
    client.force_login(partner_member)
    for query in ("", "?status=in_progress", "?status=nonsense"):
        with django_assert_max_num_queries(12):
            assert client.get(PARTNER_URL + query).status_code == 200


def test_an_export_with_a_bad_status_is_refused(client, partner_member, partner_cases):
    client.force_login(partner_member)
    response = client.get(PARTNER_URL, {"status": "nonsense", "format": "csv"}, follow=True)
    assert "Nothing was exported: correct the filters first." in response.content.decode()
    assert response.get("Content-Type", "").startswith("text/html")
