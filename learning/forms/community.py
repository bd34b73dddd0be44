"""Forms of peer learning. They carry a post's words and the library resources it quotes,
nothing else: no field reaches the author's contracts, factories or findings."""

from collections import Counter

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import QuickCheckbox, QuickSelect, QuickTextInput

from ..models import FollowMode, Resource, Topic
from ..services.community import BODY_MAX, TITLE_MAX

MARKDOWN_HELP = _(
    "Markdown: *italics*, **bold**, lists, > quotations and [links](https://…). HTML is shown "
    "as typed."
)


class QuotedResourcesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        version = obj.current_version()
        title = version.title if version else str(obj)
        return f"{title} ({obj.get_kind_display()})"


def published_resources():
    return Resource.objects.filter(status=Resource.Status.PUBLISHED).prefetch_related("versions")


class PostFieldsMixin(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MARKDOWN_HELP,
    )
    resources = QuotedResourcesField(
        label=_("Quote library resources"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("Optional: published resources of the library your message refers to."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = published_resources()


class AskForm(PostFieldsMixin):
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all())
    title = forms.CharField(
        label=_("Your question, in one line"),
        max_length=TITLE_MAX,
    )
    field_order = ["topic", "title", "body", "resources"]


class ReplyForm(PostFieldsMixin):
    pass


class FollowForm(forms.Form):
    mode = forms.ChoiceField(label=_("E-mails about replies"), choices=FollowMode.choices)


class ThreadFilterForm(forms.Form):
    """The threads list: a title search, the topics that have threads (with counts), and the
    threads waiting for an answer."""

    q = forms.CharField(
        label=_("Title contains"), required=False, max_length=200, widget=QuickTextInput
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, widget=QuickSelect)
    waiting = forms.BooleanField(
        label=_("Waiting for an answer"), required=False, widget=QuickCheckbox
    )

    def __init__(self, *args, threads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = self._topics(threads)

    def _topics(self, threads) -> list[tuple]:
        """The topics of `threads` with their counts, as `core.filters.offer_present_choices`
        offers them, from the one query that reads the threads' topics with their names (no
        query of the topics besides); `total` is then the number of threads (None over the
        limit, where every topic is offered without a count)."""
        from core.filters import count_limit, counted_choices

        limit = count_limit()
        rows = list(
            threads.order_by().values_list("pk", "topic__slug", "topic__name_en", "topic__name_fr")[
                : limit + 1
            ]
        )
        if len(rows) > limit:
            self.counts_capped = True
            self.total = None
            topics = [(t.slug, t.name) for t in Topic.objects.order_by("name_en")]
            return counted_choices(None, topics, empty_label=_("Every topic"))
        self.total = len(rows)  # a thread has one topic: one row each
        counts = Counter(slug for _pk, slug, _en, _fr in rows)
        named = {slug: Topic(slug=slug, name_en=en, name_fr=fr) for _pk, slug, en, fr in rows}
        topics = [(t.slug, t.name) for t in sorted(named.values(), key=lambda t: t.name_en)]
        return counted_choices(counts, topics, empty_label=_("Every topic"))
