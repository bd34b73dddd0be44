"""The demo data of the risk screening: country figures with their source and year, a saved
screening and one turned into a contract; loading twice adds nothing."""

from django.core.management import call_command
from django_scopes import scope

from affiliates.models import Affiliate
from learning.models import Screening
from suppliers.models import CountryRiskIndicator


def _screenings():
    with scope(affiliate=Affiliate.objects.get(slug="northvale")):
        return list(Screening.objects.select_related("contract").order_by("title"))


def test_the_demo_has_a_saved_and_an_awarded_screening(db):
    call_command("seed_demo", verbosity=0)
    figures, screenings = CountryRiskIndicator.objects.count(), _screenings()
    call_command("seed_demo", verbosity=0)

    assert CountryRiskIndicator.objects.count() == figures >= 5
    assert all(f.source and f.year for f in CountryRiskIndicator.objects.all())
    assert [s.pk for s in _screenings()] == [s.pk for s in screenings]
    statuses = {s.status: s for s in screenings}
    assert set(statuses) == {Screening.Status.SAVED, Screening.Status.AWARDED}
    assert statuses[Screening.Status.AWARDED].contract.reference == "NV-ICT-2025-01"
    assert statuses[Screening.Status.SAVED].results["country_indicators"]
