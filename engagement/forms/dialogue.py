"""Forms of multi-stakeholder dialogue and workers' organisations; the rules are in
`engagement.services.dialogue`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import LazyTypedChoiceField

from affiliates.models import Affiliate
from core.forms import country_choices
from grievances.models import Grievance
from monitoring.models import MonitoringPartner
from remediation.models import RemediationCase
from suppliers.models import Factory, Supplier

from ..models import Commitment, Dialogue, DialogueMeeting, Organisation, Participant

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FactoryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, factory):
        return f"{factory.name} ({factory.country.name})"


class CaseChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, case):
        return f"{case.reference} · {case.title}"


class GrievanceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, grievance):
        return f"{grievance.reference} · {grievance.get_status_display()}"


class OrganisationForm(forms.ModelForm):
    """A trade union or worker representative body. The cases and grievances it may be
    credited with are those at its factories, once they are saved."""

    country = LazyTypedChoiceField(label=_("Country"), choices=country_choices("---------"))
    factories = FactoryChoiceField(
        label=_("Factories where it represents workers"),
        queryset=Factory.objects.filter(merged_into__isnull=True).order_by("name"),
        required=False,
    )
    credited_cases = CaseChoiceField(
        label=_("Remediation cases it contributed to"),
        queryset=RemediationCase.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    credited_grievances = GrievanceChoiceField(
        label=_("Grievances it brought or supported"),
        queryset=Grievance.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "country",
            "factories",
            "contact_name",
            "contact_email",
            "contact_phone",
            "notes",
            "credited_cases",
            "credited_grievances",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            factory_ids = list(self.instance.factories.values_list("pk", flat=True))
            self.fields["credited_cases"].queryset = RemediationCase.objects.filter(
                factory_id__in=factory_ids
            ).order_by("-opened_on")
            self.fields["credited_grievances"].queryset = Grievance.objects.filter(
                factory_id__in=factory_ids
            ).order_by("-received_on")
        else:
            del self.fields["credited_cases"]
            del self.fields["credited_grievances"]


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any")), *Organisation.Kind.choices], required=False
    )
    q = forms.CharField(label=_("Name or factory"), required=False, max_length=100)


class DialogueForm(forms.ModelForm):
    case = forms.ModelChoiceField(
        label=_("Remediation case"),
        queryset=RemediationCase.objects.order_by("-opened_on"),
        required=False,
    )
    companies = forms.ModelMultipleChoiceField(
        label=_("Companies concerned"),
        queryset=Supplier.objects.order_by("name"),
        required=False,
    )

    class Meta:
        model = Dialogue
        fields = ["title", "format", "purpose", "case", "companies"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class DialogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Title, case or company"), required=False, max_length=100)
    open_commitments = forms.BooleanField(label=_("With open commitments only"), required=False)


class MeetingForm(forms.ModelForm):
    class Meta:
        model = DialogueMeeting
        fields = ["held_on", "agenda", "minutes_shared", "minutes_confidential"]
        widgets = {
            "held_on": DATE_INPUT,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes_shared": forms.Textarea(attrs={"rows": 6}),
            "minutes_confidential": forms.Textarea(attrs={"rows": 4}),
        }


class ParticipantForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of participant"), choices=Participant.Kind.choices)
    affiliate = forms.ModelChoiceField(
        label=_("Affiliate"),
        queryset=Affiliate.objects.filter(is_active=True).order_by("name"),
        required=False,
    )
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Supplier.objects.order_by("name"), required=False
    )
    partner = forms.ModelChoiceField(
        label=_("Monitoring partner"),
        queryset=MonitoringPartner.objects.order_by("name"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Trade union or worker representatives"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )
    name = forms.CharField(label=_("Person's name"), required=False, max_length=200)
    role = forms.CharField(label=_("Role in the dialogue"), required=False, max_length=200)
    contact_email = forms.EmailField(
        label=_("Contact e-mail address"),
        required=False,
        help_text=_(
            "For reminders of its commitments. An affiliate's go to its admins, a company's to "
            "its contacts on the platform."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "due_on": DATE_INPUT}

    def __init__(self, *args, dialogue, **kwargs):
        kwargs.setdefault("auto_id", "commitment_%s")
        super().__init__(*args, **kwargs)
        owners = dialogue.participants.select_related(
            "affiliate", "company", "partner", "organisation"
        )
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = Participant.full_label


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Commitment.Status.choices)
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate
