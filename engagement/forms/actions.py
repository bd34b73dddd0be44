"""A company's progress update on an action it owns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import EvidenceFileField, UploadRejected
from remediation.plan import MAX_PROGRESS_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(EvidenceFileField):
    """Several evidence files, each cleaned by `core.uploads`; a list of `CleanFile`."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > MAX_PROGRESS_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files to one update.") % {"count": MAX_PROGRESS_FILES}
            )
        cleaned = []
        for upload in uploads:
            forms.FileField.clean(self, upload, initial)
            try:
                cleaned.append(self.clean_file(upload))
            except UploadRejected as error:
                raise forms.ValidationError(error.message, code="rejected") from None
        return cleaned


class ProgressForm(forms.Form):
    text = forms.CharField(
        label=_("Progress made"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What your company did, when, and what the evidence shows."),
    )
    files = EvidenceFilesField(label=_("Evidence files"), required=False)
    asks_verification = forms.BooleanField(
        label=_("The action is done: ask for it to be verified"),
        required=False,
        help_text=_(
            "The monitoring partner or Electronics Watch will then check it, with the workers "
            "where needed."
        ),
    )
