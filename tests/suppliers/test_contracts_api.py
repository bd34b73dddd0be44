"""The contracts API: /api/v1/contracts/."""

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Membership
from suppliers.models import ChecklistItem, Contract, Disclosure, Supplier
from tests.factories import ContractFactory, DisclosureFactory, SupplierFactory, member

URL = "/api/v1/contracts/"


@pytest.fixture
def contractor(db):
    return SupplierFactory(name="Northern Resellers Ltd")


def _payload(contractor, **overrides):
    body = {
        "reference": "NV-API-1",
        "title": "Monitors for the town hall",
        "contractor": contractor.pk if contractor else None,
        "product_categories": ["monitors"],
        "cpv_codes": ["30231000-7"],
        "brands": "Eizo",
        "value": "1160.00",
        "currency": "NOK",
        "awarded_on": "2026-03-02",
        "start_date": "2026-04-01",
        "end_date": "2027-03-31",
        "ew_conditions_version": "v2",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None or key in overrides}


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def _counts():
    with scopes_disabled():
        return (
            Contract.objects.count(),
            ChecklistItem.objects.count(),
            Disclosure.objects.count(),
            Supplier.objects.count(),
        )


def test_officer_creates_a_contract_through_the_service(
    client, northvale, southport, northvale_officer, contractor
):
    client.force_login(northvale_officer)
    response = _post(
        client,
        _payload(contractor, affiliate="southport", value_eur="1", id=12345),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    with scopes_disabled():
        contract = Contract.objects.get()
        disclosure = Disclosure.objects.get()
    assert body["id"] == contract.pk != 12345
    assert body["affiliate"] == "northvale"
    assert contract.affiliate == northvale
    assert body["value_eur"] == "100.00"  # 1160 NOK at 11.6, whatever the caller sent
    assert body["disclosure_due_date"] == "2026-04-01"
    assert body["disclosure_status"] == "requested"
    assert "contractor_name" not in body
    assert disclosure.due_date == date(2026, 4, 1)
    with scopes_disabled():
        assert contract.checklist.count() == 10


def test_a_new_contractor_can_be_named(client, northvale_officer, db):
    client.force_login(northvale_officer)
    response = _post(client, _payload(None, contractor_name="Brand New Reseller"))
    assert response.status_code == 201, response.json()
    supplier = Supplier.objects.get(name="Brand New Reseller")
    assert supplier.is_contractor
    assert response.json()["contractor"] == supplier.pk


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"cpv_codes": ["30213100", "123"]},
            "cpv_codes",
            "“123” is not a CPV code",
        ),
        (
            {"currency": "XYZ"},
            "currency",
            "There is no exchange rate for the currency “XYZ”.",
        ),
        (
            {"end_date": "2026-01-01"},
            "end_date",
            "The contract cannot end (1 January 2026) before it starts (1 April 2026).",
        ),
        (
            {"reference": "NV-TAKEN"},
            "reference",
            "A contract with reference “NV-TAKEN” exists already.",
        ),
        (
            {"product_categories": ["toasters"]},
            "product_categories",
            '"toasters" is not a valid choice.',
        ),
        ({"contractor": None}, "contractor", "This field may not be null."),
    ],
)
def test_bad_input_is_refused_with_a_specific_message_and_saves_nothing(
    client, northvale, northvale_officer, contractor, change, field, message
):
    with scopes_disabled():
        ContractFactory(affiliate=northvale, reference="NV-TAKEN", contractor=contractor)
    before = _counts()
    client.force_login(northvale_officer)
    response = _post(client, {**_payload(contractor), **change})
    assert response.status_code == 400
    errors = response.json()[field]
    flat = str(errors)
    assert message in flat
    assert _counts() == before


def test_partial_update_goes_through_the_service(client, northvale, northvale_officer, contractor):
    client.force_login(northvale_officer)
    created = _post(client, _payload(contractor, ew_conditions_version="")).json()
    with scopes_disabled():
        assert not ChecklistItem.objects.exists()
    response = client.patch(
        f"{URL}{created['id']}/",
        {"currency": "EUR", "ew_conditions_version": "v2.1", "awarded_on": "2026-03-12"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["value_eur"] == "1160.00"
    assert body["title"] == "Monitors for the town hall"
    assert body["disclosure_due_date"] == "2026-04-11"  # the default follows the award date
    with scopes_disabled():
        assert ChecklistItem.objects.count() == 10
        assert Disclosure.objects.get().due_date == date(2026, 4, 11)
    response = client.patch(
        f"{URL}{created['id']}/", {"start_date": "2028-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert (
        "cannot end (31 March 2027) before it starts (1 January 2028)"
        in response.json()["end_date"][0]
    )


def test_put_and_delete_are_not_offered(client, northvale, northvale_officer, contractor):
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, contractor=contractor)
    client.force_login(northvale_officer)
    url = f"{URL}{contract.pk}/"
    assert client.put(url, {}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert _counts()[0] == 1


def test_viewer_reads_but_cannot_write(client, northvale, contractor):
    viewer = member(northvale, Membership.Role.VIEWER)
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, contractor=contractor, title="Original")
    client.force_login(viewer)
    assert client.get(URL).json()["count"] == 1
    assert client.get(f"{URL}{contract.pk}/").json()["title"] == "Original"
    response = _post(client, _payload(contractor))
    assert response.status_code == 403
    assert response.json() == {"detail": "Viewers may read contracts but not change them."}
    response = client.patch(
        f"{URL}{contract.pk}/", {"title": "Changed"}, content_type="application/json"
    )
    assert response.status_code == 403
    with scopes_disabled():
        contract.refresh_from_db()
    assert contract.title == "Original"
    assert _counts()[0] == 1


def test_list_filters_and_search(client, northvale, northvale_officer, contractor):
    other = SupplierFactory()
    with scopes_disabled():
        ContractFactory(
            affiliate=northvale, reference="A-1", contractor=contractor, brands="Fairlane Phones"
        )
        ContractFactory(
            affiliate=northvale,
            reference="A-2",
            contractor=other,
            ew_conditions_version="",
            cpv_codes=["32250000-0"],
        )
        ContractFactory(
            affiliate=northvale, reference="A-3", contractor=other, title="Electric buses"
        )
    client.force_login(northvale_officer)

    def refs(query):
        response = client.get(URL + query)
        assert response.status_code == 200, response.json()
        return sorted(item["reference"] for item in response.json()["results"])

    assert refs("") == ["A-1", "A-2", "A-3"]
    assert refs("?ew_conditions=true") == ["A-1", "A-3"]
    assert refs("?ew_conditions=false") == ["A-2"]
    assert refs(f"?contractor={other.pk}") == ["A-2", "A-3"]
    assert refs(f"?contractor={other.pk}&ew_conditions=true") == ["A-3"]
    assert refs("?q=fairlane") == ["A-1"]
    assert refs("?q=32250000") == ["A-2"]
    assert refs("?q=buses") == ["A-3"]
    response = client.get(URL + "?ew_conditions=perhaps")
    assert response.status_code == 400
    assert response.json() == {"ew_conditions": ["Must be a valid boolean."]}


def test_another_affiliates_contracts_are_never_listed_or_found(
    client, northvale, southport, northvale_officer, contractor
):
    with scopes_disabled():
        theirs = ContractFactory(
            affiliate=southport,
            reference="SP-SECRET-7",
            value=Decimal("987654.32"),
            contractor=contractor,
        )
        DisclosureFactory(contract=theirs)
        ContractFactory(affiliate=northvale, reference="NV-OWN", contractor=contractor)
    client.force_login(northvale_officer)
    for query in ("", "?q=SP-SECRET", f"?contractor={contractor.pk}", "?page_size=1000"):
        body = client.get(URL + query).content.decode()
        assert "SP-SECRET-7" not in body
        assert "987654" not in body
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    response = client.patch(
        f"{URL}{theirs.pk}/", {"title": "Mine now"}, content_type="application/json"
    )
    assert response.status_code == 404
    with scopes_disabled():
        theirs.refresh_from_db()
    assert theirs.title != "Mine now"


def test_the_other_affiliates_member_cannot_name_it(client, northvale, southport_officer):
    client.force_login(southport_officer)
    assert client.get(URL + "?affiliate=northvale").status_code == 404


def test_anonymous_callers_are_refused(client, db):
    assert client.get(URL).status_code in {401, 403}


def test_contract_list_stays_within_its_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    for count in (3, 37):
        with scopes_disabled():
            for _ in range(count):
                DisclosureFactory(contract=ContractFactory(affiliate=northvale))
        with django_assert_max_num_queries(8):
            response = client.get(URL + "?q=lot&ew_conditions=true")
        assert response.status_code == 200
        assert response.json()["results"][0]["disclosure_status"] == "requested"


def test_the_schema_documents_the_contracts_api(client, northvale_officer):
    client.force_login(northvale_officer)
    schema = client.get("/api/schema/?format=json").json()
    operations = schema["paths"]["/api/v1/contracts/"]
    assert {"get", "post"} <= set(operations)
    assert {"get", "patch"} == set(schema["paths"]["/api/v1/contracts/{id}/"]) - {"parameters"}
    parameters = {p["name"] for p in operations["get"]["parameters"]}
    assert {"ew_conditions", "contractor", "q", "page"} <= parameters
    contract = schema["components"]["schemas"]["Contract"]
    assert {"id", "affiliate", "value_eur"} <= set(contract["required"]) | {
        name for name, field in contract["properties"].items() if field.get("readOnly")
    }
    assert contract["properties"]["value_eur"]["readOnly"] is True
    assert contract["properties"]["affiliate"]["readOnly"] is True
    assert contract["properties"]["contractor_name"]["writeOnly"] is True
