"""Amounts of money for people to read, in the conventions of the active language (Babel's
CLDR data): English pages in British form ("THB 3,598,000.00", "€3,598,000.00"), French
pages in French form ("3 598 000,00 THB", "3 598 000,00 €", with the narrow no-break spaces
Babel gives). The euro, and the currency of the reader's own country (the pound on British
English pages: "£85,000.00"), show their symbol; others their ISO 4217 code ("US$" and "$US"
confuse more than "USD"). Files and the API keep plain decimals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_territory_currencies
from django.utils import translation

# The platform's languages in the region its readers are in; any other language code (the
# public grievance pages have more) is read by Babel as it is.
LOCALES = {"en": "en_GB", "fr": "fr_FR"}
DEFAULT_LOCALE = "en_GB"


def babel_locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code (the active language when None)."""
    return _parsed_locale((language or translation.get_language() or "en").replace("-", "_"))


@lru_cache(maxsize=64)
def _parsed_locale(code: str) -> Locale:
    # Parsed once per language: a list of 50 amounts parsed it 50 times.
    try:
        return Locale.parse(LOCALES.get(code.split("_")[0], code))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


@lru_cache(maxsize=32)
def _own_currencies(territory: str | None) -> frozenset[str]:
    """The currencies in use in the reader's country: their symbol is unambiguous there."""
    return frozenset(get_territory_currencies(territory)) if territory else frozenset()


def _decimal(amount) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        return Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None


def money(amount, currency: str, language: str | None = None) -> str:
    """`amount` in `currency` (an ISO 4217 code) for a reader of `language`: grouped, with the
    currency's own number of decimals (none for the yen). None gives ""."""
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    locale = babel_locale(language)
    code = (currency or "").strip().upper()
    if not code:
        return format_decimal(value, format="#,##0.00", locale=locale)
    if code == "EUR" or code in _own_currencies(locale.territory):
        return format_currency(value, code, locale=locale)
    pattern = locale.currency_formats["standard"].pattern.split(";")[0]
    # "¤¤" is the ISO code in a CLDR pattern; a code before the number needs a space after it.
    pattern = pattern.replace("¤", "¤¤\xa0" if pattern.startswith("¤") else "¤¤")
    return format_currency(value, code, format=pattern, locale=locale, currency_digits=True)


def money_eur(amount, language: str | None = None) -> str:
    return money(amount, "EUR", language)
