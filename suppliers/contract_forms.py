"""Forms for contracts, their checklist, the OCDS import and the contract list filters."""

import re
from datetime import date

from django import forms
from django.conf import settings
from django.db.models import CharField, F, Func, Q, Value
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.currencies import CurrencyField
from core.filters import counted_choices, list_counts
from core.forms import SearchableModelChoiceField

from .contracts import cpv_codes_error
from .models import CPV_PATTERN, ChecklistItem, Contract, Supplier

# --- Contracts ---------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CPV_SEPARATORS = re.compile(r"[\s,;]+")
CPV_RE = re.compile(CPV_PATTERN)
MAX_SEARCH_WORDS = 8


class CpvCodesField(forms.CharField):
    """CPV codes typed as text, separated by commas or spaces; cleans to a list of codes."""

    def to_python(self, value):
        text = super().to_python(value)
        codes = []
        for code in CPV_SEPARATORS.split(text):
            if code and code not in codes:
                codes.append(code)
        return codes

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        bad = [code for code in value if not CPV_RE.match(code)]
        if bad:
            raise forms.ValidationError(cpv_codes_error(bad), code="cpv")

    def run_validators(self, value):
        # CharField's validators (length, null characters) apply to the codes as text.
        super().run_validators(" ".join(value))

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


def rated_currencies():
    """Contracts are ranked in euros: only currencies with a reference rate in settings."""
    return sorted(settings.EW_EUR_RATES)


class ContractForm(forms.Form):
    """A contract's fields. Writes go through `services.contract_create` / `contract_update`."""

    reference = forms.CharField(label=_("Reference"), max_length=100)
    title = forms.CharField(label=_("Title"), max_length=255)
    contractor = SearchableModelChoiceField(
        Supplier.objects.none(),
        what=_("contractor"),
        label=_("Contractor"),
        required=False,
        help_text=_("Type part of the name and pick it from the suggestions."),
    )
    new_contractor = forms.CharField(
        label=_("Or the name of a new contractor"),
        max_length=255,
        required=False,
        help_text=_("Only when the contractor is not in the list above."),
    )
    product_categories = forms.MultipleChoiceField(
        label=_("Product categories"),
        choices=Contract.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cpv_codes = CpvCodesField(
        label=_("CPV codes"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas or spaces, for example: 30213100, 30231000-7"),
    )
    brands = forms.CharField(label=_("Brands"), max_length=500, required=False)
    product_models = forms.CharField(
        label=_("Product models"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, as named in the contract."),
    )
    value = forms.DecimalField(
        label=_("Value"), max_digits=14, decimal_places=2, min_value=0, localize=True
    )
    currency = CurrencyField(
        label=_("Currency"),
        codes=rated_currencies,
        initial="EUR",
        error_messages={
            "invalid_choice": _(
                "There is no exchange rate for the currency “%(value)s”. Choose one from the list."
            )
        },
    )
    awarded_on = forms.DateField(label=_("Award date"), widget=DATE_WIDGET)
    start_date = forms.DateField(label=_("Start"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("End"), widget=DATE_WIDGET)
    ew_conditions_version = forms.ChoiceField(
        label=_("Electronics Watch contract conditions"),
        choices=Contract.ConditionsVersion.choices,
        required=False,
        help_text=_(
            "With the conditions included, the contract gets a checklist of the outcomes "
            "they require."
        ),
    )
    disclosure_due_date = forms.DateField(
        label=_("Disclosure due"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty for 30 days after the award."),
    )
    ocid = forms.CharField(
        label=_("OCDS id"),
        max_length=120,
        required=False,
        help_text=_("The Open Contracting identifier, when the contract was published."),
    )

    def __init__(self, *args, contract: Contract | None = None, **kwargs):
        if contract is not None:
            kwargs["initial"] = {**self.initial_for(contract), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        contractors = Q(is_contractor=True)
        if contract is not None:
            contractors |= Q(pk=contract.contractor_id)
        self.fields["contractor"].queryset = Supplier.objects.filter(contractors).order_by(
            "name", "pk"
        )

    @staticmethod
    def initial_for(contract: Contract) -> dict:
        return {
            "reference": contract.reference,
            "title": contract.title,
            "contractor": contract.contractor_id,
            "product_categories": contract.product_categories,
            "cpv_codes": contract.cpv_codes,
            "brands": contract.brands,
            "product_models": contract.product_models,
            "value": contract.value,
            "currency": contract.currency,
            "awarded_on": contract.awarded_on,
            "start_date": contract.start_date,
            "end_date": contract.end_date,
            "ew_conditions_version": contract.ew_conditions_version,
            "disclosure_due_date": contract.disclosure_due_date,
            "ocid": contract.ocid,
        }

    def clean(self):
        cleaned = super().clean()
        contractor = cleaned.get("contractor")
        new_contractor = " ".join(cleaned.get("new_contractor", "").split())
        cleaned["new_contractor"] = new_contractor
        if contractor is not None and new_contractor:
            self.add_error(
                "new_contractor",
                _("Choose a contractor from the list or type the name of a new one, not both."),
            )
        elif (
            contractor is None
            and not new_contractor
            and "contractor" not in self.errors
            and "new_contractor" not in self.errors
        ):
            self.add_error("contractor", _("Choose the contractor, or type the name of a new one."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error(
                "end_date",
                _("The contract cannot end (%(end)s) before it starts (%(start)s).")
                % {
                    "end": formats.date_format(end, "DATE_FORMAT"),
                    "start": formats.date_format(start, "DATE_FORMAT"),
                },
            )
        return cleaned

    def service_fields(self) -> dict:
        """The cleaned data as the contract services take it."""
        data = dict(self.cleaned_data)
        new_contractor = data.pop("new_contractor")
        if new_contractor:
            data["contractor"] = None
            data["contractor_name"] = new_contractor
        return data


class ChecklistItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ChecklistItem.Status.choices)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_WIDGET)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when achieved, or when the contractor showed its formal request to its "
            "supplier."
        ),
    )

    @staticmethod
    def initial_for(item: ChecklistItem) -> dict:
        return {"status": item.status, "due_date": item.due_date, "evidence": item.evidence}


class OcdsImportForm(forms.Form):
    MAX_SIZE = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("OCDS file (JSON)"),
        help_text=_("A release package or a record package, 5 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB); the limit is 5 MB.")
                % {"size": round(upload.size / 1024 / 1024, 1)}
            )
        head = upload.read(64)
        upload.seek(0)
        if not head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith((b"{", b"[")):
            raise forms.ValidationError(_("This file is not JSON: choose an OCDS .json file."))
        return upload


# --- Contract list filters ---------------------------------------------------------------


class ContractFilterForm(forms.Form):
    """The filters and search of the contract list; its exports and the API use the same."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    ew_conditions = forms.ChoiceField(
        label=_("Electronics Watch conditions"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Included")), ("no", _("Not included"))],
    )
    contractor = SearchableModelChoiceField(
        Supplier.objects.none(), what=_("contractor"), label=_("Contractor"), required=False
    )
    category = forms.ChoiceField(
        label=_("Product category"),
        required=False,
        choices=[("", _("Any")), *Contract.Category.choices],
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any")),
            ("active", _("Running")),
            ("upcoming", _("Not started yet")),
            ("ended", _("Ended")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the contractors of this affiliate's contracts (the scope filters the subquery).
        self.fields["contractor"].queryset = Supplier.objects.filter(
            pk__in=Contract.objects.values("contractor_id")
        ).order_by("name", "pk")

    def offer_present_choices(self, contracts) -> None:
        """For the list page: only the categories of `contracts`, with their counts (the
        exports and the API keep every choice and spare the query). The contractor is typed,
        with suggestions: an affiliate may have thousands."""
        categories = list_counts(contracts, "product_categories")
        self.fields["category"].choices = counted_choices(
            categories and categories[0], Contract.Category.choices, empty_label=_("Any")
        )

    def filter(self, queryset):
        """The queryset narrowed by the valid filters; invalid ones are shown and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        ew = {"yes": True, "no": False}.get(data.get("ew_conditions") or "")
        return filter_contracts(
            queryset,
            q=data.get("q") or "",
            ew_conditions=ew,
            contractor=data.get("contractor"),
            category=data.get("category") or "",
            period=data.get("period") or "",
        )


def filter_contracts(
    queryset,
    *,
    q: str = "",
    ew_conditions: bool | None = None,
    contractor=None,
    category: str = "",
    period: str = "",
    today: date | None = None,
):
    """Contracts matching every given criterion; `q` matches each of its words anywhere in
    the reference, title, brands, product models or CPV codes."""
    if ew_conditions is True:
        queryset = queryset.exclude(ew_conditions_version="")
    elif ew_conditions is False:
        queryset = queryset.filter(ew_conditions_version="")
    if contractor is not None:
        queryset = queryset.filter(contractor=contractor)
    if category:
        queryset = queryset.filter(product_categories__contains=[category])
    today = today or timezone.localdate()
    if period == "active":
        queryset = queryset.filter(start_date__lte=today, end_date__gte=today)
    elif period == "upcoming":
        queryset = queryset.filter(start_date__gt=today)
    elif period == "ended":
        queryset = queryset.filter(end_date__lt=today)
    words = q.split()[:MAX_SEARCH_WORDS]
    if words:
        queryset = queryset.annotate(
            cpv_text=Func(
                F("cpv_codes"), Value(" "), function="array_to_string", output_field=CharField()
            )
        )
        for word in words:
            queryset = queryset.filter(
                Q(reference__icontains=word)
                | Q(title__icontains=word)
                | Q(brands__icontains=word)
                | Q(product_models__icontains=word)
                | Q(cpv_text__icontains=word)
            )
    return queryset
