"""The documented demo set of reference data: loaded by `seed_risk_reference` (and seed_demo),
every row with its source and year, idempotent."""

import pytest
from django.core.management import call_command

from core.models import ExchangeRate
from suppliers.models import (
    MigrationCorridor,
    PathfinderCountry,
    ProductCategory,
    Ratification,
)
from suppliers.reference_tables import TABLES

pytestmark = pytest.mark.django_db
MODELS = (Ratification, PathfinderCountry, MigrationCorridor, ProductCategory, ExchangeRate)


def _state():
    return {
        slug: sorted((row.pk, *table.export_values(row)) for row in table.model.objects.all())
        for slug, table in TABLES.items()
    }


def test_the_seed_loads_the_documented_set_and_a_second_run_changes_nothing():
    call_command("seed_risk_reference")
    first = _state()
    call_command("seed_risk_reference")

    assert _state() == first
    routes = {str(c) for c in MigrationCorridor.objects.all()}
    assert {
        "Nepal → Malaysia",
        "Bangladesh → Malaysia",
        "Myanmar → Thailand",
        "Nepal → India → Malaysia",
    } <= routes
    conventions = set(
        Ratification.objects.filter(country="TH").values_list("convention", flat=True)
    )
    assert conventions == {"C029", "P029", "C105", "C138", "C182", "C181", "C189"}
    assert set(PathfinderCountry.objects.values_list("country", flat=True)) == {"NP", "VN"}
    assert ProductCategory.objects.get(hs_code="8534").sector == "ict"
    assert ProductCategory.objects.filter(sector="lev", hs_code="8507").exists()
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) >= {
        "THB",
        "MYR",
        "GBP",
        "NPR",
        "BDT",
        "MMK",
    }
    assert ExchangeRate.objects.get(currency="NPR", date="2025-07-01").source.startswith("Nepal")
    for model in (Ratification, PathfinderCountry, MigrationCorridor, ProductCategory):
        assert not model.objects.filter(source="").exists()
        assert not model.objects.filter(year=None).exists()
    assert all("NORMLEX" in r.source for r in Ratification.objects.all())


def test_the_seed_has_a_rate_in_every_week_of_2024_to_2026_in_one_bulk_load(
    django_assert_max_num_queries,
):
    from datetime import date, timedelta
    from decimal import Decimal
    from itertools import pairwise

    with django_assert_max_num_queries(400):  # a form and a save per rate would be thousands
        call_command("seed_risk_reference")
    demo_currencies = {"THB", "MYR", "USD", "NPR", "BDT", "MMK"}
    for currency in demo_currencies | {"GBP", "CNY", "CZK", "VND"}:
        days = sorted(ExchangeRate.objects.filter(currency=currency).values_list("date", flat=True))
        assert days[0] == date(2024, 1, 1) and days[-1] >= date(2026, 12, 25), currency
        assert max(b - a for a, b in pairwise(days)) <= timedelta(days=7), currency
    # Published figures stay; a Monday between two is on the straight line between them:
    # USD 1.0321 on 2 January 2025, 1.0790 on 1 April (89 days): 3 February is 32 days on.
    assert ExchangeRate.objects.get(currency="USD", date="2025-04-01").units_per_euro == Decimal(
        "1.0790"
    )
    interpolated = ExchangeRate.objects.get(currency="USD", date="2025-02-03")
    assert interpolated.units_per_euro == Decimal("1.04896")  # 1.0321 + 0.0469 × 32 / 89
    assert interpolated.source.startswith("Demo figure interpolated from European Central Bank")
    # Before the first figure, the first one.
    assert ExchangeRate.objects.get(currency="MMK", date="2024-06-03").units_per_euro == 2185
