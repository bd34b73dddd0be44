"""Forms for partners' reports and findings and for EW staff's triage decisions."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from affiliates.models import User
from core import readmodel
from core.currencies import CurrencyField
from core.filters import counted_choices, counted_label, list_counts, offer_present_choices
from core.forms import QuickSelect
from core.uploads import EvidenceFileField
from suppliers.models import Factory

from .cohorts import COHORT_FIELDS
from .models import (
    ChildLabourCategory,
    CodeStandard,
    CodeSubStandard,
    CohortFee,
    CostItem,
    Finding,
    ForcedLabourIndicator,
    MigrantCohort,
    MonitoringReport,
    RecruitmentAgency,
    Severity,
    TraffickingAct,
    TraffickingMeans,
    TraffickingPurpose,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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


class SubStandardSelect(forms.Select):
    """Options tagged with their category (`data-standard`), which static/js/finding_form.js
    reads to offer only the chosen category's sub-standards; without JavaScript every option
    stays, grouped by category."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.standard_of: dict[str, int] = {}

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        standard = self.standard_of.get(str(value))
        if standard is not None:
            option["attrs"]["data-standard"] = str(standard)
        return option


class FindingForm(forms.ModelForm):
    standard = StandardChoiceField(label=_("Code category"), queryset=CodeStandard.objects.none())
    sub_standard = SubStandardChoiceField(
        label=_("Sub-standard"),
        queryset=CodeSubStandard.objects.none(),
        required=False,
        widget=SubStandardSelect(attrs={"data-filter-by": "id_standard"}),
    )
    ilo_indicators = forms.MultipleChoiceField(
        label=_("ILO forced-labour indicators"),
        choices=ForcedLabourIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # No default: a partner who skips the field is asked, rather than recording "Low".
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Choose…")), *Severity.choices]
    )
    child_labour = forms.MultipleChoiceField(
        label=_("Child labour"),
        choices=ChildLabourCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "ILO C138 sets the minimum age for work (15, or 14 where the country declared it); "
            "ILO C182 forbids hazardous work under 18 and the other worst forms of child labour."
        ),
    )
    trafficking_acts = forms.MultipleChoiceField(
        label=_("Trafficking: the act"),
        choices=TraffickingAct.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What was done to the workers (Palermo Protocol, Art. 3)."),
    )
    trafficking_means = forms.MultipleChoiceField(
        label=_("Trafficking: the means"),
        choices=TraffickingMeans.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("How it was done. Not needed when the workers are children."),
    )
    trafficking_purposes = forms.MultipleChoiceField(
        label=_("Trafficking: the purpose"),
        choices=TraffickingPurpose.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Why it was done: the exploitation."),
    )

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
            "child_labour",
            "trafficking_acts",
            "trafficking_means",
            "trafficking_purposes",
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
        subs = CodeSubStandard.objects.filter(standard__in=current).select_related("standard")
        field = self.fields["sub_standard"]
        field.queryset = subs
        field.choices = self._grouped(field, subs)

    @staticmethod
    def _grouped(field, subs) -> list:
        """The sub-standards in one <optgroup> per Code category, in the Code's order."""
        groups: dict[int, tuple[str, list]] = {}
        standard_of = {}
        for sub in subs.order_by("standard__number", "number"):
            label = f"{sub.standard.number}. {sub.standard.label}"
            groups.setdefault(sub.standard_id, (label, []))[1].append(
                (sub.pk, field.label_from_instance(sub))
            )
            standard_of[str(sub.pk)] = sub.standard_id
        field.widget.standard_of = standard_of  # the widget is shallow-copied per form
        return [("", field.empty_label), *groups.values()]

    def clean(self):
        data = super().clean()
        standard, sub = data.get("standard"), data.get("sub_standard")
        if standard and sub and sub.standard_id != standard.pk:
            self.add_error(
                "sub_standard",
                _("This sub-standard belongs to another Code category."),
            )
        acts, means, purposes = (
            data.get(f) for f in ("trafficking_acts", "trafficking_means", "trafficking_purposes")
        )
        if (acts or means or purposes) and not (acts and purposes):
            self.add_error(
                "trafficking_acts",
                _("Trafficking needs at least an act and a purpose: tick both, or neither."),
            )
        return data


MAX_AGENCIES = 8
MAX_TRANSIT = 3


def _country_choices():
    return [("", "—"), *countries]


class CohortForm(forms.ModelForm):
    """A cohort's route, counts and conditions; its agencies and fees are two formsets."""

    origin_country = forms.ChoiceField(label=_("Country of origin"), choices=_country_choices)
    destination_country = forms.ChoiceField(label=_("Country of work"), choices=_country_choices)
    debt_currency = CurrencyField(label=_("Debt currency"), required=False)
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings about this cohort"),
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contract_substitution = forms.NullBooleanField(
        label=_("Contract substituted on arrival"), widget=forms.NullBooleanSelect, required=False
    )
    employer_housing = forms.NullBooleanField(
        label=_("Housing provided by the employer"), widget=forms.NullBooleanSelect, required=False
    )

    class Meta:
        model = MigrantCohort
        # Transit countries are one field per country in order (below), not the array.
        fields = [name for name in COHORT_FIELDS if name != "transit_countries"]

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_TRANSIT + 1):
            self.fields[f"transit_{number}"] = forms.ChoiceField(
                label=_("Transit country %(number)s") % {"number": number},
                choices=_country_choices,
                required=False,
                help_text=_("In the order the workers passed through them.") if number == 1 else "",
            )
            transit = self.instance.transit_countries or []
            if len(transit) >= number:
                self.initial[f"transit_{number}"] = transit[number - 1]
        self.fields["findings"].queryset = report.findings.select_related("standard")
        self.fields["findings"].label_from_instance = lambda f: f"#{f.pk} {f}"
        if self.instance.pk:
            self.initial["findings"] = list(self.instance.findings.values_list("pk", flat=True))
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("destination_country", report.factory.country.code)

    def clean(self):
        data = super().clean()
        transit = [data.get(f"transit_{n}") for n in range(1, MAX_TRANSIT + 1)]
        if any(transit[i] and not transit[i - 1] for i in range(1, len(transit))):
            self.add_error(
                "transit_1", _("Fill in the transit countries in order, from the first.")
            )
        data["transit_countries"] = [code for code in transit if code]
        route = [
            data.get("origin_country"),
            *data["transit_countries"],
            data.get("destination_country"),
        ]
        if all(route) and len(set(route)) != len(route):
            self.add_error(
                "transit_1",
                _("A country appears twice on the route: list each transit country once."),
            )
        workers = sum(data.get(f) or 0 for f in ("workers_women", "workers_men", "workers_other"))
        if not workers:
            self.add_error("workers_other", _("Give the number of workers in the cohort."))
        if data.get("debt_per_worker") is not None and not data.get("debt_currency"):
            self.add_error("debt_currency", _("Give the currency of the debt."))
        return data


class AgencyForm(forms.Form):
    side = forms.ChoiceField(
        label=_("Where"), choices=[("", "—"), *RecruitmentAgency.Side.choices], required=False
    )
    name = forms.CharField(label=_("Agency"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)

    def clean(self):
        data = super().clean()
        filled = [data.get("side"), (data.get("name") or "").strip(), data.get("country")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("Give where the agency works, its name and its country, or leave the row empty.")
            )
        return data


AgencyFormSet = forms.formset_factory(AgencyForm, extra=2, max_num=MAX_AGENCIES)


def _agency_text(number: int) -> str:
    return gettext("Agency no. %(n)s of the chain") % {"n": number}


# Lazy: the choices are built once, at import; the text is translated in the reader's language.
_agency_in_chain = lazy(_agency_text, str)


class CohortFeeForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Step of the journey"), choices=[("", "—"), *CohortFee.Step.choices], required=False
    )
    agency = forms.ChoiceField(
        label=_("Paid to"),
        choices=[("", _("No agency / not known"))]
        + [(str(n), _agency_in_chain(n)) for n in range(1, MAX_AGENCIES + 1)],
        required=False,
    )
    cost_item = forms.ChoiceField(
        label=_("Cost item"), choices=[("", "—"), *CostItem.choices], required=False
    )
    amount = forms.DecimalField(
        label=_("Amount per worker"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    currency = CurrencyField(label=_("Currency"), required=False)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT, required=False)

    def clean(self):
        data = super().clean()
        filled = [
            data.get("step"),
            data.get("cost_item"),
            data.get("amount") is not None,
            data.get("currency"),
            data.get("paid_on"),
        ]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _(
                    "Give the step, the cost item, the amount, the currency and the date paid, "
                    "or leave the row empty."
                )
            )
        return data


CohortFeeFormSet = forms.formset_factory(CohortFeeForm, extra=3, max_num=30)


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


class PartnerReportFilterForm(forms.Form):
    """A partner's own reports by status: the statuses they hold, with the counts the
    partner's dashboard has read already (no query of its own). A status they do not hold is
    refused with Django's "Select a valid choice" and the list shown unfiltered."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)

    def __init__(self, *args, counts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = counted_choices(
            counts, MonitoringReport.Status.choices, empty_label=_("Any")
        )


class TriageFilterForm(forms.Form):
    """Staff's triage queue: by default the reports awaiting a decision; the statuses offered
    are those the submitted reports hold, with counts."""

    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))],
        widget=QuickSelect,
    )

    def __init__(self, *args, reports, cache_parts=None, **kwargs):
        """With `cache_parts` (what the reports depend on besides the data: the reader), the
        counts are kept in the read-model cache until the data change (core/readmodel.py)."""
        from .models import MonitoringReport

        super().__init__(*args, **kwargs)
        statuses = [
            choice
            for choice in MonitoringReport.Status.choices
            if choice[0] != MonitoringReport.Status.DRAFT
        ]
        if cache_parts is None:
            offer_present_choices(
                self, reports, {"status": ("status", statuses, _("Awaiting a decision"))}
            )
            return

        def count():
            # In a tuple: the cache takes None (more rows than the limit) for a miss.
            return (list_counts(reports, "status"),)

        [counts] = readmodel.cached("monitoring.triage_filters", cache_parts, count)
        if counts is None:
            self.counts_capped = True
        self.fields["status"].choices = counted_choices(
            counts and counts[0], statuses, empty_label=_("Awaiting a decision")
        )


class FindingFilterForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("Any")), *Severity.choices],
        required=False,
        widget=QuickSelect,
    )
    standard = StandardChoiceField(
        label=_("Code category"),
        queryset=CodeStandard.objects.all(),
        required=False,
        empty_label=_("Any"),
        widget=QuickSelect,
    )

    def __init__(self, *args, queryset=None, cache_parts=None, **kwargs):
        """With `queryset` (the findings the viewer may read), only the severities and Code
        categories they hold are offered, with counts (core/filters.py), both counted from one
        read of the rows. With `cache_parts` (what the rows depend on besides the data: the
        reader's tenant), the counts are kept in the read-model cache until the data change
        (core/readmodel.py): a large supply chain's findings cost more to read than the page."""
        super().__init__(*args, **kwargs)
        if queryset is None:
            return

        def count():
            # In a tuple: the cache takes None (more rows than the limit) for a miss.
            return (list_counts(queryset, "severity", "standard"),)

        if cache_parts is None:
            [counts] = count()
        else:
            [counts] = readmodel.cached("monitoring.finding_filters", cache_parts, count)
        if counts is None:  # more rows than the limit: every value, without a count
            self.counts_capped = True
            severities = standards = None
        else:
            severities, standards = counts
        self.fields["severity"].choices = counted_choices(
            severities, Severity.choices, empty_label=_("Any")
        )
        if standards is not None:
            field = self.fields["standard"]
            field.queryset = field.queryset.filter(pk__in=list(standards))
            label = field.label_from_instance
            field.label_from_instance = lambda obj: counted_label(
                label(obj), standards.get(obj.pk, 0)
            )
