"""The read-only API of the reference data: any signed-in user reads it, paginated and filtered,
in a fixed number of queries; nobody writes through it."""

import pytest
from django.core.management import call_command
from django.urls import resolve, reverse

from suppliers.models import MigrationCorridor, Ratification

pytestmark = pytest.mark.django_db
SRC = {"source": "IOM", "year": 2024}


def test_any_signed_in_user_reads_the_corridors_filtered_by_country(
    client, northvale_officer, partner_member
):
    MigrationCorridor.objects.create(origin="NP", transit=["IN"], destination="MY", **SRC)
    MigrationCorridor.objects.create(origin="MM", destination="TH", **SRC)
    for user in (northvale_officer, partner_member):
        client.force_login(user)
        response = client.get(reverse("corridor-list"), {"country": "in"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        row = body["results"][0]
        assert (row["origin"], row["transit"], row["destination"]) == ("NP", ["IN"], "MY")
        assert row["source"] == "IOM" and row["year"] == 2024


def test_anonymous_callers_are_refused_and_nobody_writes(client, staff):
    assert client.get(reverse("ratification-list")).status_code in (401, 403)
    client.force_login(staff)
    response = client.post(
        reverse("ratification-list"),
        {"country": "TH", "convention": "C029", "status": "in_force", **SRC},
        content_type="application/json",
    )
    assert response.status_code == 405
    assert not Ratification.objects.exists()


@pytest.mark.parametrize(
    "name",
    [
        "ratification-list",
        "pathfinder-list",
        "corridor-list",
        "productcategory-list",
        "exchangerate-list",
        "countryrisk-list",
    ],
)
def test_every_list_answers_in_a_fixed_number_of_queries(
    client, northvale_officer, name, django_assert_max_num_queries
):
    call_command("seed_risk_reference")
    client.force_login(northvale_officer)
    url = reverse(name)
    model = resolve(url).func.cls.queryset.model
    model.objects.exclude(pk=model.objects.order_by("pk").first().pk).delete()
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        assert client.get(url).status_code == 200
    call_command("seed_risk_reference")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.json()["count"] > 0


def test_the_schema_tags_the_reference_routes(client, staff):
    client.force_login(staff)
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/reference/corridors/"]["get"]
    assert operation["tags"] == ["Risk reference data"]
    assert "/api/v1/reference/exchange-rates/{id}/" in schema["paths"]
