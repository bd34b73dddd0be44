"""Forms of the guidance library. They check shapes; the rules are in
`learning.services.library`."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.forms import QuickSelect, country_choices
from core.uploads import DocumentFileField

from ..models import (
    ProcurementStage,
    Resource,
    ResourceKind,
    ResourceLanguage,
    ResourceVersion,
    Topic,
)
from ..services.library import FACETS, Filters, VersionText, facet_counts


def _with_any(choices, label):
    return [("", label), *choices]


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return topic.name


class SearchForm(forms.Form):
    """The search box and the facets of /learn/ (a GET form)."""

    q = forms.CharField(label=_("Search the library"), required=False, max_length=200)
    kind = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Kind"),
        required=False,
        choices=_with_any(ResourceKind.choices, _("Any kind")),
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=QuickSelect)
    stage = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Stage of the procurement cycle"),
        required=False,
        choices=_with_any(ProcurementStage.choices, _("Any stage")),
    )
    country = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Country"),
        required=False,
        choices=country_choices(_("Any country")),
    )
    language = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Language"),
        required=False,
        choices=_with_any(ResourceLanguage.choices, _("Any language")),
    )
    status = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Status"),
        required=False,
        choices=_with_any(Resource.Status.choices, _("Drafts and published")),
    )

    def __init__(self, *args, staff: bool, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = _with_any(
            [(topic.slug, topic.name) for topic in topics or ()], _("Any topic")
        )
        if not staff:
            del self.fields["status"]

    def offer_present_choices(self, resources) -> None:
        """Only the kinds, topics, stages, countries and languages of `resources` (those the
        reader may read), with their counts, counted by one query
        (`learning.services.library.facet_counts`): at most the filters' count limit of them,
        else every choice without a count (`counts_capped`; every topic is then read).
        `present_count`: how many resources that is (None when capped), what an unfiltered
        list counts without asking again."""
        from core.filters import count_limit, counted_choices

        counted = facet_counts(resources, count_limit())
        if counted is None:  # too many to count
            self.counts_capped = True
            counts, self.present_count = dict.fromkeys(FACETS), None
            topics = Topic.objects.order_by("name_en")
        else:
            counts, self.present_count, topics = counted.counts, counted.total, counted.topics
        for name, choices, empty in (
            ("kind", ResourceKind.choices, _("Any kind")),
            ("topic", [(topic.slug, topic.name) for topic in topics], _("Any topic")),
            ("stage", ProcurementStage.choices, _("Any stage")),
            ("country", list(countries), _("Any country")),
            ("language", ResourceLanguage.choices, _("Any language")),
        ):
            self.fields[name].choices = counted_choices(counts[name], choices, empty_label=empty)

    def filters(self) -> Filters:
        """The valid part of the search; an invalid facet is left out (and shown as an error)."""
        data = dict(self.cleaned_data) if self.is_bound else {}
        data["query"] = data.pop("q", "")
        return Filters(**{name: data.get(name) or "" for name in Filters.__dataclass_fields__})


class ResourceForm(forms.ModelForm):
    """A resource's facets."""

    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    stages = forms.MultipleChoiceField(
        label=_("Stages of the procurement cycle"),
        choices=ProcurementStage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=lambda: list(countries),
        required=False,
        help_text=_("Leave empty when the resource is not about particular countries."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Resource
        fields = ["kind", "topics", "stages", "countries"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.order_by("name_en")
        if self.instance.pk:
            self.initial["countries"] = [c.code for c in self.instance.countries]


class VersionForm(forms.Form):
    """One wording of a resource in one language: a text, a file or a link."""

    language = forms.ChoiceField(label=_("Language"), choices=ResourceLanguage.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences shown in search results."),
    )
    format = forms.ChoiceField(
        label=_("The resource is"),
        choices=ResourceVersion.Format.choices,
        initial=ResourceVersion.Format.TEXT,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, *italic*, lists, links and tables; no HTML."),
    )
    file = DocumentFileField(label=_("File"), required=False)  # its limit is set in __init__
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    change_note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=255,
        help_text=_("Required from the second version in a language on."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The library's own limit, read when the form is made (settings can change in tests).
        self.fields["file"] = DocumentFileField(
            label=_("File"), required=False, max_bytes=settings.EW_LIBRARY_MAX_BYTES
        )

    def clean(self):
        data = super().clean()
        chosen = data.get("format")
        needed = {
            ResourceVersion.Format.TEXT: ("body", _("Write the text of the resource.")),
            ResourceVersion.Format.FILE: ("file", _("Choose the PDF, DOCX or XLSX file.")),
            ResourceVersion.Format.LINK: ("link", _("Give the address of the link.")),
        }
        if chosen in needed:
            field, message = needed[chosen]
            if not data.get(field) and field not in self.errors:
                self.add_error(field, message)
        return data

    def version_text(self) -> VersionText:
        data = self.cleaned_data
        return VersionText(
            language=data["language"],
            title=data["title"],
            format=data["format"],
            summary=data.get("summary") or "",
            body=data.get("body") or "",
            file=data.get("file"),
            link=data.get("link") or "",
            change_note=data.get("change_note") or "",
        )


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name_en", "name_fr", "slug"]
        help_texts = {"slug": _("Lower-case letters, digits and hyphens; it cannot change.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            del self.fields["slug"]

    def validate_unique(self):
        """The service says whether an identifier is taken, in its own words."""
