"""OCDS export of an affiliate's contracts: a release package that validates against the OCDS
1.1 schemas kept in tests/fixtures/ocds/schema/, and that another affiliate imports back."""

import json
from datetime import date
from decimal import Decimal

import jsonschema
import pytest
from django.test import override_settings
from django_scopes import scope
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from affiliates.models import Membership
from suppliers.models import Contract
from suppliers.ocds import ocds_import
from suppliers.ocds_export import ocds_export
from tests import FIXTURES
from tests.factories import ContractFactory, SupplierFactory, member

SCHEMA = FIXTURES / "ocds" / "schema"
CONTRACT_PACKAGE = FIXTURES / "ocds" / "contract-release-package.json"


def _schema(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


def _package_validator() -> jsonschema.Draft4Validator:
    """The package schema, its $ref to the release schema's URL answered by the local copy."""
    release = _schema("release-schema.json")
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return jsonschema.Draft4Validator(
        _schema("release-package-schema.json"),
        registry=registry,
        format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER,
    )


def _errors(package: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in _package_validator().iter_errors(package)
    ]


def _northvale_contracts(northvale, northvale_officer):
    """One contract imported from OCDS (with its ocid), one typed in (none), in two currencies."""
    ocds_import(affiliate=northvale, data=CONTRACT_PACKAGE.read_bytes(), by=northvale_officer)
    contractor = SupplierFactory(
        name="Kestrel Computing AB", legal_name="", country="SE", identifier_scheme=""
    )
    ContractFactory(
        affiliate=northvale,
        reference="ICT-2026-77",
        title="Laptops, lot 2",
        contractor=contractor,
        value=Decimal("1234567.89"),
        currency="SEK",
        cpv_codes=["30213100", "03000000"],
    )


def _export(affiliate) -> dict:
    with scope(affiliate=affiliate):
        return json.loads(ocds_export(affiliate=affiliate, uri="https://ewatch.example/x"))


def test_the_kept_schemas_are_ocds_1_1():
    package, release = _schema("release-package-schema.json"), _schema("release-schema.json")
    assert package["id"].startswith("https://standard.open-contracting.org/schema/1__1__")
    assert release["id"].startswith("https://standard.open-contracting.org/schema/1__1__")
    assert package["properties"]["releases"]["items"]["$ref"] == release["id"]


def test_the_validator_refuses_a_release_without_its_required_fields():
    package = {"version": "1.1", "releases": [{"ocid": "ocds-x-1", "tag": ["award"]}]}

    errors = _errors(package)

    assert "releases/0: 'id' is a required property" in errors
    assert "releases/0: 'initiationType' is a required property" in errors


def test_exported_release_package_validates_against_the_ocds_1_1_schemas(
    northvale, northvale_officer
):
    _northvale_contracts(northvale, northvale_officer)

    package = _export(northvale)

    assert _errors(package) == []
    assert package["version"] == "1.1"
    assert package["uri"] == "https://ewatch.example/x"
    assert package["publisher"] == {"name": "City of Northvale"}
    assert len(package["releases"]) == 2
    imported, typed = package["releases"]
    assert imported["ocid"] == "ocds-213czf-000-00001"
    assert imported["tag"] == ["award", "contract"]
    assert imported["buyer"]["name"] == "City of Northvale"
    buyer, supplier = imported["parties"]
    assert (buyer["roles"], supplier["roles"]) == (["buyer"], ["supplier"])
    assert supplier["identifier"] == {
        "scheme": "GB-COH",
        "id": "11111111",
        "legalName": "AnyCorp Ltd",
    }
    assert imported["awards"][0]["suppliers"] == [{"id": supplier["id"], "name": supplier["name"]}]
    assert imported["contracts"][0]["awardID"] == imported["awards"][0]["id"]
    # The publisher's award id is kept, not made up (the typed contract's is ours).
    assert imported["awards"][0]["id"] == "ocds-213czf-000-00001-award-01"
    assert typed["awards"][0]["id"].endswith("-award")
    assert typed["contracts"][0]["value"] == {"amount": 1234567.89, "currency": "SEK"}
    assert typed["contracts"][0]["items"] == [
        {"id": "1", "classification": {"scheme": "CPV", "id": "30213100"}},
        {"id": "2", "classification": {"scheme": "CPV", "id": "03000000"}},
    ]


@override_settings(EW_OCID_PREFIX="ocds-test01")
def test_contract_without_an_ocid_gets_the_prefix_and_its_id(northvale):
    contract = ContractFactory(affiliate=northvale, ocid="")

    (release,) = _export(northvale)["releases"]

    assert release["ocid"] == f"ocds-test01-{contract.pk}"


def test_another_affiliate_imports_the_export_with_the_same_contracts(
    northvale, southport, northvale_officer, southport_officer
):
    _northvale_contracts(northvale, northvale_officer)
    data = json.dumps(_export(northvale)).encode()

    result = ocds_import(affiliate=southport, data=data, by=southport_officer)

    assert (result.created, result.suppliers_created) == (2, 0)

    def summary(affiliate):
        with scope(affiliate=affiliate):
            return [
                (
                    c.reference,
                    c.title,
                    c.value,
                    c.currency,
                    c.awarded_on,
                    c.start_date,
                    c.end_date,
                    c.cpv_codes,
                    c.contractor_id,
                )
                for c in Contract.objects.order_by("reference")
            ]

    assert summary(southport) == summary(northvale)
    typed = next(row for row in summary(southport) if row[0] == "ICT-2026-77")
    assert typed[2:4] == (Decimal("1234567.89"), "SEK")


def test_contracts_page_offers_the_ocds_download_of_own_contracts_only(
    client, northvale, southport, northvale_officer, django_assert_max_num_queries
):
    own = ContractFactory(affiliate=northvale, reference="NV-1")
    ContractFactory(affiliate=southport, reference="SP-1")
    client.force_login(northvale_officer)
    assert (
        "/a/northvale/contracts/export.ocds.json"
        in client.get("/a/northvale/contracts/").content.decode()
    )

    with django_assert_max_num_queries(12):
        response = client.get("/a/northvale/contracts/export.ocds.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="contracts-northvale-')
    package = json.loads(response.content)
    assert [r["contracts"][0]["id"] for r in package["releases"]] == [own.reference]
    assert package["uri"].endswith("/a/northvale/contracts/export.ocds.json")


def test_ocds_download_keeps_the_list_filters(client, northvale, northvale_officer):
    ContractFactory(affiliate=northvale, reference="NV-1", title="Laptops")
    ContractFactory(affiliate=northvale, reference="NV-2", title="Vehicles")
    client.force_login(northvale_officer)

    response = client.get("/a/northvale/contracts/export.ocds.json?q=Vehicles")

    assert [r["contracts"][0]["id"] for r in json.loads(response.content)["releases"]] == ["NV-2"]


def test_ocds_download_query_count_does_not_grow_with_the_contracts(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    ContractFactory.create_batch(30, affiliate=northvale)
    client.force_login(northvale_officer)

    with django_assert_max_num_queries(12):
        response = client.get("/a/northvale/contracts/export.ocds.json")

    assert len(json.loads(response.content)["releases"]) == 30


def test_api_gives_the_callers_contracts_as_a_release_package(
    client, northvale, southport, django_assert_max_num_queries
):
    ContractFactory.create_batch(3, affiliate=northvale)
    ContractFactory(affiliate=southport, reference="SP-1")
    client.force_login(member(northvale, Membership.Role.VIEWER))

    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/ocds/contracts/")

    assert response.status_code == 200
    package = response.json()
    assert _errors(package) == []
    assert len(package["releases"]) == 3
    assert "SP-1" not in response.content.decode()
    assert package["uri"].endswith("/api/v1/ocds/contracts/")


@pytest.mark.parametrize(
    "url", ["/api/v1/ocds/contracts/", "/a/northvale/contracts/export.ocds.json"]
)
def test_member_of_another_affiliate_cannot_export_its_contracts(
    client, northvale, southport_officer, url
):
    ContractFactory(affiliate=northvale, reference="NV-SECRET")
    client.force_login(southport_officer)

    response = client.get(url)

    assert "NV-SECRET" not in response.content.decode()
    assert response.status_code in (200, 404)
    if url.startswith("/a/"):
        assert response.status_code == 404


def test_exported_dates_and_period_keep_their_days(northvale):
    ContractFactory(
        affiliate=northvale,
        awarded_on=date(2026, 1, 15),
        start_date=date(2026, 2, 1),
        end_date=date(2028, 1, 31),
    )

    (release,) = _export(northvale)["releases"]

    assert release["awards"][0]["date"] == "2026-01-15T00:00:00Z"
    assert release["contracts"][0]["period"] == {
        "startDate": "2026-02-01T00:00:00Z",
        "endDate": "2028-01-31T23:59:59Z",
    }
