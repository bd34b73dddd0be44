"""Forms for remediation cases. They check shapes; the rules are in `services`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affiliates.models import User
from core.currencies import CurrencyField
from core.forms import QuickSelect
from core.uploads import EvidenceFileField
from monitoring.models import Finding, MonitoringPartner, MonitoringReport
from suppliers.models import Factory, Supplier

from .models import (
    Audience,
    CaseStatus,
    Compensation,
    Engagement,
    Escalation,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _staff_users():
    return User.objects.filter(is_ew_staff=True, is_active=True).order_by("email")


class FindingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, finding):
        severity = finding.get_severity_display()
        return f"{finding.report.reference} · {finding.standard.label} ({severity})"


class GrievanceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, grievance):
        return f"{grievance.reference} · {grievance.get_status_display()}"


class CaseOpenForm(forms.ModelForm):
    """Open a case on one factory: pick its findings and grievances and who is responsible."""

    findings = FindingChoiceField(
        label=_("Findings"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grievances = GrievanceChoiceField(
        label=_("Grievances"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Acknowledged grievances are referred to the case."),
    )
    brands = forms.ModelMultipleChoiceField(
        label=_("Responsible brands"), queryset=Supplier.objects.none(), required=False
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=Supplier.objects.none(), required=False
    )
    contractors = forms.ModelMultipleChoiceField(
        label=_("Responsible contractors"), queryset=Supplier.objects.none(), required=False
    )

    class Meta:
        model = RemediationCase
        fields = ["title", "summary", "severity", "fast_track", "lead_partner", "staff_lead"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, factory: Factory, **kwargs):
        from grievances.models import Grievance

        super().__init__(*args, **kwargs)
        self.factory = factory
        self.fields["findings"].queryset = (
            Finding.objects.filter(report__factory=factory)
            .exclude(report__status__in=[MonitoringReport.Status.DRAFT])
            .select_related("report", "standard")
            .order_by("-report__submitted_at", "pk")
        )
        self.fields["grievances"].queryset = Grievance.objects.filter(
            factory=factory, anonymised_at__isnull=True
        ).order_by("-received_on", "-pk")
        suppliers = Supplier.objects.order_by("name")
        self.fields["brands"].queryset = suppliers.filter(is_brand=True)
        self.fields["employer"].queryset = suppliers
        self.fields["contractors"].queryset = suppliers.filter(is_contractor=True)
        self.fields["staff_lead"].queryset = _staff_users()
        self.fields["lead_partner"].queryset = MonitoringPartner.objects.order_by("name")

    def companies(self):
        from .rules import CompanyRole

        data = self.cleaned_data
        rows = [CompanyRole(s, ResponsibleCompany.Role.BRAND) for s in data["brands"]]
        if data["employer"]:
            rows.append(CompanyRole(data["employer"], ResponsibleCompany.Role.EMPLOYER))
        rows += [CompanyRole(s, ResponsibleCompany.Role.CONTRACTOR) for s in data["contractors"]]
        return rows


class CaseStatusFilterForm(forms.Form):
    """A list of cases by status (the affiliate's, the lead partner's): the statuses the
    cases hold, with counts; a status they do not hold is refused with Django's "Select a
    valid choice" and the list shown unfiltered."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)

    def __init__(self, *args, cases, cache_parts=None, **kwargs):
        """With `cache_parts` (what the cases depend on besides the data: the reader), the
        counts are kept in the read-model cache until the data change (core/readmodel.py)."""
        from core import readmodel
        from core.filters import counted_choices, list_counts

        from .models import CaseStatus

        super().__init__(*args, **kwargs)

        def count():
            # In a tuple: the cache takes None (more rows than the limit) for a miss.
            return (list_counts(cases, "status"),)

        if cache_parts is None:
            [counts] = count()
        else:
            [counts] = readmodel.cached("remediation.case_filters", cache_parts, count)
        if counts is None:
            self.counts_capped = True
        self.fields["status"].choices = counted_choices(
            counts and counts[0], CaseStatus.choices, empty_label=_("Any")
        )


class CaseFilterForm(CaseStatusFilterForm):
    """Staff's list of cases: by status, and the cases with overdue actions."""

    overdue = forms.BooleanField(label=_("With overdue actions only"), required=False)


class CaseEditForm(forms.ModelForm):
    class Meta:
        model = RemediationCase
        fields = ["title", "summary", "severity", "fast_track", "lead_partner", "staff_lead"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_lead"].queryset = _staff_users()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a case closes without being remediated."),
    )
    audience = forms.ChoiceField(
        label=_("Who reads the note"), choices=Audience.choices, initial=Audience.AFFILIATES
    )

    def __init__(self, *args, case: RemediationCase | None = None, **kwargs):
        from .rules import CASE_TRANSITIONS

        super().__init__(*args, **kwargs)
        if case is not None:
            allowed = CASE_TRANSITIONS[case.status]
            choices = [c for c in CaseStatus.choices if c[0] in allowed]
            self.fields["status"].choices = [("", _("Choose…")), *choices] if choices else []


class CompanyForm(forms.ModelForm):
    class Meta:
        model = ResponsibleCompany
        fields = ["supplier", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = Supplier.objects.order_by("name")


class ActionForm(forms.ModelForm):
    class Meta:
        model = RemediationAction
        fields = [
            "description",
            "owner_name",
            "owner_supplier",
            "contact_name",
            "contact_email",
            "contact_language",
            "due_date",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_supplier"].queryset = Supplier.objects.order_by("name")
        # The service names the owner after the registry company when one is chosen.
        self.fields["owner_name"].required = False
        self.fields["owner_name"].help_text = _(
            "The company or organisation that must act. When an owner in the company registry "
            "is chosen, its name is used instead."
        )


class ClaimForm(forms.Form):
    evidence = forms.CharField(
        label=_("What shows it was done"), widget=forms.Textarea(attrs={"rows": 2})
    )


class VerifyForm(forms.Form):
    verified_by = forms.ChoiceField(
        label=_("Verified by"), choices=RemediationAction.VerifiedBy.choices
    )
    note = forms.CharField(
        label=_("How it was verified"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the claim is rejected"), widget=forms.Textarea(attrs={"rows": 2})
    )


class UpdateForm(forms.Form):
    audience = forms.ChoiceField(label=_("Who can read it"), choices=Audience.choices)
    text = forms.CharField(label=_("Update"), widget=forms.Textarea(attrs={"rows": 4}))
    file = EvidenceFileField(label=_("Attachment"), required=False)

    def __init__(self, *args, partner_view: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if partner_view:
            self.fields["audience"].choices = [
                c for c in Audience.choices if c[0] != Audience.INTERNAL
            ]
            self.fields["audience"].initial = Audience.PARTNERS


class EscalationForm(forms.ModelForm):
    class Meta:
        model = Escalation
        fields = ["body", "body_detail", "escalated_on"]
        widgets = {"escalated_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalated_on"].initial = timezone.localdate


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome_on = forms.DateField(label=_("Outcome on"), widget=DATE_INPUT)


class CompensationForm(forms.ModelForm):
    # Optional: left out, a new compensation is "other compensation" and a saved one keeps its
    # kind (the "Paid so far" box of the compensation table does not send it).
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Compensation.Kind.choices,
        required=False,
        initial=Compensation.Kind.OTHER,
    )

    currency = CurrencyField(label=_("Currency"))

    class Meta:
        model = Compensation
        fields = [
            "kind",
            "description",
            "currency",
            "amount_owed",
            "amount_paid",
            "workers_covered",
        ]

    def clean_kind(self):
        return self.cleaned_data["kind"] or None


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cohort):
        return _("%(route)s, %(workers)s workers (report %(report)s)") % {
            "route": cohort.corridor or cohort,
            "workers": cohort.workers,
            "report": cohort.report.reference,
        }


class CohortCompensationForm(forms.Form):
    """Recruitment fees of a cohort recorded with a finding of the case, owed back."""

    cohort = CohortChoiceField(label=_("Migrant cohort"), queryset=None)
    currency = CurrencyField(
        label=_("Currency"),
        initial="EUR",
        help_text=_(
            "Euros by default. In another currency, fees paid in other currencies are "
            "converted through the euro at today's rate."
        ),
    )
    amount_agreed = forms.DecimalField(
        label=_("Agreed by the company"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("Leave empty when the company agreed to pay all that is owed."),
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts.select_related("report", "corridor")


class AgreedForm(forms.Form):
    amount_agreed = forms.DecimalField(
        label=_("Agreed by the company"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    workers_paid = forms.IntegerField(label=_("Workers paid"), min_value=0, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate


class EngagementForm(forms.ModelForm):
    # Declared here, not in Meta: contracts are tenant rows, read only through a scope.
    contract = forms.ModelChoiceField(
        label=_("Contract"),
        queryset=None,
        required=False,
        help_text=_("The contract under which you engaged the contractor."),
    )

    class Meta:
        model = Engagement
        fields = ["kind", "level", "happened_on", "summary"]
        widgets = {"happened_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
        self.fields["happened_on"].initial = timezone.localdate
        self.order_fields(["kind", "level", "happened_on", "contract", "summary"])


class LetterForm(forms.Form):
    contract = forms.ModelChoiceField(
        label=_("Contract"), queryset=None, required=False, empty_label=None
    )

    def __init__(self, *args, contracts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts
