"""Forms of the risk screening and of the country risk table. Writes go through
`learning.services.screening`."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from core.forms import country_choices
from suppliers.models import Contract, CountryRiskIndicator, Supplier

from ..models import CpvCode, Screening

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CpvChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.label}"


def _country_list():
    return list(countries)


class ScreeningForm(forms.Form):
    title = forms.CharField(
        label=_("Planned tender"),
        max_length=255,
        help_text=_("What you plan to buy, for example: laptops for the city's schools."),
    )
    tender_reference = forms.CharField(label=_("Tender reference"), max_length=100, required=False)
    tender_date = forms.DateField(
        label=_("Planned tender date"), required=False, widget=DATE_WIDGET
    )
    cpv_codes = CpvChoiceField(
        label=_("Product categories (CPV codes)"),
        queryset=CpvCode.objects.order_by("-is_ict", "code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("ICT hardware codes come first. Choose every category the tender covers."),
        error_messages={"required": _("Choose at least one CPV code.")},
    )
    brands = forms.ModelMultipleChoiceField(
        label=_("Brands, where known"),
        queryset=Supplier.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to screen every brand."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries of production, where known"),
        choices=_country_list,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to screen every country."),
    )

    def __init__(self, *args, screening: Screening | None = None, **kwargs):
        if screening is not None:
            kwargs["initial"] = {
                "title": screening.title,
                "tender_reference": screening.tender_reference,
                "tender_date": screening.tender_date,
                "cpv_codes": list(screening.cpv_codes.all()),
                "brands": list(screening.brands.all()),
                "countries": [country.code for country in screening.countries],
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        # A brand's name and its being a brand are public facts; nothing else of the registry
        # (its factories, its links) reaches the page.
        self.fields["brands"].queryset = Supplier.objects.filter(is_brand=True).order_by(
            "name", "pk"
        )


class LinkContractForm(forms.Form):
    contract = forms.ModelChoiceField(
        label=_("Contract"),
        queryset=Contract.objects.none(),
        empty_label=_("— choose a contract —"),
        error_messages={"invalid_choice": _("Choose one of your contracts from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The affiliate's contracts (the tenant scope filters them) not linked to a screening.
        self.fields["contract"].queryset = Contract.objects.filter(
            screenings__isnull=True
        ).order_by("-awarded_on", "reference")


class CountryRiskForm(forms.Form):
    country = LazyTypedChoiceField(label=_("Country"), choices=country_choices("—"))
    indicator = forms.ChoiceField(
        label=_("Indicator"), choices=CountryRiskIndicator.Indicator.choices
    )
    value = forms.CharField(
        label=pgettext_lazy("published figure", "Value"),
        max_length=255,
        help_text=CountryRiskIndicator._meta.get_field("value").help_text,
    )
    level = forms.ChoiceField(label=_("Risk level"), choices=CountryRiskIndicator.Level.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        help_text=CountryRiskIndicator._meta.get_field("source").help_text,
    )
    source_url = forms.URLField(
        label=_("Link to the source"), max_length=500, required=False, assume_scheme="https"
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2100,
        help_text=CountryRiskIndicator._meta.get_field("year").help_text,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    @staticmethod
    def initial_for(indicator: CountryRiskIndicator) -> dict:
        return {
            "country": indicator.country.code,
            "indicator": indicator.indicator,
            "value": indicator.value,
            "level": indicator.level,
            "source": indicator.source,
            "source_url": indicator.source_url,
            "year": indicator.year,
            "note": indicator.note,
        }


class CountryRiskFilterForm(forms.Form):
    country = LazyTypedChoiceField(
        label=_("Country"), required=False, choices=country_choices(_("All countries"))
    )
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        required=False,
        choices=[("", _("All indicators")), *CountryRiskIndicator.Indicator.choices],
    )
