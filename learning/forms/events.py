"""Forms of webinars and trainings. They check shapes; the rules are in
`learning.services.events`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.forms import QuickCheckbox, QuickSelect
from core.uploads import EvidenceFileField

from ..models import Event, EventKind, ResourceLanguage
from ..services.events import EventData, Material

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    online_link = forms.URLField(
        label=_("Link to join"),
        help_text=_("Shown only to the people registered."),
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "kind",
            "audience",
            "language",
            "starts_at",
            "ends_at",
            "online_link",
            "capacity",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = settings.TIME_ZONE
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("Date and time in the %(zone)s time zone.") % {
                "zone": zone
            }
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["online_link"].required = True

    def data_for_service(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            audience=data["audience"],
            language=data["language"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            online_link=data["online_link"],
            capacity=data["capacity"],
        )


class EventFilterForm(forms.Form):
    """The filters of the events list; a value that is not a choice is ignored."""

    WHEN = [("", _("Upcoming and past")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    when = forms.ChoiceField(label=_("When"), choices=WHEN, required=False, widget=QuickSelect)
    kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Kind"),
        choices=[("", _("Any kind")), *EventKind.choices],
        required=False,
    )
    language = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Language"),
        choices=[("", _("Any language")), *ResourceLanguage.choices],
        required=False,
    )
    mine = forms.BooleanField(
        label=_("Only the events I registered for"), required=False, widget=QuickCheckbox
    )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label=_("Attended"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick who attended; everyone else who held a place is recorded absent."),
    )

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (str(r.pk), f"{r.user} ({r.user.email})") for r in registrations
        ]
        if not self.is_bound:
            self.initial["attended"] = [
                str(r.pk) for r in registrations if r.status == r.Status.ATTENDED
            ]


class MaterialForm(forms.Form):
    what = forms.ChoiceField(
        label=_("What"),
        choices=[(Material.RECORDING, _("Recording")), (Material.SLIDES, _("Slides"))],
        widget=forms.RadioSelect,
        initial=Material.RECORDING,
    )
    language = forms.ChoiceField(label=_("Language"), choices=ResourceLanguage.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    link = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For a recording on a video platform, or slides online."),
    )
    file = EvidenceFileField(
        label=_("PDF file"),
        required=False,
        help_text=lazy(
            lambda: (
                _("A PDF of up to %(limit)s; leave empty when you give a link.")
                % {"limit": filesizeformat(settings.EW_UPLOAD_MAX_BYTES)}
            ),
            str,
        )(),
    )

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("link")) == bool(data.get("file")):
            raise forms.ValidationError(_("Give either a link or a PDF file (one of the two)."))
        return data
