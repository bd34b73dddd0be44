"""The forms of the risk reference tables. A staff page and a row of an imported CSV file go
through the same form, so both are refused for the same reasons with the same messages.

`upsert=True` (the importer) turns a row that names an existing one (same country and
convention, same route, ...) into a change of that row instead of refusing it as a duplicate.
"""

from __future__ import annotations

import re

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.forms import country_choices
from core.models import ExchangeRate

from .models import (
    CountryRiskIndicator,
    MigrationCorridor,
    PathfinderCountry,
    ProductCategory,
    Ratification,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SOURCE_FIELDS = ("source", "source_url", "year", "note")
_SEPARATORS = re.compile(r"[\s,;]+")


def country_code(value: str) -> str | None:
    """The ISO code of a country given by its code (any case) or its English name."""
    value = (value or "").strip()
    if not value:
        return None
    if value.upper() in dict(countries):
        return value.upper()
    return countries.by_name(value) or None


class CountryCodeField(forms.CharField):
    """A country as a select on the pages; a code or English name in a file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Select(choices=country_choices("—")))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        code = country_code(value)
        if code is None:
            raise forms.ValidationError(
                _("“%(value)s” is not a country: give its two-letter code (MY) or English name."),
                params={"value": value},
            )
        return code


class CountryListField(forms.CharField):
    """Countries in order, as codes or names separated by commas, semicolons or spaces."""

    def clean(self, value):
        value = super().clean(value) or ""
        codes = []
        for part in [p for p in _SEPARATORS.split(value) if p]:
            code = country_code(part)
            if code is None:
                raise forms.ValidationError(
                    _("“%(value)s” is not a country code (two letters, for example IN)."),
                    params={"value": part},
                )
            if code in codes:
                raise forms.ValidationError(
                    _("%(country)s is named twice among the transit countries."),
                    params={"country": countries.name(code)},
                )
            codes.append(code)
        return codes


class HttpsURLField(forms.URLField):
    """A link typed without its scheme is taken as https (Django 6's default, said now)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


SOURCE_FIELD_CLASSES = {"source_url": HttpsURLField}


class ReferenceForm(forms.ModelForm):
    key_fields: tuple[str, ...] = ()

    def __init__(self, *args, upsert: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.upsert = upsert

    def duplicate_message(self, cleaned) -> str:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.key_fields and all(cleaned.get(name) is not None for name in self.key_fields):
            key = {name: cleaned[name] for name in self.key_fields}
            same = self._meta.model.objects.filter(**key)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            existing = same.first()
            if existing is not None:
                if self.upsert:
                    self.instance = existing
                else:
                    self.add_error(self.key_fields[-1], self.duplicate_message(cleaned))
        return cleaned


class RatificationForm(ReferenceForm):
    country = CountryCodeField(label=_("Country"))
    key_fields = ("country", "convention")

    class Meta:
        model = Ratification
        fields = ("country", "convention", "status", "ratified_on", *SOURCE_FIELDS)
        field_classes = SOURCE_FIELD_CLASSES
        widgets = {"ratified_on": DATE_WIDGET}

    def clean_ratified_on(self):
        ratified_on = self.cleaned_data["ratified_on"]
        if ratified_on and ratified_on > timezone.localdate():
            raise forms.ValidationError(
                _("%(date)s is in the future: give the date the convention was ratified."),
                params={"date": formats.date_format(ratified_on, "DATE_FORMAT")},
            )
        return ratified_on

    def clean(self):
        cleaned = super().clean()
        status, ratified_on = cleaned.get("status"), cleaned.get("ratified_on")
        if status == Ratification.Status.NOT_RATIFIED and ratified_on:
            self.add_error(
                "ratified_on", _("A convention that is not ratified has no ratification date.")
            )
        return cleaned

    def duplicate_message(self, cleaned) -> str:
        return _("The status of %(convention)s in %(country)s is already recorded.") % {
            "convention": cleaned["convention"],
            "country": countries.name(cleaned["country"]),
        }


class PathfinderCountryForm(ReferenceForm):
    country = CountryCodeField(label=_("Country"))
    key_fields = ("country",)

    class Meta:
        model = PathfinderCountry
        fields = ("country", "since", *SOURCE_FIELDS)
        field_classes = SOURCE_FIELD_CLASSES

    def duplicate_message(self, cleaned) -> str:
        return _("%(country)s is already recorded as a pathfinder country.") % {
            "country": countries.name(cleaned["country"])
        }


class MigrationCorridorForm(ReferenceForm):
    origin = CountryCodeField(label=_("Country of origin"))
    transit = CountryListField(
        label=_("Transit countries"),
        required=False,
        help_text=_("Two-letter codes in the order workers pass through them: IN, AE."),
    )
    destination = CountryCodeField(label=_("Country of destination"))
    key_fields = ("origin", "transit", "destination")

    class Meta:
        model = MigrationCorridor
        fields = ("origin", "transit", "destination", "priority", *SOURCE_FIELDS)
        field_classes = SOURCE_FIELD_CLASSES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["transit"] = ", ".join(self.instance.transit)

    def clean(self):
        cleaned = super().clean()
        origin, destination = cleaned.get("origin"), cleaned.get("destination")
        if origin and origin == destination:
            self.add_error("destination", _("The country of destination is the country of origin."))
        for code in cleaned.get("transit") or []:
            if code in (origin, destination):
                self.add_error(
                    "transit",
                    _("%(country)s is the country of origin or destination, not a transit country.")
                    % {"country": countries.name(code)},
                )
        return cleaned

    def duplicate_message(self, cleaned) -> str:
        return _("This route is already recorded.")


class ProductCategoryForm(ReferenceForm):
    key_fields = ("sector", "name")

    class Meta:
        model = ProductCategory
        fields = ("sector", "name", "hs_code", *SOURCE_FIELDS)
        field_classes = SOURCE_FIELD_CLASSES

    def duplicate_message(self, cleaned) -> str:
        return _("“%(name)s” is already a product of this sector.") % {"name": cleaned["name"]}


class ExchangeRateForm(ReferenceForm):
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_("Its three-letter ISO 4217 code, for example THB."),
    )
    key_fields = ("currency", "date")

    class Meta:
        model = ExchangeRate
        fields = ("currency", "date", "units_per_euro", "source")
        widgets = {"date": DATE_WIDGET}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(
                _("“%(value)s” is not a currency code: three letters, for example THB."),
                params={"value": currency},
            )
        if currency == "EUR":
            raise forms.ValidationError(_("Rates are in units per euro: the euro needs none."))
        return currency

    def clean_units_per_euro(self):
        rate = self.cleaned_data["units_per_euro"]
        if rate is not None and rate <= 0:
            raise forms.ValidationError(_("A rate is more than zero."))
        return rate

    def duplicate_message(self, cleaned) -> str:
        return _("The rate of %(currency)s on %(date)s is already recorded.") % {
            "currency": cleaned["currency"],
            "date": formats.date_format(cleaned["date"], "DATE_FORMAT"),
        }


class CountryRiskIndicatorForm(ReferenceForm):
    """Used by the import only: the pages of this table are learning's (/staff/country-risk/)."""

    country = CountryCodeField(label=_("Country"))
    key_fields = ("country", "indicator", "year")

    class Meta:
        model = CountryRiskIndicator
        fields = ("country", "indicator", "value", "level", *SOURCE_FIELDS)
        field_classes = SOURCE_FIELD_CLASSES

    def duplicate_message(self, cleaned) -> str:
        return _("There is already a figure for this indicator in %(country)s for %(year)s.") % {
            "country": countries.name(cleaned["country"]),
            "year": cleaned["year"],
        }


class ReferenceFilterForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=country_choices(_("All countries"))
    )


class CurrencyFilterForm(forms.Form):
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)


class ReferenceImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "With the columns of the export. A row naming one already recorded changes it. If "
            "one row is wrong, nothing is saved and each error is listed with its row and column."
        ),
    )
