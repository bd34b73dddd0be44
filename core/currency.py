"""Amounts in other currencies converted to euros at the rate of their day (core.ExchangeRate)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from .models import ExchangeRate

CENT = Decimal("0.01")

# How old the latest published rate may be for a day: central banks publish on working days
# only, so a fee paid on a Sunday takes Friday's rate; a longer gap means the table is missing
# rates and a converted figure would mislead.
MAX_RATE_AGE_DAYS = 7


class NoExchangeRate(ValueError):
    """No rate of that currency within MAX_RATE_AGE_DAYS before the day: nothing converted."""


@dataclass(frozen=True)
class Converted:
    amount_eur: Decimal
    rate: ExchangeRate | None  # None for an amount already in euros


def to_eur(amount: Decimal, currency: str, on: date) -> Converted:
    """`amount` of `currency` paid on `on`, in euros, with the rate used (latest on or before)."""
    currency = currency.upper()
    if currency == "EUR":
        return Converted(Decimal(amount).quantize(CENT, ROUND_HALF_UP), None)
    rate = ExchangeRate.objects.filter(currency=currency, date__lte=on).order_by("-date").first()
    if rate is None or (on - rate.date).days > MAX_RATE_AGE_DAYS:
        raise NoExchangeRate(
            _("No exchange rate for %(currency)s on or in the week before %(date)s.")
            % {"currency": currency, "date": formats.date_format(on, "DATE_FORMAT")}
        )
    eur = (Decimal(amount) / rate.units_per_euro).quantize(CENT, ROUND_HALF_UP)
    return Converted(eur, rate)


def format_money(amount: Decimal) -> str:
    """An amount for a message, with two decimals and thousands separators in the language of
    the request ("6,766,857.50"; the templates use `floatformat:"2g"`)."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)
