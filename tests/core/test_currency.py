"""core.currency.to_eur: an amount at the rate of its day (the latest published on or before
it, no older than a week); the euro untouched."""

from datetime import date
from decimal import Decimal

import pytest

from core.currency import NoExchangeRate, to_eur
from core.models import ExchangeRate

pytestmark = pytest.mark.django_db


def _rate(currency, day, units):
    return ExchangeRate.objects.create(
        currency=currency, date=day, units_per_euro=Decimal(units), source="ECB"
    )


def test_three_currencies_convert_with_the_rate_of_their_date():
    _rate("THB", date(2025, 7, 1), "38.15")
    thb_later = _rate("THB", date(2025, 9, 1), "37.78")
    myr = _rate("MYR", date(2025, 7, 1), "4.95")
    npr = _rate("NPR", date(2025, 7, 1), "161")

    thb = to_eur(Decimal("18000"), "thb", date(2025, 9, 1))
    assert (thb.amount_eur, thb.rate) == (Decimal("476.44"), thb_later)  # 18000 / 37.78
    assert to_eur(Decimal("18000"), "THB", date(2025, 7, 1)).amount_eur == Decimal("471.82")
    assert to_eur(Decimal("4500"), "MYR", date(2025, 7, 1)).rate == myr
    assert to_eur(Decimal("4500"), "MYR", date(2025, 7, 1)).amount_eur == Decimal("909.09")
    converted = to_eur(Decimal("150000"), "NPR", date(2025, 7, 3))
    assert (converted.amount_eur, converted.rate) == (Decimal("931.68"), npr)


def test_a_weekend_day_uses_fridays_rate():
    friday = _rate("GBP", date(2025, 8, 29), "0.8650")
    _rate("GBP", date(2025, 9, 1), "0.8677")  # the Monday after

    sunday = to_eur(Decimal("100"), "GBP", date(2025, 8, 31))

    assert sunday.rate == friday
    assert sunday.amount_eur == Decimal("115.61")


def test_a_gap_of_more_than_a_week_is_refused():
    _rate("BDT", date(2025, 7, 1), "143")

    assert to_eur(Decimal("1000"), "BDT", date(2025, 7, 8)).amount_eur == Decimal("6.99")
    with pytest.raises(NoExchangeRate, match="No exchange rate for BDT"):
        to_eur(Decimal("1000"), "BDT", date(2025, 7, 9))
    with pytest.raises(NoExchangeRate):
        to_eur(Decimal("1000"), "BDT", date(2025, 6, 30))  # before the first rate


def test_euros_are_untouched_and_need_no_rate():
    converted = to_eur(Decimal("12.345"), "eur", date(2025, 7, 1))
    assert (converted.amount_eur, converted.rate) == (Decimal("12.35"), None)
