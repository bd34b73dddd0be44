"""The companies of the registry through the API: the list and a company answered 500, because
a company's country (a django-countries value) was not serialisable (issue 17)."""

import pytest
from django.urls import reverse

from tests.factories import ContractFactory, SupplierFactory

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
