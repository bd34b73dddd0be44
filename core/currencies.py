"""ISO 4217 currencies from Babel (CLDR): the codes, their names in the reader's language, a
select field and a model validator.

The select offers the currencies in use today (legal tender of some territory); validation
accepts every ISO 4217 code CLDR knows, so a record in a currency since replaced still saves.
"""

from __future__ import annotations

from functools import cache

from babel.core import get_global
from babel.numbers import get_currency_name, list_currencies
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _


@cache
def iso_codes() -> frozenset[str]:
    """Every ISO 4217 code known to CLDR, historical ones included."""
    return frozenset(list_currencies())


@cache
def codes_in_use() -> tuple[str, ...]:
    """Codes that are legal tender of some territory today, sorted."""
    current = {
        code
        for history in get_global("territory_currencies").values()
        for code, _start, end, tender in history
        if end is None and tender
    }
    return tuple(sorted(current))


def _babel_locale() -> str:
    return to_locale(get_language() or "en")


def currency_name(code: str) -> str:
    """The currency's name in the active language ("Malaysian ringgit", "ringgit malais")."""
    try:
        return get_currency_name(code, locale=_babel_locale())
    except (ValueError, LookupError):
        return code


def currency_label(code: str) -> str:
    return f"{code} – {currency_name(code)}"


def currency_choices(codes=None, *, blank: str | None = None) -> list[tuple[str, str]]:
    """(code, "CODE – name") in the active language, for `codes` (default: those in use)."""
    choices = [(code, currency_label(code)) for code in (codes or codes_in_use())]
    return [("", blank), *choices] if blank is not None else choices


def validate_currency_code(value: str) -> None:
    """Model validator: an ISO 4217 code (upper-case, three letters) or nothing."""
    if value and value not in iso_codes():
        raise ValidationError(
            _("“%(value)s” is not an ISO 4217 currency code (for example EUR, USD, MYR)."),
            code="invalid_currency",
            params={"value": value},
        )


class CurrencyField(forms.ChoiceField):
    """A select of ISO 4217 currencies named in the reader's language.

    `codes` narrows the offer (contracts: those with a reference rate); without it, the
    currencies in use today. Lower-case input is accepted and stored upper-case.
    """

    default_error_messages = {
        "invalid_choice": _(
            "Select a valid choice: “%(value)s” is not an ISO 4217 currency code in the list."
        ),
    }

    def __init__(self, *, codes=None, blank=None, **kwargs):
        self.codes = codes
        self.blank = blank
        kwargs.setdefault("label", _("Currency"))
        super().__init__(choices=self._choices_now, **kwargs)

    def _choices_now(self):
        codes = self.codes() if callable(self.codes) else self.codes
        blank = self.blank
        if blank is None:
            blank = _("Choose…") if self.required else "—"
        return currency_choices(codes, blank=blank)

    def to_python(self, value):
        return super().to_python(value).strip().upper()
