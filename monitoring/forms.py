"""Forms for partners' reports and findings and for EW staff's triage decisions."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from affiliates.models import User
from core.uploads import EvidenceFileField
from suppliers.models import Factory

from .models import (
    CodeStandard,
    CodeSubStandard,
    Finding,
    ForcedLabourIndicator,
    MonitoringReport,
    RecruitmentFee,
    Severity,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CURRENCY = re.compile(r"^[A-Za-z]{3}$")


class ReportForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("Methods"),
        choices=MonitoringReport.Method.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = MonitoringReport
        fields = [
            "factory",
            "period_start",
            "period_end",
            "methods",
            "interviewed_women",
            "interviewed_men",
            "interviewed_other_gender",
            "interviewed_migrant",
            "interviewed_local",
            "summary",
        ]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "summary": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        factories = Factory.objects.active().order_by("name")
        if partner.countries:
            factories = factories.filter(country__in=[c.code for c in partner.countries])
        self.fields["factory"].queryset = factories
        self.fields["factory"].help_text = _(
            "Factories in the countries your organisation monitors. Missing one? Ask EW staff "
            "to add it."
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        migrant, local = data.get("interviewed_migrant") or 0, data.get("interviewed_local") or 0
        by_gender = sum(
            data.get(f) or 0
            for f in ("interviewed_women", "interviewed_men", "interviewed_other_gender")
        )
        if migrant + local and migrant + local != by_gender:
            self.add_error(
                "interviewed_local",
                _(
                    "Migrant plus local workers (%(origin)s) should equal the workers counted "
                    "by gender (%(gender)s)."
                )
                % {"origin": migrant + local, "gender": by_gender},
            )
        return data


class SubStandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number} {obj.label}"


class StandardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.label}"


class FindingForm(forms.ModelForm):
    standard = StandardChoiceField(label=_("Code category"), queryset=CodeStandard.objects.none())
    sub_standard = SubStandardChoiceField(
        label=_("Sub-standard"), queryset=CodeSubStandard.objects.none(), required=False
    )
    ilo_indicators = forms.MultipleChoiceField(
        label=_("ILO forced-labour indicators"),
        choices=ForcedLabourIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)

    class Meta:
        model = Finding
        fields = [
            "standard",
            "sub_standard",
            "severity",
            "fast_track",
            "workers_affected",
            "confidential_text",
            "evidence_summary",
            "ilo_indicators",
            "youngest_age_observed",
            "children_in_hazardous_work",
            "origin_country",
            "destination_country",
            "documents_held_by",
            "debt_amount",
            "debt_currency",
        ]
        widgets = {
            "confidential_text": forms.Textarea(attrs={"rows": 5}),
            "evidence_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = CodeStandard.objects.current()
        if self.instance.pk:  # keep the edition the finding was classified under
            current = CodeStandard.objects.filter(version_id=self.instance.standard.version_id)
        self.fields["standard"].queryset = current
        self.fields["sub_standard"].queryset = CodeSubStandard.objects.filter(
            standard__in=current
        ).select_related("standard")

    def clean_debt_currency(self):
        value = self.cleaned_data.get("debt_currency", "").strip()
        if value and not CURRENCY.match(value):
            raise forms.ValidationError(_("Use a three-letter currency code, such as THB or MYR."))
        return value.upper()

    def clean(self):
        data = super().clean()
        standard, sub = data.get("standard"), data.get("sub_standard")
        if standard and sub and sub.standard_id != standard.pk:
            self.add_error(
                "sub_standard",
                _("This sub-standard belongs to another Code category."),
            )
        if data.get("origin_country") and not data.get("destination_country"):
            self.add_error(
                "destination_country",
                _("Give the country where the migrant workers work, to record the corridor."),
            )
        if data.get("debt_amount") is not None and not data.get("debt_currency"):
            self.add_error("debt_currency", _("Give the currency of the debt."))
        return data


class FeeForm(forms.Form):
    cost_item = forms.ChoiceField(
        label=_("Cost item"),
        choices=[("", "—"), *RecruitmentFee.CostItem.choices],
        required=False,
    )
    amount = forms.DecimalField(
        label=_("Amount per worker"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get("cost_item"), data.get("amount") is not None, data.get("currency")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Give the cost item, the amount and the currency, or leave the row empty.")
            )
        currency = data.get("currency") or ""
        if currency and not CURRENCY.match(currency):
            self.add_error("currency", _("Use a three-letter currency code, such as THB or MYR."))
        return data


FeeFormSet = forms.formset_factory(FeeForm, extra=3, max_num=20)


class EvidenceForm(forms.Form):
    file = EvidenceFileField(label=_("File"))
    description = forms.CharField(label=_("What it shows"), max_length=300, required=False)
    finding = forms.ModelChoiceField(
        label=_("Finding it supports"), queryset=Finding.objects.none(), required=False
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = report.findings.select_related("standard")


class TextForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class InfoRequestForm(forms.Form):
    text = forms.CharField(
        label=_("What do you need from the partner?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AssignForm(forms.Form):
    assignee = StaffChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(is_ew_staff=True, is_active=True).order_by("email"),
    )


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Finding.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PublishForm(forms.Form):
    """The affiliate-facing version: a summary, and per finding whether and how it reads."""

    summary = forms.CharField(
        label=_("Published summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Affiliates read this. No names, no quotes, nothing that identifies a worker."),
    )

    def __init__(self, *args, findings, **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        for finding in self.findings:
            self.fields[f"include_{finding.pk}"] = forms.BooleanField(
                label=_("Publish this finding"), required=False, initial=True
            )
            self.fields[f"text_{finding.pk}"] = forms.CharField(
                label=_("Published text"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                initial=finding.published_text,
            )

    def rows(self):
        """(finding, include field, text field) for the template."""
        return [(f, self[f"include_{f.pk}"], self[f"text_{f.pk}"]) for f in self.findings]

    def published_texts(self) -> dict[int, str]:
        data = self.cleaned_data
        return {
            f.pk: data.get(f"text_{f.pk}", "") for f in self.findings if data.get(f"include_{f.pk}")
        }


class FindingFilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Any")), *Severity.choices], required=False
    )
    standard = StandardChoiceField(
        label=_("Code category"),
        queryset=CodeStandard.objects.all(),
        required=False,
        empty_label=_("Any"),
    )
