from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from affiliates.models import User
from core.filters import counted_choices, counted_label, list_counts
from core.forms import country_choices
from core.uploads import EvidenceFileField
from monitoring.models import CodeStandard, ForcedLabourIndicator
from suppliers.models import Factory

from .models import Category, Channel, ContactMethod

MAX_ATTACHMENTS = 3


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(EvidenceFileField):
    """Up to three files, each cleaned by `core.uploads` (metadata stripped)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)
        # Lazily, so the public pages show it in the worker's language.
        self.help_text = _("Optional. Up to 3 photos or PDF files, %(limit)s each at most.")

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Please send at most 3 files."))
        return [super(AttachmentsField, self).clean(upload, initial) for upload in uploads]


class GrievanceForm(forms.Form):
    """The worker's form. Every label is in the public catalogue of the ten languages."""

    factory = forms.ModelChoiceField(
        queryset=Factory.objects.active(), required=False, widget=forms.HiddenInput
    )
    workplace = forms.CharField(
        label=_("Name of the workplace"),
        max_length=300,
        required=False,
        help_text=_("If you did not find it above, write its name and town."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices("—"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("What happened?"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Choose all that are true."),
    )
    description = forms.CharField(
        label=_("Tell us what happened"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_(
            "Who did what, when, and how many workers. You can write in any language. "
            "You do not have to give your name."
        ),
    )
    wants_contact = forms.TypedChoiceField(
        label=_("Do you want us to contact you?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="no",
        help_text=_("Without contact, you can still read our answers with your receipt code."),
    )
    contact_method = forms.ChoiceField(
        label=_("How?"),
        choices=[c for c in ContactMethod.choices if c[0]],
        required=False,
    )
    contact_details = forms.CharField(
        label=_("Phone number, app and name in the app, or e-mail"),
        max_length=300,
        required=False,
    )
    attachments = AttachmentsField(label=_("Photos or documents"), required=False)
    # A fresh random value for each form shown: when the browser sends the same form again
    # (the receipt page reloaded), the worker is told it arrived instead of filing it twice.
    submission = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # A honeypot: hidden from people (CSS, aria-hidden, out of the tab order), filled by bots.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = self.fields["attachments"].help_text % {
            "limit": filesizeformat(settings.EW_UPLOAD_MAX_BYTES)
        }

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean(self):
        data = super().clean()
        if not data.get("factory") and not (data.get("workplace") or "").strip():
            self.add_error("workplace", _("Please choose or write the name of the workplace."))
        if data.get("wants_contact") and not (data.get("contact_details") or "").strip():
            self.add_error(
                "contact_details",
                _("Please write how we can contact you, or choose not to be contacted."),
            )
        return data


class PartnerGrievanceForm(GrievanceForm):
    channel = forms.ChoiceField(
        label=_("How the worker reached you"),
        choices=[
            (Channel.PARTNER_IN_PERSON, Channel.PARTNER_IN_PERSON.label),
            (Channel.PARTNER_PHONE, Channel.PARTNER_PHONE.label),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language the worker used"), choices=settings.GRIEVANCE_LANGUAGES
    )
    field_order = ["channel", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        del self.fields["submission"]
        self.fields["factory"].widget = forms.Select()
        self.fields["factory"].label = _("Factory, if it is in the registry")
        self.fields["factory"].queryset = Factory.objects.active().only("pk", "name", "country")


class ReceiptCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("For example: 7K3D-Q9XA-M2PV-8TRE-H4NB"),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000
    )
    # Internal unless staff choose otherwise: a note meant for colleagues must never reach the
    # worker by a checkbox left ticked.
    visible_to_grievant = forms.TypedChoiceField(
        label=_("Who reads it"),
        choices=[
            ("internal", _("Internal note: Electronics Watch staff and the partner only")),
            ("worker", _("Send to the worker: they read it with their receipt code")),
        ],
        coerce=lambda value: value == "worker",
        widget=forms.RadioSelect,
        initial="internal",
    )


class TranslationForm(forms.Form):
    translation = forms.CharField(
        label=_("Translation into English or French"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=40_000,
        required=False,
        help_text=_("Stored encrypted like the worker's words. Leave empty to remove it."),
    )


class FactoryPickerField(forms.ModelChoiceField):
    """The factory of a grievance, chosen among search results (radio buttons) rather than
    from a select of every factory in the registry."""

    widget = forms.RadioSelect


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.filter(is_ew_staff=True, is_active=True).order_by("email"),
        required=False,
        empty_label=_("Nobody"),
    )


class ClassifyForm(forms.Form):
    code_standards = forms.ModelMultipleChoiceField(
        label=_("Code standards"),
        queryset=CodeStandard.objects.current().order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ilo_indicators = forms.MultipleChoiceField(
        label=_("ILO forced-labour indicators"),
        choices=ForcedLabourIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    factory = FactoryPickerField(
        label=_("Factory"),
        queryset=Factory.objects.active().only("pk", "name", "country").order_by("name"),
        required=False,
        empty_label=_("Not known"),
    )


class AcknowledgeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the worker (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20_000,
    )


class ReferForm(forms.Form):
    referral = forms.CharField(
        label=_("Remediation case reference (optional)"), max_length=200, required=False
    )


class CloseForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback to the worker"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20_000,
    )


def _label(label, counts, count):
    return label if counts is None else counted_label(label, count)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, staff=(), visible=None, **kwargs):
        """`visible`: the grievances the reader may read, before these filters; each choice
        says how many of them it holds, counted in one query over at most a bounded number of
        them (`core.filters`: beyond it, the choices have no counts)."""
        from .models import OPEN_STATUSES, Status

        super().__init__(*args, **kwargs)
        counts = list_counts(visible, "status", "assignee") if visible is not None else None
        statuses, by_assignee = counts or (None, None)
        staff_choices = [(str(user.pk), str(user)) for user in staff]
        if counts is None:
            open_count = total = nobody = 0
        else:
            open_count = sum(n for status, n in statuses.items() if status in OPEN_STATUSES)
            total = sum(statuses.values())  # one status each, at most one assignee
            nobody = total - sum(by_assignee.values())
            by_assignee = {str(pk): n for pk, n in by_assignee.items()}
        self.fields["status"].choices = [
            ("", _label(pgettext_lazy("grievances filter", "Open"), counts, open_count)),
            ("all", _label(_("All"), counts, total)),
            *counted_choices(statuses, Status.choices),
        ]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("none", _label(_("Nobody"), counts, nobody)),
            *counted_choices(by_assignee, staff_choices),
        ]
