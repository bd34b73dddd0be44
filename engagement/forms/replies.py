"""The company's answer to a finding shared with it."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.forms import interpolate_lazy
from core.uploads import ACCEPT, UploadRejected, clean_upload
from monitoring.replies import MAX_ATTACHMENTS


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files, each checked like evidence (`core.uploads.clean_upload`): returns a
    list of `CleanFile`, or every reason a file is refused."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            interpolate_lazy(
                _(
                    "Up to %(n)s JPEG, PNG or WebP photos or PDF documents, %(limit)s each. "
                    "Their metadata (author, GPS position) is removed."
                ),
                n=MAX_ATTACHMENTS,
                limit=lambda: filesizeformat(settings.EW_UPLOAD_MAX_BYTES),
            ),
        )
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ACCEPT)

    def clean(self, data, initial=None):
        uploads = [
            upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload
        ]
        cleaned, errors = [], []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                cleaned.append(clean_upload(upload))
            except UploadRejected as error:
                errors.append(forms.ValidationError(error.message, code="rejected"))
        if errors:
            raise forms.ValidationError(errors)
        if len(cleaned) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}, code="too_many"
            )
        return cleaned


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_(
            "Affiliates read your answer beside the finding once it is published. Do not name "
            "or describe individual workers."
        ),
    )
    files = AttachmentsField(label=_("Supporting documents"))
