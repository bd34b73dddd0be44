"""Contracts: recording and editing them (pages and services), their checklist, the detail
page's query budget. The list, its filters and exports are in test_contract_list.py; the OCDS
import page in test_ocds.py."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from core.errors import DomainError
from suppliers import contracts as services
from suppliers.models import ChecklistItem, Contract, Disclosure, Supplier
from tests.factories import ContractFactory


def _form(contractor, **overrides):
    data = {
        "reference": "NV-2026-001",
        "title": "Laptops for schools",
        "contractor": contractor.pk if contractor else "",
        "new_contractor": "",
        "product_categories": ["computers", "monitors"],
        "cpv_codes": "30213100, 30231000-7",
        "brands": "Acme Devices, Kestrel Computing",
        "product_models": "AcmeBook T14\nKestrel Pro 5450",
        "value": "850000.00",
        "currency": "GBP",
        "awarded_on": "2026-03-02",
        "start_date": "2026-04-01",
        "end_date": "2029-03-31",
        "ew_conditions_version": "v2.1",
        "disclosure_due_date": "",
        "ocid": "",
    }
    data.update(overrides)
    return data


def _contract_counts():
    with scopes_disabled():
        return (
            Contract.objects.count(),
            ChecklistItem.objects.count(),
            Disclosure.objects.count(),
            Supplier.objects.count(),
        )


def _create(affiliate, user, contractor, **fields):
    values = {
        "reference": "NV-1",
        "title": "Desktops",
        "contractor": contractor,
        "value": Decimal("1000.00"),
        "currency": "EUR",
        "awarded_on": date(2026, 1, 10),
        "start_date": date(2026, 2, 1),
        "end_date": date(2027, 1, 31),
        "ew_conditions_version": "v2",
    }
    values.update(fields)
    with scope(affiliate=affiliate):
        return services.contract_create(affiliate=affiliate, by=user, **values)


# --- Create and edit ---------------------------------------------------------------------


def test_officer_records_a_contract_with_its_checklist_and_disclosure(
    client, northvale, northvale_officer, contractor
):
    client.force_login(northvale_officer)
    response = client.post("/a/northvale/contracts/new/", _form(contractor))
    with scopes_disabled():
        contract = Contract.objects.get()
        items = {item.outcome: item for item in contract.checklist.all()}
        disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/a/northvale/contracts/{contract.pk}/"
    assert contract.affiliate == northvale
    assert contract.value_eur == Decimal("1000000.00")  # 850,000 GBP at 0.85
    assert contract.cpv_codes == ["30213100", "30231000-7"]
    assert contract.product_categories == ["computers", "monitors"]
    assert contract.disclosure_due_date == date(2026, 4, 1)  # 30 days after the award
    assert set(items) == set(ChecklistItem.Outcome.values)
    assert items["sites_disclosed"].due_date == date(2026, 4, 1)
    assert items["component_sites"].due_date == date(2026, 4, 1)
    assert items["findings_shared"].due_date == date(2026, 5, 1)  # 60 days after the award
    assert [
        i.due_date
        for o, i in items.items()
        if o not in {"sites_disclosed", "component_sites", "findings_shared"}
    ] == [None] * 7
    assert all(item.affiliate_id == northvale.pk for item in items.values())
    assert disclosure.contract_id == contract.pk
    assert disclosure.affiliate == northvale
    assert disclosure.status == Disclosure.Status.REQUESTED
    assert disclosure.due_date == date(2026, 4, 1)

    page = client.get(response["Location"], follow=True).content.decode()
    assert "Contract NV-2026-001 was recorded." in page
    assert "Written evidence of prevention" in page
    assert f'href="/a/northvale/disclosures/{disclosure.pk}/"' in page
    assert "Computers and laptops, Monitors" in page


def test_a_contract_without_the_conditions_gets_a_disclosure_but_no_checklist(
    client, northvale_officer, contractor
):
    client.force_login(northvale_officer)
    response = client.post(
        "/a/northvale/contracts/new/",
        _form(contractor, ew_conditions_version="", disclosure_due_date="2026-06-30"),
    )
    assert response.status_code == 302
    assert _contract_counts()[:3] == (1, 0, 1)
    with scopes_disabled():
        assert Disclosure.objects.get().due_date == date(2026, 6, 30)
    page = client.get(response["Location"]).content.decode()
    assert "there is no checklist" in page


def test_a_new_contractor_name_creates_the_contractor_once(client, northvale_officer, db):
    client.force_login(northvale_officer)
    client.post("/a/northvale/contracts/new/", _form(None, new_contractor="  Acme   IT Resellers "))
    client.post(
        "/a/northvale/contracts/new/",
        _form(None, reference="NV-2026-002", new_contractor="acme it resellers"),
    )
    supplier = Supplier.objects.get()
    assert supplier.name == "Acme IT Resellers"
    assert supplier.is_contractor
    with scopes_disabled():
        assert list(Contract.objects.values_list("contractor", flat=True)) == [supplier.pk] * 2


def test_contractor_must_be_chosen_or_named_but_not_both(client, northvale_officer, contractor):
    client.force_login(northvale_officer)
    neither = client.post("/a/northvale/contracts/new/", _form(None))
    both = client.post("/a/northvale/contracts/new/", _form(contractor, new_contractor="Other"))
    assert neither.status_code == both.status_code == 400
    assert "Choose the contractor, or type the name of a new one." in neither.content.decode()
    assert "Choose a contractor from the list or type the name of a new one, not both." in (
        both.content.decode()
    )
    assert _contract_counts() == (0, 0, 0, 1)


def test_a_bad_cpv_code_is_named_and_nothing_is_saved(client, northvale_officer, contractor):
    client.force_login(northvale_officer)
    response = client.post(
        "/a/northvale/contracts/new/",
        _form(contractor, cpv_codes="30213100 1234, 30231000-77", new_contractor=""),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "“1234”, “30231000-77” are not CPV codes" in body
    assert "Nothing was saved" in body
    assert _contract_counts() == (0, 0, 0, 1)


def test_a_contract_cannot_end_before_it_starts(client, northvale_officer, contractor):
    client.force_login(northvale_officer)
    response = client.post("/a/northvale/contracts/new/", _form(contractor, end_date="2026-03-31"))
    assert response.status_code == 400
    assert "The contract cannot end (31 March 2026) before it starts (1 April 2026)." in (
        response.content.decode()
    )
    assert _contract_counts() == (0, 0, 0, 1)


def test_an_unknown_currency_is_refused_by_the_form_and_the_service(
    client, northvale, northvale_officer, contractor
):
    client.force_login(northvale_officer)
    response = client.post("/a/northvale/contracts/new/", _form(contractor, currency="XYZ"))
    assert response.status_code == 400
    assert "There is no exchange rate for the currency “XYZ”." in response.content.decode()
    with pytest.raises(DomainError) as error:
        _create(northvale, northvale_officer, contractor, currency="xyz")
    assert error.value.field == "currency"
    assert "There is no exchange rate for the currency “XYZ”. Use one of: CHF, CZK" in str(
        error.value
    )
    assert _contract_counts() == (0, 0, 0, 1)


def test_a_duplicate_reference_is_refused_with_a_friendly_message(
    client, northvale, southport, northvale_officer, contractor
):
    with scopes_disabled():
        ContractFactory(affiliate=northvale, reference="NV-2026-001", contractor=contractor)
        ContractFactory(affiliate=southport, reference="SP-1", contractor=contractor)
    before = _contract_counts()
    client.force_login(northvale_officer)
    response = client.post(
        "/a/northvale/contracts/new/",
        _form(None, new_contractor="A Brand New Reseller"),
    )
    assert response.status_code == 400
    assert "A contract with reference “NV-2026-001” exists already." in response.content.decode()
    assert _contract_counts() == before  # not even the new contractor
    # References are unique per affiliate only.
    response = client.post("/a/northvale/contracts/new/", _form(contractor, reference="SP-1"))
    assert response.status_code == 302


def test_value_in_euros_is_rounded_to_the_cent(northvale, northvale_officer, contractor):
    contract = _create(
        northvale, northvale_officer, contractor, value=Decimal("1000"), currency="SEK"
    )
    assert contract.value_eur == Decimal("89.29")  # 1000 / 11.2 = 89.2857…


def test_edit_recomputes_the_value_and_keeps_the_open_disclosure_due_in_step(
    client, northvale, northvale_officer, contractor
):
    contract = _create(northvale, northvale_officer, contractor)
    client.force_login(northvale_officer)
    page = client.get(f"/a/northvale/contracts/{contract.pk}/edit/").content.decode()
    assert 'value="NV-1"' in page
    data = _form(
        contractor,
        reference="NV-1",
        value="1160",
        currency="NOK",
        awarded_on="2026-01-10",
        start_date="2026-02-01",
        end_date="2027-01-31",
        ew_conditions_version="v2",
        disclosure_due_date="2026-03-15",
    )
    response = client.post(f"/a/northvale/contracts/{contract.pk}/edit/", data)
    assert response.status_code == 302
    with scopes_disabled():
        contract.refresh_from_db()
        disclosure = Disclosure.objects.get(contract=contract)
        sites = contract.checklist.get(outcome="sites_disclosed")
    assert contract.value_eur == Decimal("100.00")
    assert contract.disclosure_due_date == date(2026, 3, 15)
    assert disclosure.due_date == date(2026, 3, 15)
    assert sites.due_date == date(2026, 3, 15)

    # Once submitted, the disclosure keeps the date the contractor worked to.
    with scopes_disabled():
        Disclosure.objects.filter(pk=disclosure.pk).update(status=Disclosure.Status.SUBMITTED)
    client.post(f"/a/northvale/contracts/{contract.pk}/edit/", {**data, "disclosure_due_date": ""})
    with scopes_disabled():
        contract.refresh_from_db()
        disclosure.refresh_from_db()
    assert contract.disclosure_due_date == date(2026, 2, 9)  # back to the default
    assert disclosure.due_date == date(2026, 3, 15)


def test_including_the_conditions_later_adds_the_checklist(
    northvale, northvale_officer, contractor
):
    contract = _create(northvale, northvale_officer, contractor, ew_conditions_version="")
    with scopes_disabled():
        assert not contract.checklist.exists()
    with scope(affiliate=northvale):
        services.contract_update(
            contract=contract, by=northvale_officer, ew_conditions_version="v2.1"
        )
        services.contract_update(contract=contract, by=northvale_officer, title="Renamed")
    with scopes_disabled():
        assert contract.checklist.count() == 10
        assert Disclosure.objects.filter(contract=contract).count() == 1


def test_a_bad_edit_changes_nothing(client, northvale, northvale_officer, contractor):
    contract = _create(northvale, northvale_officer, contractor)
    _create(northvale, northvale_officer, contractor, reference="NV-2")
    client.force_login(northvale_officer)
    for bad, message in (
        ({"reference": "NV-2"}, "A contract with reference “NV-2” exists already."),
        ({"cpv_codes": "3021310X"}, "“3021310X” is not a CPV code"),
        ({"end_date": "2025-01-01"}, "The contract cannot end (1 January 2025)"),
        ({"value": "-5"}, "Ensure this value is greater than or equal to 0."),
    ):
        data = _form(contractor, **{"reference": "NV-1", "title": "Changed title", **bad})
        response = client.post(f"/a/northvale/contracts/{contract.pk}/edit/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
    with scopes_disabled():
        contract.refresh_from_db()
    assert contract.title == "Desktops"


# --- Checklist ---------------------------------------------------------------------------


def _item(contract, outcome="sites_disclosed"):
    with scopes_disabled():
        return contract.checklist.get(outcome=outcome)


def test_achieved_or_formal_request_needs_evidence(
    client, northvale, northvale_officer, contractor
):
    contract = _create(northvale, northvale_officer, contractor)
    item = _item(contract)
    url = f"/a/northvale/contracts/{contract.pk}/checklist/{item.pk}/"
    client.force_login(northvale_officer)
    assert "Production sites disclosed" in client.get(url).content.decode()
    for status, label in (("achieved", "Achieved"), ("formal_request", "Not achieved: formal")):
        response = client.post(url, {"status": status, "due_date": "", "evidence": "   "})
        assert response.status_code == 400
        assert f"Describe the evidence: it is required when the status is “{label}" in (
            response.content.decode()
        )
    with scopes_disabled():
        item.refresh_from_db()
    assert (item.status, item.evidence) == ("open", "")

    response = client.post(
        url,
        {"status": "achieved", "due_date": "2026-02-09", "evidence": "List received 2 Feb."},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/a/northvale/contracts/{contract.pk}/#checklist-{item.pk}"
    with scopes_disabled():
        item.refresh_from_db()
    assert (item.status, item.evidence, item.updated_by) == (
        "achieved",
        "List received 2 Feb.",
        northvale_officer,
    )


def test_checklist_row_is_edited_in_place_with_htmx(
    client, northvale, northvale_officer, contractor
):
    contract = _create(northvale, northvale_officer, contractor)
    item = _item(contract, "chemicals")
    url = f"/a/northvale/contracts/{contract.pk}/checklist/{item.pk}/"
    client.force_login(northvale_officer)

    form_row = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert form_row.strip().startswith(f'<tr id="checklist-{item.pk}">')
    assert "<html" not in form_row
    assert f'hx-post="{url}"' in form_row

    error_row = client.post(
        url, {"status": "achieved", "evidence": ""}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Describe the evidence" in error_row
    assert "<html" not in error_row

    saved_row = client.post(
        url,
        {"status": "not_applicable", "due_date": "", "evidence": ""},
        HTTP_HX_REQUEST="true",
    )
    body = saved_row.content.decode()
    assert saved_row.status_code == 200
    assert "“Chemical inventory provided” was saved." in body
    assert "Not applicable" in body
    assert "<form" not in body
    display = client.get(url + "?mode=display", HTTP_HX_REQUEST="true").content.decode()
    assert "Not applicable" in display


def test_viewer_reads_the_contract_but_cannot_edit_it_or_its_checklist(
    client, northvale, northvale_officer, northvale_viewer, contractor
):
    contract = _create(northvale, northvale_officer, contractor)
    item = _item(contract)
    client.force_login(northvale_viewer)
    page = client.get(f"/a/northvale/contracts/{contract.pk}/").content.decode()
    assert "Production sites disclosed" in page
    assert "/edit/" not in page
    assert "/checklist/" not in page
    assert client.get("/a/northvale/contracts/new/").status_code == 403
    assert client.post("/a/northvale/contracts/new/", _form(contractor)).status_code == 403
    assert client.get(f"/a/northvale/contracts/{contract.pk}/edit/").status_code == 403
    url = f"/a/northvale/contracts/{contract.pk}/checklist/{item.pk}/"
    assert client.post(url, {"status": "not_applicable"}).status_code == 403
    assert client.get("/a/northvale/contracts/import/").status_code == 403
    assert _contract_counts()[0] == 1
    with scopes_disabled():
        item.refresh_from_db()
    assert item.status == "open"


def test_checklist_item_of_another_contract_is_404(
    client, northvale, northvale_officer, contractor
):
    first = _create(northvale, northvale_officer, contractor)
    second = _create(northvale, northvale_officer, contractor, reference="NV-2")
    item = _item(first)
    client.force_login(northvale_officer)
    response = client.get(f"/a/northvale/contracts/{second.pk}/checklist/{item.pk}/")
    assert response.status_code == 404


# --- Query budget ------------------------------------------------------------------------


def test_contract_detail_stays_within_its_query_budget(
    client, northvale, northvale_officer, contractor, django_assert_max_num_queries
):
    contract = _create(northvale, northvale_officer, contractor)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(14):
        assert client.get(f"/a/northvale/contracts/{contract.pk}/").status_code == 200
