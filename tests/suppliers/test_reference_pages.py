"""The staff pages of the risk reference data (/staff/reference/): a list per table with a
country filter, add, edit, delete after confirmation, each row with its source and year; clear
messages for bad input; nobody but EW staff can reach them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.models import ExchangeRate
from suppliers.models import (
    CountryRiskIndicator,
    MigrationCorridor,
    PathfinderCountry,
    Ratification,
)

pytestmark = pytest.mark.django_db

SOURCE = {
    "source": "ILO NORMLEX, ratifications by country",
    "source_url": "https://normlex.ilo.org/",
    "year": "2025",
    "note": "",
}
COUNTRY_RISK = {
    "country": "MY",
    "indicator": "forced_labour",
    "value": "Listed: electronics",
    "level": "high",
    "source": "U.S. DoL",
    "source_url": "",
    "note": "",
}
CORRIDOR = {"origin": "NP", "transit": "", "destination": "MY", "priority": "on", **SOURCE}


def _corridor(**fields):
    data = {"origin": "NP", "destination": "MY", "source": "IOM", "year": 2024, **fields}
    return MigrationCorridor.objects.create(**data)


def test_staff_add_a_ratification_and_see_it_listed_with_its_linked_source(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("suppliers:reference_ratifications_create"),
        {"country": "th", "convention": "P029", "status": "in_force", "ratified_on": "2018-06-04"}
        | SOURCE,
    )

    assert response.status_code == 302
    ratification = Ratification.objects.get()
    assert (ratification.country.code, ratification.convention) == ("TH", "P029")
    listing = client.get(reverse("suppliers:reference_ratifications")).content.decode()
    assert "Thailand" in listing
    assert '<a href="https://normlex.ilo.org/" rel="noopener noreferrer">ILO NORMLEX' in listing
    assert "<td>2025</td>" in listing


def test_the_list_filters_by_country_including_transit_countries(client, staff):
    _corridor()
    _corridor(transit=["IN"])
    _corridor(origin="MM", destination="TH")
    client.force_login(staff)
    url = reverse("suppliers:reference_corridors")

    india = client.get(url, {"country": "IN"})
    nepal = client.get(url, {"country": "NP"})

    assert [str(row) for row in india.context["object_list"]] == ["Nepal → India → Malaysia"]
    assert india.context["paginator"].count == 1
    assert nepal.context["paginator"].count == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"origin": "XX"}, "“XX” is not a country: give its two-letter code"),
        ({"destination": "NP"}, "The country of destination is the country of origin."),
        ({"transit": "IN, MY"}, "Malaysia is the country of origin or destination"),
        ({"transit": "IN IN"}, "India is named twice among the transit countries."),
        ({"transit": "ZZ"}, "“ZZ” is not a country code"),
        ({}, "This route is already recorded."),
    ],
)
def test_a_wrong_corridor_is_refused_with_a_specific_message(client, staff, fields, message):
    _corridor()
    client.force_login(staff)

    response = client.post(reverse("suppliers:reference_corridors_create"), CORRIDOR | fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert MigrationCorridor.objects.count() == 1


@pytest.mark.parametrize(
    ("rate", "message"),
    [("0", "A rate is more than zero."), ("-3", "A rate is more than zero.")],
)
def test_an_exchange_rate_must_be_positive(client, staff, rate, message):
    client.force_login(staff)

    response = client.post(
        reverse("suppliers:reference_exchange-rates_create"),
        {"currency": "thb", "date": "2025-07-01", "units_per_euro": rate, "source": "ECB"},
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_a_second_rate_for_the_same_day_and_a_rate_for_the_euro_are_refused(client, staff):
    ExchangeRate.objects.create(
        currency="THB", date=date(2025, 7, 1), units_per_euro=Decimal("38"), source="ECB"
    )
    client.force_login(staff)
    url = reverse("suppliers:reference_exchange-rates_create")
    rate = {"currency": "THB", "date": "2025-07-01", "units_per_euro": "39", "source": "ECB"}

    duplicate = client.post(url, rate)
    euro = client.post(url, rate | {"currency": "EUR"})

    assert "The rate of THB on 1 July 2025 is already recorded." in duplicate.content.decode()
    assert "the euro needs none" in euro.content.decode()
    assert ExchangeRate.objects.get().units_per_euro == Decimal("38")


def test_a_ratification_date_on_a_convention_not_ratified_is_refused(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("suppliers:reference_ratifications_create"),
        {
            "country": "CN",
            "convention": "P029",
            "status": "not_ratified",
            "ratified_on": "2020-01-01",
        }
        | SOURCE,
    )

    assert response.status_code == 400
    assert "A convention that is not ratified has no ratification date." in (
        response.content.decode()
    )


def test_staff_edit_a_corridor_and_delete_it_after_confirming(client, staff):
    corridor = _corridor()
    client.force_login(staff)

    form = client.get(reverse("suppliers:reference_corridors_update", args=[corridor.pk]))
    assert form.status_code == 200
    client.post(
        reverse("suppliers:reference_corridors_update", args=[corridor.pk]),
        CORRIDOR | {"transit": "in"},
    )
    corridor.refresh_from_db()
    assert corridor.transit == ["IN"]
    assert corridor.priority is True

    confirm = client.get(reverse("suppliers:reference_corridors_delete", args=[corridor.pk]))
    assert "Delete “Nepal → India → Malaysia”" in confirm.content.decode()
    assert MigrationCorridor.objects.exists()
    client.post(reverse("suppliers:reference_corridors_delete", args=[corridor.pk]))
    assert not MigrationCorridor.objects.exists()


def test_the_index_lists_every_table_with_its_count(client, staff):
    PathfinderCountry.objects.create(country="NP", source="Alliance 8.7", year=2025)
    client.force_login(staff)

    page = client.get(reverse("suppliers:reference")).content.decode()

    assert "Alliance 8.7 pathfinder countries" in page
    assert reverse("suppliers:reference_pathfinders") in page
    assert reverse("learning:country_risk_list") in page
    assert reverse("suppliers:reference_exchange-rates_import") in page


def test_affiliate_members_and_partners_cannot_reach_the_pages(
    client, northvale_admin, partner_member
):
    corridor = _corridor()
    for user in (northvale_admin, partner_member):
        client.force_login(user)
        for url in (
            reverse("suppliers:reference"),
            reverse("suppliers:reference_corridors"),
            reverse("suppliers:reference_corridors_export"),
            reverse("suppliers:reference_corridors_update", args=[corridor.pk]),
        ):
            assert client.get(url).status_code == 404
        response = client.post(reverse("suppliers:reference_corridors_create"), CORRIDOR)
        assert response.status_code == 404
        deleted = client.post(reverse("suppliers:reference_corridors_delete", args=[corridor.pk]))
        assert deleted.status_code == 404
    assert MigrationCorridor.objects.count() == 1


def test_the_list_page_costs_the_same_with_many_rows(client, staff, django_assert_max_num_queries):
    _corridor()
    client.force_login(staff)
    url = reverse("suppliers:reference_corridors")
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    for code in ("TH", "VN", "CN", "KH", "LA", "PH", "ID", "SG", "JP", "KR"):
        _corridor(destination=code, transit=["IN"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["paginator"].count == 11


@pytest.mark.parametrize(
    "slug", ["ratifications", "pathfinders", "corridors", "products", "exchange-rates"]
)
def test_every_table_page_and_its_forms_open_for_staff_with_the_seeded_set(client, staff, slug):
    from django.core.management import call_command

    call_command("seed_risk_reference")
    client.force_login(staff)

    listing = client.get(reverse(f"suppliers:reference_{slug}"))
    row = listing.context["object_list"][0]
    assert client.get(reverse(f"suppliers:reference_{slug}_create")).status_code == 200
    assert (
        client.get(reverse(f"suppliers:reference_{slug}_update", args=[row.pk])).status_code == 200
    )
    assert client.get(reverse(f"suppliers:reference_{slug}_import")).status_code == 200
    assert listing.status_code == 200
    assert row.source in listing.content.decode()


def test_exchange_rates_filter_by_currency(client, staff):
    ExchangeRate.objects.create(
        currency="THB", date=date(2025, 7, 1), units_per_euro=Decimal("38"), source="ECB"
    )
    ExchangeRate.objects.create(
        currency="MYR", date=date(2025, 7, 1), units_per_euro=Decimal("4.9"), source="ECB"
    )
    client.force_login(staff)

    response = client.get(reverse("suppliers:reference_exchange-rates"), {"currency": "myr"})

    assert [r.currency for r in response.context["object_list"]] == ["MYR"]


def test_editing_or_deleting_a_row_returns_to_the_list_with_its_filter(client, staff):
    corridor = _corridor(transit=["IN"])
    _corridor(origin="MM", destination="TH")
    client.force_login(staff)
    listing = reverse("suppliers:reference_corridors")
    edit = reverse("suppliers:reference_corridors_update", args=[corridor.pk])
    delete = reverse("suppliers:reference_corridors_delete", args=[corridor.pk])

    page = client.get(listing, {"country": "IN", "page": "1"}).content.decode()
    assert f'href="{edit}?country=IN&amp;page=1"' in page
    assert f'href="{delete}?country=IN&amp;page=1"' in page
    form = client.get(f"{edit}?country=IN&page=1").content.decode()
    assert f'<a href="{listing}?country=IN&amp;page=1">Back to' in form
    # Only the list's own parameters ride along: a `next` elsewhere is dropped.
    saved = client.post(
        f"{edit}?country=IN&page=1&next=https://evil.example/", CORRIDOR | {"transit": "IN"}
    )
    assert saved.status_code == 302
    assert saved.url == f"{listing}?country=IN&page=1"
    deleted = client.post(f"{delete}?country=IN&page=1")
    assert deleted.url == f"{listing}?country=IN"
    assert (
        client.post(
            reverse("suppliers:reference_corridors_update", args=[_corridor().pk]), CORRIDOR
        ).url
        == listing
    )


def test_an_exchange_rate_edit_returns_to_the_list_of_its_currency(client, staff):
    rate = ExchangeRate.objects.create(
        currency="THB", date=date(2025, 7, 1), units_per_euro=Decimal("38"), source="ECB"
    )
    client.force_login(staff)
    edit = reverse("suppliers:reference_exchange-rates_update", args=[rate.pk])

    response = client.post(
        f"{edit}?currency=THB",
        {"currency": "THB", "date": "2025-07-01", "units_per_euro": "38.5", "source": "ECB"},
    )

    assert response.url == reverse("suppliers:reference_exchange-rates") + "?currency=THB"


def test_a_country_risk_figure_edit_returns_to_the_list_with_its_filters(client, staff):
    figure = CountryRiskIndicator.objects.create(**COUNTRY_RISK, year=2024)
    client.force_login(staff)
    listing = reverse("learning:country_risk_list")
    edit = reverse("learning:country_risk_update", args=[figure.pk])
    delete = reverse("learning:country_risk_delete", args=[figure.pk])
    query = "?country=MY&indicator=forced_labour"

    page = client.get(listing + query).content.decode()
    assert f'href="{edit}?country=MY&amp;indicator=forced_labour"' in page
    saved = client.post(
        edit + query + "&next=//evil.example", COUNTRY_RISK | {"value": "Listed", "year": "2024"}
    )
    assert saved.url == listing + query
    assert client.post(delete + query + "&page=3").url == listing + query


def test_the_country_risk_list_links_back_to_the_reference_data_and_to_its_csv(client, staff):
    client.force_login(staff)

    page = client.get(reverse("learning:country_risk_list")).content.decode()

    assert f'<a href="{reverse("suppliers:reference")}">Back to the risk reference data</a>' in page
    assert f'href="{reverse("suppliers:reference_country-risk_export")}"' in page
    assert f'href="{reverse("suppliers:reference_country-risk_import")}"' in page


def test_a_ratification_date_in_the_future_is_refused(client, staff):
    client.force_login(staff)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        reverse("suppliers:reference_ratifications_create"),
        {"country": "TH", "convention": "C029", "status": "in_force", "ratified_on": tomorrow}
        | SOURCE,
    )

    assert response.status_code == 400
    assert f"{date_format(tomorrow, 'DATE_FORMAT')} is in the future" in response.content.decode()
    assert not Ratification.objects.exists()
