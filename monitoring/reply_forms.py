"""Staff's form to share a validated report's findings with the companies concerned."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .replies import default_due_date


class ShareForReplyForm(forms.Form):
    """Companies (among those concerned and not yet asked), the deadline, and per finding the
    text the companies read (`text_<finding id>`), prefilled from its published text."""

    companies = forms.ModelMultipleChoiceField(
        label=_("Companies to ask"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one company to share the findings with.")},
    )
    due_date = forms.DateField(
        label=_("Answers due by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, report, findings, companies, **kwargs):
        kwargs.setdefault("auto_id", "id_reply_%s")
        super().__init__(*args, **kwargs)
        self.report = report
        self.findings = list(findings)
        self.fields["companies"].queryset = companies
        self.fields["due_date"].initial = default_due_date()
        for number, finding in enumerate(self.findings, start=1):
            self.fields[f"text_{finding.pk}"] = forms.CharField(
                label=_("Text the companies read for finding %(number)s, “%(finding)s”")
                % {"number": number, "finding": finding.standard.label},
                help_text=_("No names, no quotes, nothing that identifies a worker."),
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=finding.published_text,
                max_length=5000,
                error_messages={"required": _("Write the text the companies read.")},
            )

    def texts_for_company(self) -> dict[int, str]:
        return {finding.pk: self.cleaned_data[f"text_{finding.pk}"] for finding in self.findings}
