from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from core.filters import offer_present_choices, present_choices
from core.forms import country_choices

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
        label=_("Country"), required=False, choices=country_choices(_("All countries"))
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    function = forms.ChoiceField(
        label=_("Function"),
        required=False,
        choices=[("", _("All functions")), *FactoryFunction.choices],
    )

    def __init__(self, *args, queryset=None, **kwargs):
        """With `queryset` (the factories the viewer may read), each filter offers only the
        values they hold, with counts."""
        super().__init__(*args, **kwargs)
        if queryset is not None:
            from django_countries import countries

            offer_present_choices(
                self,
                queryset,
                {
                    "country": ("country", countries, _("All countries")),
                    "sector": ("sector", Sector.choices, _("All sectors")),
                    "function": ("function", FactoryFunction.choices, _("All functions")),
                },
            )

    def apply(self, queryset):
        if not self.is_valid():
            return queryset.none()
        for field in ("country", "sector", "function"):
            if self.cleaned_data.get(field):
                queryset = queryset.filter(**{field: self.cleaned_data[field]})
        return queryset


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
