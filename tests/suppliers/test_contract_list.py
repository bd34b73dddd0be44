"""The contract list: filters, search, pages, CSV and XLSX exports, tenant isolation and query
budgets."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django_scopes import scopes_disabled

from suppliers.models import ChecklistItem, Contract
from tests.factories import ContractFactory, DisclosureFactory, SupplierFactory

# --- List, filters, search ---------------------------------------------------------------


@pytest.fixture
def catalogue(northvale, contractor):
    """Four contracts that differ in what the filters and the search look at."""
    other = SupplierFactory(name="Southern Fleet Leasing")
    with scopes_disabled():
        return {
            "laptops": ContractFactory(
                affiliate=northvale,
                reference="NV-LAP",
                title="Laptops for libraries",
                contractor=contractor,
                product_categories=["computers"],
                cpv_codes=["30213100"],
                brands="Acme Devices",
                product_models="AcmeBook X1",
                start_date=date(2020, 1, 1),
                end_date=date(2099, 1, 1),
            ),
            "phones": ContractFactory(
                affiliate=northvale,
                reference="NV-PHO",
                title="Mobile phones",
                contractor=contractor,
                product_categories=["phones"],
                cpv_codes=["32250000-0"],
                brands="Fairlane Phones",
                product_models="Fairlane Phone 5",
                ew_conditions_version="",
                start_date=date(2020, 1, 1),
                end_date=date(2021, 1, 1),
            ),
            "vans": ContractFactory(
                affiliate=northvale,
                reference="NV-VAN",
                title="Electric vans",
                contractor=other,
                product_categories=["vehicles", "batteries"],
                cpv_codes=["34144900"],
                brands="Vantor Motors",
                product_models="Voltvan E-Cargo",
                start_date=date(2098, 1, 1),
                end_date=date(2099, 1, 1),
            ),
            "printers": ContractFactory(
                affiliate=northvale,
                reference="NV-PRI",
                title="Printing services",
                contractor=other,
                product_categories=["printers"],
                cpv_codes=["30232110-8"],
                brands="Corvid Print",
                product_models="PrintPro",
                ew_conditions_version="",
            ),
        }


def _listed(client, query=""):
    response = client.get("/a/northvale/contracts/" + query)
    assert response.status_code == 200
    return [contract.reference for contract in response.context["contracts"]]


def test_contract_list_filters(client, northvale_officer, contractor, catalogue):
    client.force_login(northvale_officer)
    assert sorted(_listed(client)) == ["NV-LAP", "NV-PHO", "NV-PRI", "NV-VAN"]
    assert sorted(_listed(client, "?ew_conditions=yes")) == ["NV-LAP", "NV-VAN"]
    assert sorted(_listed(client, "?ew_conditions=no")) == ["NV-PHO", "NV-PRI"]
    assert sorted(_listed(client, f"?contractor={contractor.pk}")) == ["NV-LAP", "NV-PHO"]
    assert _listed(client, "?category=batteries") == ["NV-VAN"]
    assert sorted(_listed(client, "?period=active")) == ["NV-LAP", "NV-PRI"]
    assert _listed(client, "?period=ended") == ["NV-PHO"]
    assert _listed(client, "?period=upcoming") == ["NV-VAN"]
    assert _listed(client, f"?ew_conditions=yes&contractor={contractor.pk}") == ["NV-LAP"]


def test_contract_list_search(client, northvale_officer, catalogue):
    client.force_login(northvale_officer)
    assert _listed(client, "?q=nv-pho") == ["NV-PHO"]  # reference
    assert _listed(client, "?q=LIBRARIES") == ["NV-LAP"]  # title
    assert _listed(client, "?q=corvid") == ["NV-PRI"]  # brands
    assert _listed(client, "?q=voltvan") == ["NV-VAN"]  # product models
    assert _listed(client, "?q=32250000") == ["NV-PHO"]  # CPV code
    assert _listed(client, "?q=30232110-8") == ["NV-PRI"]
    assert _listed(client, "?q=acmebook+acme") == ["NV-LAP"]  # every word
    assert _listed(client, "?q=acmebook+vantor") == []


def test_a_bad_filter_is_explained_and_ignored(client, northvale_officer, catalogue):
    client.force_login(northvale_officer)
    response = client.get("/a/northvale/contracts/?period=someday&category=phones")
    assert "Select a valid choice. someday is not one of the available choices." in (
        response.content.decode()
    )
    assert _listed(client, "?period=someday&category=phones") == ["NV-PHO"]


def test_pages_keep_the_filters(client, northvale, northvale_officer, contractor):
    with scopes_disabled():
        ContractFactory.create_batch(30, affiliate=northvale, contractor=contractor)
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/contracts/?ew_conditions=yes").content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?ew_conditions=yes&amp;page=2"' in page
    assert "30 contracts" in page


# --- Exports -----------------------------------------------------------------------------


def _csv_rows(response):
    return list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_export_lists_the_filtered_contracts_and_escapes_formulas(
    client, northvale, northvale_viewer, contractor, catalogue
):
    with scopes_disabled():
        DisclosureFactory(contract=catalogue["laptops"])
        Contract.objects.filter(pk=catalogue["laptops"].pk).update(
            title='=HYPERLINK("http://evil.example","Click")'
        )
    client.force_login(northvale_viewer)
    response = client.get("/a/northvale/contracts/?format=csv&ew_conditions=yes")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contracts-northvale-')
    rows = _csv_rows(response)
    assert rows[0] == [
        "Reference",
        "Title",
        "Contractor",
        "Product categories",
        "CPV codes",
        "Brands",
        "Value",
        "Currency",
        "Award date",
        "Start",
        "End",
        "EW conditions version",
        "Disclosure status",
        "Disclosure due",
    ]
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {"NV-LAP", "NV-VAN"}
    assert by_reference["NV-LAP"] == [
        "NV-LAP",
        '\'=HYPERLINK("http://evil.example","Click")',
        "Northern Resellers Ltd",
        "Computers and laptops",
        "30213100",
        "Acme Devices",
        "250000.00",
        "EUR",
        "2026-01-15",
        "2020-01-01",
        "2099-01-01",
        "v2.1",
        "Requested",
        "2026-02-14",
    ]
    assert by_reference["NV-VAN"][3] == "Low-emission vehicles, Batteries"


def test_xlsx_export_lists_the_contracts_and_escapes_formulas(
    client, northvale, northvale_officer, contractor, catalogue
):
    with scopes_disabled():
        Contract.objects.filter(pk=catalogue["phones"].pk).update(title="=1+2", brands="@SUM(A1)")
    client.force_login(northvale_officer)
    response = client.get("/a/northvale/contracts/?format=xlsx&q=phone")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="contracts-northvale-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = _xlsx_rows(response)
    assert rows[0][:3] == ["Reference", "Title", "Contractor"]
    assert len(rows) == 2
    row = rows[1]
    assert row[0] == "NV-PHO"
    assert row[1] == "'=1+2"
    assert row[5] == "'@SUM(A1)"
    assert row[6] == 250000
    assert row[8].date() == date(2026, 1, 15)
    assert row[11] is None  # no conditions: an empty cell
    assert row[12] is None  # no disclosure yet


def test_export_with_a_bad_filter_is_refused(client, northvale_officer, catalogue):
    client.force_login(northvale_officer)
    response = client.get("/a/northvale/contracts/?format=csv&contractor=abc", follow=True)
    assert response.redirect_chain[0][0] == "/a/northvale/contracts/?contractor=abc"
    assert "Nothing was exported: correct the filters first." in response.content.decode()


def test_the_old_export_addresses_lead_to_the_lists_export(client, northvale_officer, catalogue):
    client.force_login(northvale_officer)
    response = client.get("/a/northvale/contracts/export.xlsx?q=phone")
    assert response.status_code == 302
    assert response["Location"] == "/a/northvale/contracts/?q=phone&format=xlsx"
    rows = _xlsx_rows(client.get(response["Location"]))
    assert [row[0] for row in rows[1:]] == ["NV-PHO"]


# --- Isolation ---------------------------------------------------------------------------


def test_an_affiliate_never_sees_another_affiliates_contracts(
    client, northvale, southport, northvale_officer, contractor
):
    with scopes_disabled():
        theirs = ContractFactory(
            affiliate=southport,
            reference="SP-SECRET-7",
            title="Southport secret servers",
            value=Decimal("987654.32"),
            contractor=contractor,
        )
        DisclosureFactory(contract=theirs)
        item = ChecklistItem.objects.create(
            affiliate=southport, contract=theirs, outcome="chemicals", evidence="SP-EVIDENCE"
        )
        ContractFactory(affiliate=northvale, reference="NV-OWN", contractor=contractor)
    client.force_login(northvale_officer)
    for url in (
        "/a/northvale/contracts/",
        "/a/northvale/contracts/?q=SP-SECRET",
        "/a/northvale/contracts/?q=secret",
        f"/a/northvale/contracts/?contractor={contractor.pk}",
        "/a/northvale/contracts/?format=csv",
        "/a/northvale/contracts/?format=csv&q=SP-SECRET",
        "/api/v1/contracts/",
        "/api/v1/contracts/?q=SP-SECRET",
    ):
        body = _body(client.get(url)).decode()
        assert "SP-SECRET-7" not in body, url
        assert "987654" not in body, url
    xlsx = _xlsx_rows(client.get("/a/northvale/contracts/?format=xlsx"))
    assert [row[0] for row in xlsx[1:]] == ["NV-OWN"]
    assert all(987654.32 not in row for row in xlsx)
    for url in (
        f"/a/northvale/contracts/{theirs.pk}/",
        f"/a/northvale/contracts/{theirs.pk}/edit/",
        f"/a/northvale/contracts/{theirs.pk}/checklist/{item.pk}/",
        f"/api/v1/contracts/{theirs.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/a/northvale/contracts/{theirs.pk}/checklist/{item.pk}/",
        {"status": "achieved", "evidence": "hacked"},
    )
    assert response.status_code == 404
    # The other affiliate's page is 404 as a whole.
    assert client.get("/a/southport/contracts/").status_code == 404
    with scopes_disabled():
        item.refresh_from_db()
    assert item.evidence == "SP-EVIDENCE"


# --- Query budgets -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/a/northvale/contracts/", 13),
        ("/a/northvale/contracts/?q=lot&ew_conditions=yes&period=active", 13),
        ("/a/northvale/contracts/?format=csv", 10),
        ("/a/northvale/contracts/?format=xlsx", 10),
    ],
)
def test_contract_pages_stay_within_their_query_budget(
    client, northvale, northvale_officer, contractor, url, budget, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    for count in (3, 37):
        with scopes_disabled():
            for _ in range(count):
                DisclosureFactory(
                    contract=ContractFactory(
                        affiliate=northvale,
                        contractor=SupplierFactory(),
                        start_date=date(2020, 1, 1),
                    )
                )
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200
