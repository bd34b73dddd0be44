"""The companies of the registry through the API: the list and a company answered 500, because
a company's country (a django-countries value) was not serialisable (issue 17)."""

import pytest
from django.urls import reverse

from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def test_officer_lists_and_reads_the_companies_of_its_contracts_with_their_country(
    client, northvale, northvale_officer
):
    contractor = ContractFactory(affiliate=northvale, contractor=SupplierFactory(country="DE"))
    contractor = contractor.contractor
    client.force_login(northvale_officer)

    listing = client.get(reverse("supplier-list"))
    detail = client.get(reverse("supplier-detail", kwargs={"pk": contractor.pk}))

    assert listing.status_code == 200
    assert [(row["id"], row["country"]) for row in listing.json()["results"]] == [
        (contractor.pk, "DE")
    ]
    assert detail.status_code == 200
    assert detail.json()["country"] == "DE"


def test_staff_read_a_company_without_a_country(client, staff):
    company = SupplierFactory(country="")
    client.force_login(staff)

    response = client.get(reverse("supplier-detail", kwargs={"pk": company.pk}))

    assert response.status_code == 200
    assert response.json()["country"] == ""


def test_officer_reads_disclosures_with_their_contract_reference_and_line_count(
    client, northvale, northvale_officer
):
    """The rows show plain columns (`core.serializers.PlainColumns`): the contract's
    reference and the number of lines are read as annotations, identical in list and detail."""
    first = DisclosureFactory(contract=ContractFactory(affiliate=northvale, reference="T-2026-7"))
    DisclosureLineFactory.create_batch(2, disclosure=first)
    second = DisclosureFactory(contract=ContractFactory(affiliate=northvale, reference="T-2026-8"))
    client.force_login(northvale_officer)

    listing = client.get(reverse("disclosure-list"))
    detail = client.get(reverse("disclosure-detail", kwargs={"pk": first.pk}))

    rows = {row["id"]: row for row in listing.json()["results"]}
    assert {pk: (row["contract_reference"], row["line_count"]) for pk, row in rows.items()} == {
        first.pk: ("T-2026-7", 2),
        second.pk: ("T-2026-8", 0),
    }
    assert detail.json() == rows[first.pk]
    assert detail.json()["contract"] == first.contract_id
