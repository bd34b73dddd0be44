"""Contractors are typed with suggestions, not picked among thousands of options."""

import pytest
from django_scopes import scopes_disabled

from tests.factories import ContractFactory, SupplierFactory

pytestmark = pytest.mark.django_db
URL = "/a/northvale/contracts/contractors/"


@pytest.fixture
def contractors(northvale, southport):
    ours = SupplierFactory(name="Northern Resellers Ltd", is_contractor=True)
    theirs = SupplierFactory(name="Northwind Traders", is_contractor=True)
    with scopes_disabled():
        ContractFactory(affiliate=northvale, contractor=ours, reference="NV-1")
        ContractFactory(affiliate=southport, contractor=theirs, reference="SP-1")
    return ours, theirs


def test_suggestions_of_the_filter_are_the_affiliates_own_contractors(
    client, northvale_officer, contractors
):
    ours, _theirs = contractors
    client.force_login(northvale_officer)
    among = client.get(URL, {"q": "north", "among": "contracts"}).json()
    assert among == {"results": [{"id": ours.pk, "name": "Northern Resellers Ltd"}]}
    every = client.get(URL, {"q": "north"}).json()["results"]
    assert [row["name"] for row in every] == ["Northern Resellers Ltd", "Northwind Traders"]
    assert client.get(URL, {"q": "n"}).json() == {"results": []}


def test_other_affiliates_member_gets_404_on_suggestions(client, southport_officer, contractors):
    client.force_login(southport_officer)
    assert client.get(URL, {"q": "north"}).status_code == 404


def test_contract_list_filters_by_typed_contractor_name(client, northvale_officer, contractors):
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/contracts/", {"contractor": "resellers"}).content.decode()
    assert "NV-1" in page
    assert 'value="resellers"' in page  # what was typed stays in the box
    assert "contracts/contractors/?among=contracts" in page
    assert "<option" not in page.split('name="contractor"')[1].split("</datalist>")[0]
    missing = client.get("/a/northvale/contracts/", {"contractor": "Acme"}).content.decode()
    assert "No contractor is named “Acme”." in missing


def test_a_name_no_contractor_holds_is_shown_and_the_filter_left_aside(
    client, northvale_officer, contractors
):
    client.force_login(northvale_officer)
    # Another affiliate's contractor is no contractor of this filter either.
    response = client.get("/a/northvale/contracts/", {"contractor": "Northwind"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No contractor is named “Northwind”." in page
    assert "NV-1" in page and "SP-1" not in page  # the list, unfiltered, still its own


def test_a_part_several_contractors_hold_names_some_and_asks_for_more(
    client, northvale, northvale_officer, contractors
):
    with scopes_disabled():
        for name in ("Northern Freight", "Northern Cables", "Northern Displays"):
            ContractFactory(affiliate=northvale, contractor=SupplierFactory(name=name))
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/contracts/", {"contractor": "  northern "}).content.decode()
    assert (
        "More than one contractor matches “northern”: Northern Cables, Northern Displays, "
        "Northern Freight, Northern Resellers Ltd… Type more of the name."
    ) in page
    # The exact name picks one even when others hold it.
    exact = client.get("/a/northvale/contracts/", {"contractor": "northern cables"})
    assert exact.context["filter_form"].cleaned_data["contractor"].name == "Northern Cables"


@pytest.mark.parametrize("typed", ["", " ", "n", " N ", "é"])
def test_fewer_than_two_characters_suggest_nothing(client, northvale_officer, contractors, typed):
    client.force_login(northvale_officer)
    for among in ({}, {"among": "contracts"}):
        response = client.get(URL, {"q": typed, **among})
        assert response.status_code == 200
        assert response.json() == {"results": []}
    assert client.get(URL).json() == {"results": []}  # no ?q= at all


def test_suggestions_keep_a_fixed_query_budget(
    client, northvale, northvale_officer, contractors, django_assert_max_num_queries
):
    from core.forms import SUGGESTIONS

    client.force_login(northvale_officer)
    for among in ({}, {"among": "contracts"}):
        with django_assert_max_num_queries(7):
            assert len(client.get(URL, {"q": "north", **among}).json()["results"]) >= 1
    with scopes_disabled():
        for number in range(SUGGESTIONS + 5):
            ContractFactory(
                affiliate=northvale,
                contractor=SupplierFactory(name=f"North Co {number:02}", is_contractor=True),
            )
    for among in ({}, {"among": "contracts"}):
        with django_assert_max_num_queries(7):
            results = client.get(URL, {"q": "north", **among}).json()["results"]
        assert len(results) == SUGGESTIONS  # capped, names starting with the text first
        assert results[0]["name"] == "North Co 00"
