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
