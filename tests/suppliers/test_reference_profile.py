"""`country_risk_profile`: per country, its risk levels (latest year), ratification statuses and
pathfinder flag, with source and year, in a fixed number of queries."""

import pytest

from suppliers.models import CountryRiskIndicator, PathfinderCountry, Ratification
from suppliers.reference import country_risk_profile

pytestmark = pytest.mark.django_db


def _level(country, indicator, level, year, source="U.S. DoL"):
    return CountryRiskIndicator.objects.create(
        country=country, indicator=indicator, value=level, level=level, source=source, year=year
    )


def test_a_profile_has_the_latest_levels_the_ratifications_and_the_pathfinder_flag(
    django_assert_num_queries,
):
    _level("NP", "forced_labour", "medium", 2022)
    _level("NP", "forced_labour", "high", 2024, source="DoL 2024")
    _level("NP", "child_labour", "high", 2023)
    _level("NP", "slavery_prevalence", "low", 2025)
    Ratification.objects.create(
        country="NP", convention="P029", status="not_ratified", source="NORMLEX", year=2025
    )
    Ratification.objects.create(
        country="NP", convention="C182", status="in_force", source="NORMLEX", year=2025
    )
    PathfinderCountry.objects.create(country="NP", source="Alliance 8.7", year=2025)
    Ratification.objects.create(
        country="MY", convention="C105", status="denounced", source="NORMLEX", year=2025
    )

    with django_assert_num_queries(3):
        profiles = country_risk_profile(["np", "MY", "GB", ""])

    nepal = profiles["NP"]
    assert (nepal.forced_labour.value, nepal.forced_labour.year) == ("high", 2024)
    assert nepal.forced_labour.source == "DoL 2024"
    assert (nepal.child_labour.value, nepal.child_labour.year) == ("high", 2023)
    assert nepal.ratifications["C182"].label == "Ratified, in force"
    assert nepal.unratified() == ["P029"]
    assert nepal.is_pathfinder and nepal.pathfinder.source == "Alliance 8.7"
    assert profiles["MY"].unratified() == ["C105"]
    assert not profiles["MY"].is_pathfinder and profiles["MY"].forced_labour is None
    assert profiles["GB"].ratifications == {}
    assert set(profiles) == {"NP", "MY", "GB"}


def test_the_number_of_queries_does_not_grow_with_countries(django_assert_num_queries):
    codes = ["TH", "MY", "CN", "VN", "NP", "BD", "MM", "CZ"]
    for code in codes:
        _level(code, "forced_labour", "high", 2024)
        Ratification.objects.create(
            country=code, convention="C029", status="in_force", source="NORMLEX", year=2025
        )
    with django_assert_num_queries(3):
        profiles = country_risk_profile(codes)
    assert all(p.forced_labour.value == "high" for p in profiles.values())
    assert country_risk_profile([]) == {}
