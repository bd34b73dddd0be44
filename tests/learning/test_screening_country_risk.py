"""The country risk table: EW staff keep it (list, add, edit, delete), each figure with its
source and year; nobody else can read its pages or change it."""

import pytest
from django.urls import reverse

from suppliers.models import CountryRiskIndicator

pytestmark = pytest.mark.django_db

FIGURE = {
    "country": "MY",
    "indicator": "forced_labour",
    "value": "Listed: electronics (forced labour)",
    "level": "high",
    "source": "U.S. DoL, List of Goods Produced by Child Labor or Forced Labor 2024",
    "source_url": "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods",
    "year": "2024",
    "note": "",
}


def _figure(**fields):
    data = {**FIGURE, "year": 2024, **fields}
    return CountryRiskIndicator.objects.create(**data)


def test_staff_add_a_figure_with_its_source_and_year(client, staff):
    client.force_login(staff)

    response = client.post(reverse("learning:country_risk_create"), FIGURE)

    assert response.status_code == 302
    figure = CountryRiskIndicator.objects.get()
    assert figure.source.startswith("U.S. DoL")
    assert figure.year == 2024
    assert figure.updated_by == staff
    listing = client.get(reverse("learning:country_risk_list")).content.decode()
    assert "Malaysia" in listing
    assert "List of Goods Produced by Child Labor or Forced Labor 2024" in listing


def test_a_second_figure_for_the_same_year_is_refused_clearly(client, staff):
    _figure()
    client.force_login(staff)

    response = client.post(reverse("learning:country_risk_create"), {**FIGURE, "value": "other"})

    assert response.status_code == 400
    assert "There is already a figure for this indicator in Malaysia for 2024" in (
        response.content.decode()
    )
    assert CountryRiskIndicator.objects.count() == 1


def test_a_figure_without_source_or_year_is_refused(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("learning:country_risk_create"), {**FIGURE, "source": "", "year": ""}
    )

    assert response.status_code == 400
    assert not CountryRiskIndicator.objects.exists()


def test_staff_edit_and_delete_a_figure(client, staff):
    figure = _figure()
    client.force_login(staff)

    client.post(
        reverse("learning:country_risk_update", args=[figure.pk]),
        {**FIGURE, "value": "Listed: electronics, gloves"},
    )
    figure.refresh_from_db()
    assert figure.value == "Listed: electronics, gloves"
    confirm = client.get(reverse("learning:country_risk_delete", args=[figure.pk]))
    assert "Delete the figure" in confirm.content.decode()
    client.post(reverse("learning:country_risk_delete", args=[figure.pk]))
    assert not CountryRiskIndicator.objects.exists()


def test_affiliate_members_cannot_read_or_change_the_table(client, northvale_admin):
    figure = _figure()
    client.force_login(northvale_admin)

    assert client.get(reverse("learning:country_risk_list")).status_code == 404
    assert client.post(reverse("learning:country_risk_create"), FIGURE).status_code == 404
    response = client.post(
        reverse("learning:country_risk_update", args=[figure.pk]), {**FIGURE, "value": "changed"}
    )
    assert response.status_code == 404
    assert client.post(reverse("learning:country_risk_delete", args=[figure.pk])).status_code == 404
    figure.refresh_from_db()
    assert figure.value == FIGURE["value"]


def test_partner_members_cannot_change_the_table(client, partner_member):
    client.force_login(partner_member)

    assert client.post(reverse("learning:country_risk_create"), FIGURE).status_code == 404
    assert not CountryRiskIndicator.objects.exists()


def test_the_list_page_costs_the_same_with_many_figures(
    client, staff, django_assert_max_num_queries
):
    _figure()
    client.force_login(staff)
    url = reverse("learning:country_risk_list")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for year in range(1995, 2025):
        _figure(country="TH", year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 31
