"""Forms of RBA referrals; the rules are in `engagement.services.referrals`."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import RbaReferral
from ..services.referrals import default_response_due

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.ModelForm):
    materials = forms.MultipleChoiceField(
        label=_("Kinds of material shared"),
        choices=RbaReferral.Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RbaReferral
        fields = ["referred_on", "shared_text", "materials", "response_due"]
        widgets = {
            "referred_on": DATE_INPUT,
            "response_due": DATE_INPUT,
            "shared_text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response_due"].required = False
        if not self.instance.pk:
            today = timezone.localdate()
            self.fields["referred_on"].initial = today
            self.fields["response_due"].initial = default_response_due(today)
        days = settings.EW_RBA_RESPONSE_DAYS
        self.fields["response_due"].help_text = ngettext(
            "By default %(days)s day after the referral; change it when the RBA agreed "
            "another date.",
            "By default %(days)s days after the referral; change it when the RBA agreed "
            "another date.",
            days,
        ) % {"days": days}


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("The RBA's response"), widget=forms.Textarea(attrs={"rows": 4})
    )
    responded_on = forms.DateField(label=_("Response received on"), widget=DATE_INPUT)
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Not known yet")), *RbaReferral.Outcome.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responded_on"].initial = timezone.localdate


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RbaReferral.Outcome.choices)


class ReferralFilterForm(forms.Form):
    """The list's filters; an unknown value is a clear error, not silently ignored."""

    STATUS_CHOICES = [
        ("", _("Open or responded")),
        *RbaReferral.Status.choices,
        ("all", _("All")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(label=_("Case, factory or company"), required=False, max_length=100)
