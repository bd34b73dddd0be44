"""The API lists of the registry keep their capped count in the read-model cache
(`affiliates.tenancy.CachedCountAPIMixin`): a count served from the cache is the count
computed afresh, is never another reader's, and a committed write shows at once.

The data are committed (a transactional test): inside a transaction that wrote domain data
the cache is neither read nor filled."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.factories import DisclosureFactory, FactoryFactory, in_supply_chain

pytestmark = pytest.mark.django_db(transaction=True)


def listed(client, name, **params) -> tuple[int, list[int], list[str]]:
    """The list's count, its rows' ids, and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    body = response.json()
    return (
        body["count"],
        [row["id"] for row in body["results"]],
        [q["sql"] for q in captured.captured_queries],
    )


def counted(queries: list[str]) -> bool:
    return any("COUNT(" in sql for sql in queries)


def test_a_cached_factory_count_is_exact_per_reader_and_renewed_by_a_write(
    client, staff, northvale, northvale_officer, southport, southport_officer
):
    with scopes_disabled():
        ours = [FactoryFactory(name=f"Northvale plant {n}") for n in range(3)]
        for plant in ours:
            in_supply_chain(northvale, plant)
        in_supply_chain(southport, ours[0])

    client.force_login(northvale_officer)
    first = listed(client, "factory-list")
    again = listed(client, "factory-list")
    assert first[:2] == again[:2] == (3, sorted(p.pk for p in ours))
    assert counted(first[2]) and not counted(again[2]), "the second count comes from the cache"
    filtered = listed(client, "factory-list", q="plant 1")
    assert filtered[:2] == (1, [ours[1].pk]), "the filters are part of the entry"

    client.force_login(southport_officer)
    assert listed(client, "factory-list")[:2] == (1, [ours[0].pk])

    with scopes_disabled():  # a committed write: the next count is computed afresh
        extra = FactoryFactory(name="Northvale plant 9")
        in_supply_chain(northvale, extra)
    client.force_login(northvale_officer)
    after = listed(client, "factory-list")
    assert after[0] == 4 and extra.pk in after[1] and counted(after[2])

    client.force_login(staff)
    assert listed(client, "factory-list")[0] == 4


def test_a_cached_disclosure_count_is_renewed_by_a_write(client, northvale, northvale_officer):
    with scopes_disabled():
        DisclosureFactory.create_batch(2, contract__affiliate=northvale)
    client.force_login(northvale_officer)

    assert listed(client, "disclosure-list")[0] == 2
    assert listed(client, "disclosure-list")[0] == 2
    with scopes_disabled():
        DisclosureFactory(contract__affiliate=northvale)
    assert listed(client, "disclosure-list")[0] == 3


def test_cached_counts_of_contracts_companies_and_lines_are_renewed_by_a_write(
    client, northvale, northvale_officer, southport, southport_officer
):
    with scopes_disabled():
        in_supply_chain(northvale, FactoryFactory())
        in_supply_chain(southport, FactoryFactory())
    client.force_login(northvale_officer)
    lists = ("contract-list", "supplier-list", "disclosureline-list")
    before = {name: listed(client, name)[0] for name in lists}
    assert before == {name: listed(client, name)[0] for name in lists}

    with scopes_disabled():
        in_supply_chain(northvale, FactoryFactory())  # a contract, its contractor, a line
    assert {name: listed(client, name)[0] for name in lists} == {
        name: count + 1 for name, count in before.items()
    }
    client.force_login(southport_officer)
    assert {name: listed(client, name)[0] for name in lists} == dict.fromkeys(lists, 1)
