"""Choice filters offer only the values in the viewer's rows, with counts (core/filters.py),
on the contract, disclosure and case lists; another tenant's rows are never counted."""

import re

import pytest
from django_countries import countries
from django_scopes import scopes_disabled

from core.filters import list_counts, present_choices
from suppliers.models import Contract, Factory
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    FactoryFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _options(page: str, select_id: str) -> list[str]:
    select = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[1:]]


def test_present_choices_keep_the_order_of_the_choices_and_count_each_row_once():
    FactoryFactory.create_batch(2, country="VN")
    FactoryFactory(country="TH")
    choices = present_choices(Factory.objects.all(), "country", countries, empty_label="All")
    assert choices == [("", "All"), ("TH", "Thailand (1)"), ("VN", "Vietnam (2)")]


def test_list_counts_count_the_rows_that_hold_each_value(northvale):
    with scopes_disabled():
        ContractFactory(affiliate=northvale, product_categories=["tablets", "phones"])
        ContractFactory(affiliate=northvale, product_categories=["tablets"])
        [categories] = list_counts(Contract.objects.all(), "product_categories")
    assert categories == {"tablets": 2, "phones": 1}


def test_counts_read_at_most_the_limit_and_say_nothing_beyond_it(settings):
    """One query, LIMIT limit + 1, no ORDER BY: at the limit the counts are exact; one row more
    and every choice is offered without a count (never a wrong one)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EW_FILTER_COUNT_LIMIT = 3
    FactoryFactory.create_batch(2, country="VN")
    FactoryFactory(country="TH")
    with CaptureQueriesContext(connection) as queries:
        choices = present_choices(Factory.objects.all(), "country", countries, empty_label="All")
    assert choices == [("", "All"), ("TH", "Thailand (1)"), ("VN", "Vietnam (2)")]
    [query] = queries.captured_queries
    assert query["sql"].endswith("LIMIT 4") and "ORDER BY" not in query["sql"]

    FactoryFactory(country="VN")
    choices = present_choices(Factory.objects.all(), "country", countries, empty_label="All")
    assert len(choices) == 1 + len(countries)  # every country: which are held is not known
    assert ("VN", "Vietnam") in choices
    assert not any(re.search(r"\(\d+\)$", str(label)) for _v, label in choices)
    assert list_counts(Factory.objects.all(), "country") is None


def test_a_row_joined_twice_counts_once(northvale):
    with scopes_disabled():
        ContractFactory(affiliate=northvale, product_categories=["tablets", "phones"])
        [categories, names] = list_counts(
            Contract.objects.all(), "product_categories", "contractor__name"
        )
    assert categories == {"tablets": 1, "phones": 1}
    assert sum(names.values()) == 1


def test_capped_filters_on_list_pages_offer_every_choice(
    client, northvale, northvale_officer, settings
):
    settings.EW_FILTER_COUNT_LIMIT = 1
    with scopes_disabled():
        DisclosureFactory.create_batch(2, contract__affiliate=northvale, status="requested")
        ContractFactory.create_batch(2, affiliate=northvale, product_categories=["tablets"])
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/disclosures/").content.decode()
    statuses = _options(page, "id_status")
    assert "Requested" in statuses and "Accepted" in statuses
    assert not any(re.search(r"\(\d+\)$", option) for option in statuses)
    contracts = client.get("/a/northvale/contracts/").content.decode()
    assert "Tablets" in _options(contracts, "id_category")
    assert any(o.startswith("Servers") for o in _options(contracts, "id_category"))


def test_contract_filters_offer_own_categories_and_contractors_with_counts(
    client, northvale, southport, northvale_officer
):
    northern = SupplierFactory(name="Northern IT")
    with scopes_disabled():
        ContractFactory.create_batch(
            2, affiliate=northvale, product_categories=["tablets"], contractor=northern
        )
        ContractFactory(
            affiliate=southport, product_categories=["servers"], contractor__name="Secret Co"
        )
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/contracts/").content.decode()
    assert _options(page, "id_category") == ["Any", "Tablets (2)"]
    # The contractor is typed, with suggestions (core.forms.SearchableModelChoiceField).
    assert "Secret Co" not in page and "Servers" not in page


def test_disclosure_and_case_filters_offer_present_statuses(client, northvale, northvale_officer):
    with scopes_disabled():
        DisclosureFactory(contract__affiliate=northvale, status="accepted")
        DisclosureFactory.create_batch(2, contract__affiliate=northvale, status="requested")
    RemediationCaseFactory.create_batch(3)
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/disclosures/").content.decode()
    assert _options(page, "id_status") == ["All", "Requested (2)", "Accepted (1)", "Overdue"]
    client.force_login(StaffFactory())
    cases = client.get("/staff/cases/").content.decode()
    assert _options(cases, "id_status") == ["Any", "Opened (3)"]
