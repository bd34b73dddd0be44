"""The form that requests a compliance report."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import SearchableModelChoiceField
from suppliers.contract_forms import DATE_WIDGET
from suppliers.models import Contract


class ComplianceReportForm(forms.Form):
    """Which report to make: a period (default: last calendar year) or one contract."""

    period_start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "A whole calendar month, quarter or year (up to five years). Leave both dates "
            "empty for last year."
        ),
    )
    period_end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    # Typed with suggestions, by reference: a large affiliate has thousands of contracts.
    contract = SearchableModelChoiceField(
        Contract.objects.none(),
        what=_("contract"),
        search_field="reference",
        label=_("Only this contract"),
        required=False,
        help_text=_("Leave the dates empty for the whole calendar years of the contract's term."),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, contracts, suggest_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["contract"].widget.suggest_url = suggest_url
