"""OCDS import of award notices (awards without a contract) and of record packages, and the
import page's account of where each field came from (issue 15, item 4)."""

import copy
import json
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from suppliers.models import Contract, Disclosure, Supplier
from suppliers.ocds import ocds_import
from suppliers.ocds_package import OcdsImportRejected, OcdsItemError
from tests import FIXTURES

AWARD_PACKAGE = FIXTURES / "ocds" / "award-release-package.json"
CONTRACT_PACKAGE = FIXTURES / "ocds" / "contract-release-package.json"
AWARD_ID = "ocds-213czf-000-00001-award-01"
CONTRACT_ID = "ocds-213czf-000-00001-contract-01"
OCID = "ocds-213czf-000-00001"


def _award_package() -> dict:
    return json.loads(AWARD_PACKAGE.read_bytes())


def _award_release() -> dict:
    return _award_package()["releases"][0]


def _contract_release() -> dict:
    return json.loads(CONTRACT_PACKAGE.read_bytes())["releases"][0]


def _encode(package: dict) -> bytes:
    return json.dumps(package).encode()


def _record_package(record: dict) -> bytes:
    """A record package as the sample data's record file has it (version, publisher, one
    record per process)."""
    return _encode(
        {
            "version": "1.1",
            "publishedDate": "2014-02-02T13:02:00Z",
            "publisher": {"name": "Open Data Services Co-operative Limited"},
            "records": [{"ocid": OCID, **record}],
        }
    )


def _linked(release: dict) -> dict:
    return {
        "date": release["date"],
        "tag": release["tag"],
        "url": f"https://example.com/{release['id']}.json#{release['id']}",
    }


def _contracts(affiliate) -> list[Contract]:
    with scope(affiliate=affiliate):
        return list(Contract.objects.select_related("contractor").order_by("pk"))


# --- Award notices --------------------------------------------------------------------------


def test_award_only_release_creates_one_contract_with_the_awards_supplier_value_and_period(
    northvale, northvale_officer
):
    result = ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)

    assert (result.created, result.updated, result.suppliers_created) == (1, 0, 1)
    (contract,) = _contracts(northvale)
    assert contract.reference == AWARD_ID
    assert contract.ocid == OCID
    assert contract.title == "Award of contract to build new cycle lanes in the centre of town."
    assert (contract.value, contract.currency) == (Decimal("11000000.00"), "GBP")
    assert (contract.start_date, contract.end_date) == (date(2010, 7, 1), date(2011, 6, 30))
    assert contract.awarded_on == date(2010, 5, 10)
    assert contract.cpv_codes == ["45233130"]
    assert contract.contractor.name == "AnyCorp Cycle Provision"
    assert (contract.contractor.identifier_scheme, contract.contractor.identifier) == (
        "GB-COH",
        "11111111",
    )
    with scope(affiliate=northvale):
        assert Disclosure.objects.get().due_date == date(2010, 6, 9)
    assert result.rows[0].sources == {
        "reference": "award",
        "title": "award",
        "contractor": "parties",
        "value": "award",
        "awarded_on": "award",
        "period": "award",
        "cpv_codes": "award",
    }


def test_award_without_title_or_items_takes_them_from_the_tender(northvale, northvale_officer):
    package = _award_package()
    release = package["releases"][0]
    del release["awards"][0]["title"], release["awards"][0]["items"]
    release["tender"]["items"] = [
        {"id": "1", "classification": {"scheme": "CPV", "id": "30213100"}}
    ]

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    contract = result.contracts[0]
    assert contract.title == "Planned cycle lane improvements"
    assert contract.cpv_codes == ["30213100"]
    assert (result.rows[0].sources["title"], result.rows[0].sources["cpv_codes"]) == (
        "tender",
        "tender",
    )


def test_award_notice_and_its_contract_in_one_package_are_one_contract(
    northvale, northvale_officer
):
    package = _award_package()
    package["releases"].append(_contract_release())

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.created == 1
    assert [c.reference for c in _contracts(northvale)] == [CONTRACT_ID]


def test_contract_published_after_its_award_notice_takes_over_the_imported_award(
    northvale, northvale_officer
):
    ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)
    (award_contract,) = _contracts(northvale)

    result = ocds_import(
        affiliate=northvale, data=CONTRACT_PACKAGE.read_bytes(), by=northvale_officer
    )

    assert (result.created, result.updated) == (0, 1)
    (contract,) = _contracts(northvale)
    assert contract.pk == award_contract.pk
    assert contract.reference == CONTRACT_ID
    assert contract.title == "Contract to build new cycle lanes in the centre of town."
    with scope(affiliate=northvale):
        assert Disclosure.objects.count() == 1


def test_award_notice_imported_again_after_its_contract_changes_nothing(
    northvale, northvale_officer
):
    """award → contract → award: one contract, still the contract's."""
    ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)
    ocds_import(affiliate=northvale, data=CONTRACT_PACKAGE.read_bytes(), by=northvale_officer)
    (before,) = _contracts(northvale)
    assert (before.reference, before.ocds_award_id) == (CONTRACT_ID, AWARD_ID)

    result = ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)

    assert (result.created, result.updated) == (0, 1)
    (contract,) = _contracts(northvale)
    assert contract.pk == before.pk and result.contracts == [contract]
    assert (contract.reference, contract.title) == (CONTRACT_ID, before.title)
    assert contract.updated_at == before.updated_at  # the contract's data wins
    with scope(affiliate=northvale):
        assert Disclosure.objects.count() == 1


def test_award_notice_after_its_contract_is_that_contract_but_another_award_is_another(
    northvale, northvale_officer
):
    ocds_import(affiliate=northvale, data=CONTRACT_PACKAGE.read_bytes(), by=northvale_officer)
    package = _award_package()
    package["releases"][0]["awards"][0]["id"] = "ocds-213czf-000-00001-award-02"  # lot 2

    ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)
    assert [c.reference for c in _contracts(northvale)] == [CONTRACT_ID]
    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)
    assert result.created == 1
    assert [c.reference for c in _contracts(northvale)] == [
        CONTRACT_ID,
        "ocds-213czf-000-00001-award-02",
    ]


def test_award_notice_finds_the_processs_only_contract_imported_before_awards_were_kept(
    northvale, northvale_officer
):
    ocds_import(affiliate=northvale, data=CONTRACT_PACKAGE.read_bytes(), by=northvale_officer)
    with scopes_disabled():
        Contract.objects.update(ocds_award_id="")  # as imported before the award was kept

    result = ocds_import(affiliate=northvale, data=AWARD_PACKAGE.read_bytes(), by=northvale_officer)

    assert (result.created, result.updated) == (0, 1)
    (contract,) = _contracts(northvale)
    assert (contract.reference, contract.ocds_award_id) == (CONTRACT_ID, AWARD_ID)


def test_release_with_a_contract_also_imports_its_award_that_has_none(northvale, northvale_officer):
    release = _contract_release()
    second = copy.deepcopy(release["awards"][0])
    second["id"] = "ocds-213czf-000-00001-award-02"
    second["value"] = {"amount": 250000, "currency": "GBP"}
    release["awards"].append(second)

    result = ocds_import(
        affiliate=northvale, data=_encode({"releases": [release]}), by=northvale_officer
    )

    assert sorted(c.reference for c in result.contracts) == [
        "ocds-213czf-000-00001-award-02",
        CONTRACT_ID,
    ]
    assert result.rows[0].sources["reference"] == "contract"


def test_cancelled_award_is_not_a_contract(northvale, northvale_officer):
    package = _award_package()
    package["releases"][0]["awards"][0]["status"] = "cancelled"

    with pytest.raises(OcdsImportRejected) as rejected:
        ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert [error.path for error in rejected.value.errors] == ["releases"]
    assert _contracts(northvale) == []


def test_award_notice_without_value_or_period_is_reported_at_the_award(
    northvale, northvale_officer
):
    package = _award_package()
    award = package["releases"][0]["awards"][0]
    del award["value"], award["contractPeriod"]

    with pytest.raises(OcdsImportRejected) as rejected:
        ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert rejected.value.errors == [
        OcdsItemError(path="releases[0].awards[0].value", message="The award gives no value."),
        OcdsItemError(
            path="releases[0].awards[0].contractPeriod",
            message="The award's contractPeriod is not given.",
        ),
    ]
    with scopes_disabled():
        assert (Contract.objects.count(), Supplier.objects.count()) == (0, 0)


# --- Record packages ------------------------------------------------------------------------


def test_record_package_imports_the_compiled_release_without_fetching_linked_releases(
    northvale, northvale_officer
):
    compiled = _contract_release()
    compiled["id"] = f"{OCID}-2010-05-10T10:30:00Z"
    compiled["tag"] = ["compiled"]
    data = _record_package(
        {
            "compiledRelease": compiled,
            "releases": [_linked(_award_release()), _linked(_contract_release())],
        }
    )

    result = ocds_import(affiliate=northvale, data=data, by=northvale_officer)

    (contract,) = _contracts(northvale)
    assert result.created == 1
    assert contract.reference == CONTRACT_ID
    assert contract.value == Decimal("11000000.00")
    assert contract.contractor.name == "AnyCorp Cycle Provision"


def test_record_package_without_compiled_release_imports_the_latest_embedded_release(
    northvale, northvale_officer
):
    later = _contract_release()  # 2010-05-10T10:30, the award release an hour earlier
    data = _record_package({"releases": [later, _award_release()]})

    result = ocds_import(affiliate=northvale, data=data, by=northvale_officer)

    assert result.created == 1
    assert [c.reference for c in _contracts(northvale)] == [CONTRACT_ID]


def test_record_with_only_linked_releases_is_refused_with_a_clear_message(
    northvale, northvale_officer
):
    data = _record_package({"releases": [_linked(_award_release())]})

    with pytest.raises(OcdsImportRejected) as rejected:
        ocds_import(affiliate=northvale, data=data, by=northvale_officer)

    (error,) = rejected.value.errors
    assert error.path == "records[0].releases"
    assert "does not fetch files from the web" in error.message
    assert _contracts(northvale) == []


def test_problems_in_a_compiled_release_are_reported_at_their_path(northvale, northvale_officer):
    compiled = _contract_release()
    compiled["contracts"][0]["value"]["currency"] = "£"

    with pytest.raises(OcdsImportRejected) as rejected:
        ocds_import(
            affiliate=northvale,
            data=_record_package({"compiledRelease": compiled}),
            by=northvale_officer,
        )

    assert [error.path for error in rejected.value.errors] == [
        "records[0].compiledRelease.contracts[0].value.currency"
    ]


# --- The import page ------------------------------------------------------------------------


def test_import_page_says_what_it_reads_before_importing(client, northvale_officer):
    client.force_login(northvale_officer)

    body = client.get("/a/northvale/contracts/import/").content.decode()

    assert "What is read from the file" in body
    assert "is imported as the contract" in body


def test_after_an_import_the_contract_list_shows_where_each_field_came_from_once(
    client, northvale_officer
):
    client.force_login(northvale_officer)
    with AWARD_PACKAGE.open("rb") as upload:
        response = client.post("/a/northvale/contracts/import/", {"file": upload}, follow=True)

    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/a/northvale/contracts/"
    assert "What the import took from where" in body
    report = body.split('id="import-report-heading"')[1].split("</section>")[0]
    assert AWARD_ID in report
    assert report.count("<td>award</td>") == 6  # reference, title, value, date, period, CPV
    assert report.count("<td>parties</td>") == 1  # the contractor
    assert (
        "What the import took from where"
        not in client.get("/a/northvale/contracts/").content.decode()
    )
