from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from core.filters import count_limit, counted_choices, list_counts, present_choices
from core.forms import QuickCountrySelect, QuickSelect, country_choices

from .models import DisclosureLine, FactoryFunction, Sector, Supplier


class DisclosureUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Disclosure file (CSV or XLSX)"),
        help_text=_(
            "Use the template. Every row is checked: if one is wrong, nothing is saved "
            "and each error is listed with its row and column."
        ),
    )


class DisclosureLineForm(forms.Form):
    site_name = forms.CharField(label=_("Production site (legal name)"), max_length=255)
    address = forms.CharField(label=_("Full address"), max_length=500)
    country = LazyTypedChoiceField(label=_("Country"), choices=country_choices("—"))
    brand = forms.CharField(label=_("Brand"), max_length=120)
    product_model = forms.CharField(label=_("Product model"), max_length=255)
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        choices=DisclosureLine.Tier.choices,
        coerce=int,
        initial=DisclosureLine.Tier.FINAL_ASSEMBLY,
    )

    def as_row(self) -> dict:
        """The line in the shape of an uploaded row, so that one validator serves both."""
        data = self.cleaned_data
        return {
            "site_name": data["site_name"],
            "address": data["address"],
            "country": data["country"],
            "brand": data["brand"],
            "product_model": data["product_model"],
            "tier": str(data["tier"]),
        }


class ContractorRequestForm(forms.Form):
    email = forms.EmailField(label=_("Contractor's e-mail address"))


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label=_("What must the contractor correct?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=200)


class DisclosureFilterForm(forms.Form):
    """The affiliate's disclosures: the statuses they hold, with counts, and the overdue."""

    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, disclosures, **kwargs):
        from .models import Disclosure

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            *present_choices(
                disclosures, "status", Disclosure.Status.choices, empty_label=_("All")
            ),
            ("overdue", _("Overdue")),
        ]

    def apply(self, queryset):
        status = self.cleaned_data.get("status") if self.is_valid() else ""
        if status == "overdue":
            return queryset.overdue()
        if status:
            return queryset.filter(status=status)
        return queryset


class FactoryFilterForm(forms.Form):
    country = LazyTypedChoiceField(
        label=_("Country"),
        required=False,
        choices=country_choices(_("All countries")),
        widget=QuickCountrySelect,
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Sector.choices],
        widget=QuickSelect,
    )
    function = forms.ChoiceField(
        label=_("Function"),
        required=False,
        choices=[("", _("All functions")), *FactoryFunction.choices],
        widget=QuickSelect,
    )

    def __init__(self, *args, queryset=None, **kwargs):
        """With `queryset` (the factories the viewer may read), each filter offers only the
        values they hold, with counts (`offer_present_choices`)."""
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.offer_present_choices(queryset)

    def applied(self) -> tuple:
        """The valid filters as a key (country, sector, function), for a cached count."""
        data = self.cleaned_data if self.is_valid() else {}
        return tuple(data.get(name) or "" for name in ("country", "sector", "function"))

    def offer_present_choices(self, queryset, *, rows_at_least: int = 0) -> None:
        """Offer only the countries, sectors and functions that `queryset` (the factories the
        viewer may read) holds, with their counts, from one query of at most
        `core.filters.count_limit()` + 1 rows. When more rows than that are known already
        (`rows_at_least`: a list page's count of these rows filtered), every choice without
        a count and no query, as when the query finds too many rows (core/filters.py).

        A list calls it after its rows are read (its count known), with the values checked
        against every choice meanwhile: a value valid there but absent from `queryset` finds
        no row either, and the values are checked again here against the choices offered,
        so that the form shows the same errors as if it had offered them from the start."""
        from django_countries import countries

        fields = {
            "country": (countries, _("All countries")),
            "sector": (Sector.choices, _("All sectors")),
            "function": (FactoryFunction.choices, _("All functions")),
        }
        counts = None
        if rows_at_least <= count_limit():
            counts = list_counts(queryset, *fields)
        if counts is None:
            # Every choice without a count: the fields' own choices, left as they are
            # (normalising 250 countries again costs more than the rest of the form).
            self.counts_capped = True
            return
        for index, (name, (choices, empty_label)) in enumerate(fields.items()):
            self.fields[name].choices = counted_choices(
                counts[index], choices, empty_label=empty_label
            )
        if self.is_bound:
            self.full_clean()

    def apply(self, queryset):
        if not self.is_valid():
            return queryset.none()
        for field in ("country", "sector", "function"):
            if self.cleaned_data.get(field):
                queryset = queryset.filter(**{field: self.cleaned_data[field]})
        return queryset


def offer_factory_choices(form: FactoryFilterForm, visible, context) -> FactoryFilterForm:
    """The filters of a factory list page, once its rows are read (`context`, a ListView's):
    offering the values of `visible` (the factories the reader may read) after the page's
    count spares their query when that count already passes the limit. An export (no
    paginator) shows no form: nothing to offer."""
    paginator = context.get("paginator")
    if paginator is not None:
        form.offer_present_choices(visible, rows_at_least=paginator.count)
    return form


class RbaMembershipForm(forms.ModelForm):
    """A company's membership of the Responsible Business Alliance (staff)."""

    class Meta:
        model = Supplier
        fields = ["rba_membership", "rba_member_since"]
        widgets = {"rba_member_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class FacilityListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Facility list (CSV or XLSX)"),
        help_text=_(
            "In Open Supply Hub's list format: columns country, name and address, and any of "
            "lat, lng, sector, product_type, facility_type, processing_type, "
            "number_of_workers, parent_company and os_id. If one row is wrong, nothing is "
            "saved and each error is listed with its row and column."
        ),
    )
