"""The form that requests a compliance report."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from suppliers.contract_forms import DATE_WIDGET


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
    contract = forms.ModelChoiceField(
        label=_("Only this contract"),
        queryset=None,
        required=False,
        empty_label=_("All contracts of the period"),
        help_text=_("Leave the dates empty for the whole calendar years of the contract's term."),
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
