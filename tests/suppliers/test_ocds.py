import copy
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils.html import escape
from django_scopes import scope, scopes_disabled

from suppliers.models import ChecklistItem, Contract, Disclosure, Supplier
from suppliers.ocds import ocds_import
from suppliers.ocds_package import MAX_BYTES, OcdsImportRejected, OcdsItemError
from tests import FIXTURES
from tests.factories import ContractFactory, SupplierFactory

PACKAGE = FIXTURES / "ocds" / "contract-release-package.json"
REFERENCE = "ocds-213czf-000-00001-contract-01"


def _real_package() -> bytes:
    return PACKAGE.read_bytes()


def _package() -> dict:
    return json.loads(PACKAGE.read_bytes())


def _encode(package: dict) -> bytes:
    return json.dumps(package, indent=2).encode()


def _rejected(affiliate, user, data: bytes) -> list[OcdsItemError]:
    with pytest.raises(OcdsImportRejected) as caught:
        ocds_import(affiliate=affiliate, data=data, by=user)
    return caught.value.errors


def _nothing_written() -> tuple[int, int, int]:
    with scopes_disabled():
        return Contract.objects.count(), Disclosure.objects.count(), Supplier.objects.count()


def test_real_package_imports_one_contract_with_its_supplier_value_period_and_cpv(
    northvale, northvale_officer
):
    result = ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    assert (result.created, result.updated, result.suppliers_created) == (1, 0, 1)
    with scope(affiliate=northvale):
        contract = Contract.objects.select_related("contractor").get()
    assert result.contracts == [contract]
    assert contract.reference == REFERENCE
    assert contract.title == "Contract to build new cycle lanes in the centre of town."
    assert contract.ocid == "ocds-213czf-000-00001"
    assert contract.value == Decimal("11000000.00")
    assert contract.currency == "GBP"
    assert contract.value_eur == Decimal("12941176.47")  # 11,000,000 / 0.85
    assert contract.awarded_on == date(2010, 5, 10)
    assert (contract.start_date, contract.end_date) == (date(2010, 7, 1), date(2011, 6, 30))
    assert contract.cpv_codes == ["45233130"]
    assert contract.product_categories == []
    assert contract.ew_conditions_version == ""
    supplier = contract.contractor
    assert supplier.name == "AnyCorp Cycle Provision"
    assert supplier.legal_name == "AnyCorp Ltd"
    assert (supplier.identifier_scheme, supplier.identifier) == ("GB-COH", "11111111")
    assert supplier.country == "GB"
    assert supplier.is_contractor is True


def test_imported_contract_gets_a_requested_disclosure_due_30_days_after_award_and_no_checklist(
    northvale, northvale_officer
):
    ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    with scope(affiliate=northvale):
        contract = Contract.objects.get()
        disclosure = Disclosure.objects.get()
        assert ChecklistItem.objects.count() == 0
    assert contract.disclosure_due_date == date(2010, 6, 9)
    assert disclosure.contract_id == contract.pk
    assert disclosure.status == Disclosure.Status.REQUESTED
    assert disclosure.due_date == date(2010, 6, 9)
    assert disclosure.affiliate == northvale


def test_imported_contract_belongs_to_the_importing_affiliate_only(
    northvale, southport, northvale_officer
):
    ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    with scope(affiliate=southport):
        assert list(Contract.objects.all()) == []
        assert list(Disclosure.objects.all()) == []
    with scope(affiliate=northvale):
        assert Contract.objects.get().affiliate == northvale


def test_buyer_named_differently_from_the_affiliate_still_imports(northvale, northvale_officer):
    package = _package()
    package["releases"][0]["buyer"]["name"] = "Somebody Else Entirely"

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.created == 1
    assert result.contracts[0].affiliate == northvale


def test_reimporting_the_same_package_duplicates_nothing(northvale, northvale_officer):
    ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    result = ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    assert (result.created, result.updated, result.suppliers_created) == (0, 1, 0)
    assert _nothing_written() == (1, 1, 1)


def test_reimport_updates_values_but_keeps_what_the_officer_set(northvale, northvale_officer):
    ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)
    with scope(affiliate=northvale):
        Contract.objects.update(
            ew_conditions_version="v2.1",
            product_categories=["computers"],
            disclosure_due_date=date(2010, 7, 1),
        )
    package = _package()
    package["releases"][0]["contracts"][0]["value"]["amount"] = 12000000

    ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    with scope(affiliate=northvale):
        contract = Contract.objects.get()
    assert contract.value == Decimal("12000000.00")
    assert contract.value_eur == Decimal("14117647.06")
    assert contract.ew_conditions_version == "v2.1"
    assert contract.product_categories == ["computers"]
    assert contract.disclosure_due_date == date(2010, 7, 1)


def test_same_reference_in_another_affiliate_is_a_separate_contract(
    northvale, southport, northvale_officer
):
    ContractFactory(affiliate=southport, reference=REFERENCE, title="Southport's own")

    result = ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    assert result.created == 1
    with scope(affiliate=southport):
        assert Contract.objects.get().title == "Southport's own"


def test_supplier_with_the_same_identifier_is_reused(northvale, northvale_officer):
    existing = SupplierFactory(
        name="AnyCorp", identifier_scheme="GB-COH", identifier="11111111", is_contractor=False
    )

    result = ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    assert result.suppliers_created == 0
    assert result.contracts[0].contractor == existing
    existing.refresh_from_db()
    assert existing.is_contractor is True


def test_supplier_without_identifier_is_matched_by_name_ignoring_case(northvale, northvale_officer):
    existing = SupplierFactory(name="ANYCORP CYCLE PROVISION")

    result = ocds_import(affiliate=northvale, data=_real_package(), by=northvale_officer)

    assert result.suppliers_created == 0
    assert result.contracts[0].contractor == existing


def test_supplier_country_is_blank_when_the_country_name_is_unknown(northvale, northvale_officer):
    package = _package()
    package["releases"][0]["parties"][1]["address"]["countryName"] = "Ruritania"

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.contracts[0].contractor.country == ""


def test_contract_without_value_period_and_items_takes_them_from_its_award(
    northvale, northvale_officer
):
    package = _package()
    release = package["releases"][0]
    for key in ("value", "period", "items", "title"):
        del release["contracts"][0][key]
    release["awards"][0]["value"] = {"amount": 1120000, "currency": "SEK"}
    release["awards"][0]["contractPeriod"]["endDate"] = "2012-12-31"

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    contract = result.contracts[0]
    assert contract.title == "Award of contract to build new cycle lanes in the centre of town."
    assert (contract.value, contract.currency) == (Decimal("1120000.00"), "SEK")
    assert contract.value_eur == Decimal("100000.00")
    assert contract.end_date == date(2012, 12, 31)
    assert contract.cpv_codes == ["45233130"]


def test_award_without_date_uses_the_date_the_contract_was_signed(northvale, northvale_officer):
    package = _package()
    del package["releases"][0]["awards"][0]["date"]

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.contracts[0].awarded_on == date(2010, 6, 10)
    assert result.contracts[0].disclosure_due_date == date(2010, 7, 10)


def test_cpv_code_keeps_its_check_digit_and_restores_a_lost_leading_zero(
    northvale, northvale_officer
):
    package = _package()
    items = package["releases"][0]["contracts"][0]["items"]
    items[0]["classification"]["id"] = "45233130-7"
    items.append({"id": "2", "classification": {"scheme": "CPV", "id": 3000000}})
    items.append({"id": "3", "classification": {"scheme": "UNSPSC", "id": "43211503"}})

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.contracts[0].cpv_codes == ["45233130-7", "03000000"]


def test_package_with_one_bad_release_among_several_saves_nothing_and_reports_each_problem(
    northvale, northvale_officer
):
    package = _package()
    good = package["releases"][0]
    bad = copy.deepcopy(good)
    bad["ocid"] = "ocds-213czf-000-00002"
    bad["contracts"][0]["id"] = "ocds-213czf-000-00002-contract-01"
    bad["contracts"][0]["value"]["currency"] = "£"
    bad["contracts"][0]["period"]["endDate"] = "2010-06-30T00:00:00Z"
    second_good = copy.deepcopy(good)
    second_good["contracts"][0]["id"] = "ocds-213czf-000-00003-contract-01"
    package["releases"] = [good, bad, second_good]

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(
            path="releases[1].contracts[0].value.currency",
            message="“£” is not a currency code: use three letters, such as EUR.",
        ),
        OcdsItemError(
            path="releases[1].contracts[0].period.endDate",
            message="The end date is before the start date.",
        ),
    ]
    assert _nothing_written() == (0, 0, 0)


def test_rejection_summarises_the_number_of_problems(northvale, northvale_officer):
    package = _package()
    package["releases"][0]["contracts"][0]["value"]["currency"] = "JPY"

    with pytest.raises(OcdsImportRejected) as caught:
        ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert caught.value.message == "The OCDS package was not imported: 1 problem found."
    assert caught.value.errors == [
        OcdsItemError(
            path="releases[0].contracts[0].value.currency",
            message=(
                "There is no reference rate for JPY. "
                "Known currencies: CHF, CZK, DKK, EUR, GBP, HUF, NOK, PLN, SEK, USD."
            ),
        )
    ]


def test_missing_release_fields_are_each_reported(northvale, northvale_officer):
    package = _package()
    release = package["releases"][0]
    del release["ocid"], release["id"], release["tag"]
    release["date"] = "10/05/2010"

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(path="releases[0].ocid", message="This field is required."),
        OcdsItemError(path="releases[0].id", message="This field is required."),
        OcdsItemError(
            path="releases[0].date",
            message="Not a date: write it as 2024-01-31 or 2024-01-31T09:30:00Z.",
        ),
        OcdsItemError(
            path="releases[0].tag", message="Give at least one tag, for example “contract”."
        ),
    ]
    assert _nothing_written() == (0, 0, 0)


def test_contract_without_a_matching_award_is_reported(northvale, northvale_officer):
    package = _package()
    package["releases"][0]["contracts"][0]["awardID"] = "award-99"

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(
            path="releases[0].contracts[0].awardID",
            message="There is no award with id “award-99” in this release.",
        )
    ]


def test_contract_without_value_anywhere_is_reported(northvale, northvale_officer):
    package = _package()
    del package["releases"][0]["contracts"][0]["value"]
    del package["releases"][0]["awards"][0]["value"]

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(
            path="releases[0].contracts[0].value",
            message="Neither the contract nor its award gives a value.",
        )
    ]


def test_invalid_cpv_code_is_reported_at_its_item(northvale, northvale_officer):
    package = _package()
    package["releases"][0]["contracts"][0]["items"][0]["classification"]["id"] = "4523-3130"

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(
            path="releases[0].contracts[0].items[0].classification.id",
            message=(
                "“4523-3130” is not a CPV code: 8 digits, optionally followed by a check digit, "
                "such as 45233130 or 45233130-7."
            ),
        )
    ]


def test_invalid_json_reports_the_line_and_column(northvale, northvale_officer):
    data = _real_package().replace(b'"version": "1.1",', b'"version": "1.1"', 1)

    errors = _rejected(northvale, northvale_officer, data)

    assert errors == [
        OcdsItemError(path="", message="The file is not valid JSON: error at line 3, column 3.")
    ]
    assert _nothing_written() == (0, 0, 0)


def test_file_over_10_mb_is_refused_before_reading(northvale, northvale_officer):
    data = b" " * (MAX_BYTES + 1)

    errors = _rejected(northvale, northvale_officer, data)

    assert errors == [OcdsItemError(path="", message="The file is larger than 10 MB.")]


def test_json_with_neither_releases_nor_records_is_not_an_ocds_package(
    northvale, northvale_officer
):
    errors = _rejected(northvale, northvale_officer, b'{"packages": []}')

    assert [error.path for error in errors] == ["releases"]


def test_record_package_without_records_has_nothing_to_import(northvale, northvale_officer):
    errors = _rejected(northvale, northvale_officer, b'{"records": []}')

    assert [error.path for error in errors] == ["records"]


def test_package_whose_only_release_has_no_contracts_nor_awards_is_rejected_as_nothing_to_import(
    northvale, northvale_officer
):
    package = _package()
    del package["releases"][0]["contracts"], package["releases"][0]["awards"]

    errors = _rejected(northvale, northvale_officer, _encode(package))

    assert errors == [
        OcdsItemError(
            path="releases",
            message="No release in the package has a contract or an award: nothing to import.",
        )
    ]
    assert _nothing_written() == (0, 0, 0)


def test_release_without_contracts_beside_a_contract_release_is_skipped_and_listed(
    northvale, northvale_officer
):
    package = _package()
    tender = copy.deepcopy(package["releases"][0])
    tender["id"] = "ocds-213czf-000-00001-01-tender"
    tender["tag"] = ["tender"]
    del tender["awards"], tender["contracts"]
    package["releases"].insert(0, tender)

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.created == 1
    assert result.releases_without_contracts == ["releases[0]"]


def test_later_release_of_the_same_contract_wins(northvale, northvale_officer):
    package = _package()
    later = copy.deepcopy(package["releases"][0])
    later["id"] = "ocds-213czf-000-00001-06-contractAmendment"
    later["date"] = "2010-09-01T10:00:00Z"
    later["contracts"][0]["value"]["amount"] = 11500000
    package["releases"] = [later, package["releases"][0]]

    result = ocds_import(affiliate=northvale, data=_encode(package), by=northvale_officer)

    assert result.created == 1
    assert result.contracts[0].value == Decimal("11500000.00")


# --- The import page ----------------------------------------------------------------------


def test_import_page_refuses_a_file_that_is_not_json(client, northvale_officer):
    client.force_login(northvale_officer)
    upload = io.BytesIO(b"%PDF-1.7 not json")
    upload.name = "contracts.json"
    response = client.post("/a/northvale/contracts/import/", {"file": upload})
    assert response.status_code == 400
    assert "This file is not JSON" in response.content.decode()
    assert _nothing_written()[0] == 0


def test_import_page_creates_the_contracts_of_an_ocds_file(client, northvale_officer):
    client.force_login(northvale_officer)
    assert client.get("/a/northvale/contracts/import/").status_code == 200
    with PACKAGE.open("rb") as upload:
        response = client.post("/a/northvale/contracts/import/", {"file": upload}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == "/a/northvale/contracts/"
    assert "The file was imported. Contracts created: 1; updated: 0;" in body
    assert "Contract to build new cycle lanes in the centre of town." in body
    with scopes_disabled():
        assert Contract.objects.filter(affiliate__slug="northvale").count() == 1


def test_import_page_lists_every_problem_and_saves_nothing(client, northvale, northvale_officer):
    package = json.loads(PACKAGE.read_text())
    contract = package["releases"][0]["contracts"][0]
    contract["value"] = {"amount": "eleven million", "currency": "XXX"}
    contract["period"] = {"startDate": "2011-06-30T00:00:00Z", "endDate": "2010-07-01T00:00:00Z"}
    data = json.dumps(package).encode()
    with scope(affiliate=northvale), pytest.raises(OcdsImportRejected) as rejected:
        ocds_import(affiliate=northvale, data=data, by=northvale_officer)
    expected = list(rejected.value.errors)
    assert expected
    client.force_login(northvale_officer)
    upload = io.BytesIO(data)
    upload.name = "broken.json"
    response = client.post("/a/northvale/contracts/import/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    for error in expected:
        assert escape(str(error.path)) in body
        assert escape(str(error.message)) in body
    assert _nothing_written()[0] == 0
    assert Supplier.objects.count() == 0
