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
