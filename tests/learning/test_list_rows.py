"""The learning lists' rows and filters computed in Python (core/forms.py QuickSelect,
learning/templatetags/learning_events.py and library_rows.py, learning/views/rows.py) write
exactly the HTML of the templates they replace, and the lists keep their query budgets."""

import re
from datetime import UTC, datetime

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from core.forms import QuickSelect
from learning.models import Bookmark, Resource, ResourceKind
from learning.services.library import attach_snippets, with_display, with_row_display
from learning.views.rows import set_resource_rows
from tests.factories import (
    EventFactory,
    ResourceVersionFactory,
    TopicFactory,
    library_resource,
)

pytestmark = pytest.mark.django_db

# learning/events/includes/when.html before it called the tag.
WHEN_TEMPLATE = (
    "{% load i18n tz %}{% get_current_timezone as zone %}"
    "<time datetime=\"{{ event.starts_at|date:'c' }}\">"
    '{{ event.starts_at|date:"DATETIME_FORMAT" }}</time>–'
    "<time datetime=\"{{ event.ends_at|date:'c' }}\">"
    '{% if event.starts_at|date:"Ymd" == event.ends_at|date:"Ymd" %}'
    '{{ event.ends_at|time:"TIME_FORMAT" }}{% else %}{{ event.ends_at|date:"DATETIME_FORMAT" }}'
    '{% endif %}</time> <span class="help">{% blocktranslate with zone=zone '
    'abbreviation=event.starts_at|date:"T" %}({{ zone }} time, {{ abbreviation }})'
    "{% endblocktranslate %}</span>\n"
)


@pytest.mark.parametrize(
    ("choices", "value"),
    [
        ([("", "Any kind"), ("a", "A <b> & “c” (3)"), ("b", "B")], "a"),
        ([("", "Any"), (1, 1), (2, mark_safe("<i>two</i>"))], "2"),
        ([("", "Any"), ("Group", [("x", "X"), ("y", "Y")]), ("z", 'Z"')], ["y"]),
        ([], None),
    ],
)
def test_the_list_select_writes_djangos_select(choices, value):
    attrs = {"id": "id_f", "data-x": 'a"b', "required": True, "disabled": False}
    ours = QuickSelect(choices=choices).render("f", value, attrs)
    django = forms.Select(choices=choices).render("f", value, attrs)
    assert ours == django


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC)),
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), datetime(2026, 7, 2, 9, 0, tzinfo=UTC)),
        (datetime(2026, 12, 8, 4, 12, 14, 798572, tzinfo=UTC), None),
    ],
)
def test_the_events_time_is_written_as_the_template_wrote_it(language, starts, ends):
    event = EventFactory.build(starts_at=starts, ends_at=ends or starts.replace(hour=5))
    django = engines["django"]
    with translation.override(language):
        before = django.from_string(WHEN_TEMPLATE).render({"event": event})
        after = django.get_template("learning/events/includes/when.html").render({"event": event})
    assert after == before


def test_the_events_time_kept_once_written_follows_the_language_and_the_time_zone():
    """`event_when` keeps what it wrote (learning_events._when): the same event read again in
    another language or time zone, or in the first again, is written as the template writes
    it there."""
    from django.utils import timezone

    event = EventFactory.build(
        starts_at=datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
        ends_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    )
    django = engines["django"]
    seen = set()
    for zone in ("Europe/Brussels", "America/New_York", "Europe/Brussels"):
        for language in ("en", "fr", "en"):
            with translation.override(language), timezone.override(zone):
                before = django.from_string(WHEN_TEMPLATE).render({"event": event})
                after = django.get_template("learning/events/includes/when.html").render(
                    {"event": event}
                )
            assert after == before
            seen.add(after)
    assert len(seen) == 4  # two languages, two zones


def test_library_and_events_lists_stay_within_their_query_budgets(
    client, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    topic = TopicFactory()
    for round_ in range(2):
        for n in range(3 if round_ == 0 else 25):
            resource = library_resource(title=f"Guide {round_}-{n}", topics=[topic])
            Bookmark.objects.create(user=northvale_officer, resource=resource)
            EventFactory()
        with django_assert_max_num_queries(6):
            page = client.get("/learn/").content.decode()
        assert page.count('<span class="badge">Bookmarked</span>') == (3 if round_ == 0 else 20)
        with django_assert_max_num_queries(8):
            assert client.get("/learn/events/").status_code == 200


def _library():
    """Resources of every shape a row shows: both languages, a later version, only German,
    a draft, topics with markup in their names, a long summary with markup, none at all."""
    worded = TopicFactory(name_en="Wages & <hours>", name_fr="Salaires & <heures>")
    other = TopicFactory(name_en="Audits", name_fr="Audits")
    both = library_resource(
        title="Disclosure <clause> & sites",
        summary="Name the sites & <factories>. " + "word " * 60,
        body="disclose the production sites",
        topics=[worded, other],
        kind=ResourceKind.CONTRACT_CLAUSE,
    )
    ResourceVersionFactory(
        resource=both, language="fr", title="Divulgation des sites", body="divulguer les sites"
    )
    ResourceVersionFactory(resource=both, language="en", number=2, title="Disclosure v2")
    library_resource(title="Nur auf Deutsch", language="de", summary="Die Lieferkette.")
    ResourceVersionFactory(
        resource=library_resource(title="Nur auf Deutsch 2", language="de", summary=""),
        language="es",
        title="Solo en español",
    )
    library_resource(title="A draft", status=Resource.Status.DRAFT, topics=[other])
    library_resource(title="No summary", summary="", body="disclose everything")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("query", ["", "disclose", "divulguer"])
def test_the_library_rows_are_written_as_the_template_wrote_them(language, query):
    _library()
    django = engines["django"]
    include = django.get_template("learning/library/includes/resource_item.html")
    tag = django.from_string(
        "{% load library_rows %}{% resource_rows resources bookmarked interface_language %}"
    )
    with translation.override(language):
        ordered = Resource.objects.order_by("pk")
        prefetched = list(with_display(ordered))
        annotated = list(with_row_display(ordered, language=language))
        for resources in (prefetched, annotated):
            attach_snippets(resources, query)
            set_resource_rows(resources)
        bookmarked = {annotated[0].pk, annotated[-1].pk}
        # the main query's version and topics are those the prefetched ones give
        for before, after in zip(prefetched, annotated, strict=True):
            assert (after.shown.pk, after.shown.title) == (before.shown.pk, before.shown.title)
            assert after.topic_names == before.topic_names
        context = {"bookmarked": bookmarked, "interface_language": language}
        expected = "".join(
            include.render({**context, "resource": resource}) for resource in prefetched
        )
        assert tag.render({**context, "resources": annotated}) == expected
    if query:
        assert "<mark>" in expected


# learning/events/list.html's loop before `event_cards` wrote it.
EVENT_CARDS_TEMPLATE = """{% load i18n %}{% for event in events %}
    {% ifchanged event.past %}
      {% if not forloop.first %}</ul>{% endif %}
      <h2>{% if event.past %}{% translate "Past events" %}{% else %}{% translate "Upcoming events" %}{% endif %}</h2>
      <ul class="cards" role="list">
    {% endifchanged %}
    <li class="card">
      <h3><a href="{{ event.url }}">{{ event.title }}</a></h3>
      <p>{% include "learning/events/includes/when.html" %}</p>
      <p>{{ event.get_kind_display }} · {{ event.get_language_display }} · {{ event.get_audience_display }}
        {% if event.status == "cancelled" %} · <span class="badge overdue">{% translate "Cancelled" %}</span>{% endif %}</p>
      {% if not event.past and event.status == "scheduled" %}
        <p>{% if event.registered_count >= event.capacity %}{% blocktranslate count waiting=event.waiting_count %}Full; {{ waiting }} person on the waiting list.{% plural %}Full; {{ waiting }} people on the waiting list.{% endblocktranslate %}{% else %}{% blocktranslate count places=event.capacity with taken=event.registered_count %}{{ taken }} of {{ places }} place taken.{% plural %}{{ taken }} of {{ places }} places taken.{% endblocktranslate %}{% endif %}</p>
      {% endif %}
      {% include "learning/events/includes/my_status.html" with status=event.my_status rank=event.my_rank %}
    </li>
    {% if forloop.last %}</ul>{% endif %}
  {% endfor %}"""  # noqa: E501


def _without_layout(html: str) -> str:
    """HTML without the whitespace next to tags (the template's indentation)."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_event_cards_are_written_as_the_template_wrote_them(language):
    def event(n, *, past, status="scheduled", registered=3, waiting=0, mine=None, rank=None):
        built = EventFactory.build(
            pk=n,
            title=f"Webinar <{n}> & “fees”",
            status=status,
            capacity=5,
            kind=["webinar", "training", "methodology"][n % 3],
            language=["en", "fr", "sv"][n % 3],
            audience=["affiliates", "partners", "both"][n % 3],
        )
        built.past, built.url = past, f"/learn/events/{n}/"
        built.registered_count, built.waiting_count = registered, waiting
        built.my_status, built.my_rank = mine, rank
        return built

    events = [
        event(1, past=0, mine="registered"),
        event(2, past=0, registered=5, waiting=1, mine="waiting", rank=1),
        event(3, past=0, registered=5, waiting=4),
        event(4, past=0, registered=1),
        event(5, past=0, status="cancelled", mine="waiting", rank=2),
        event(6, past=1, status="held", mine="attended"),
        event(7, past=1, status="held", mine="absent"),
        event(8, past=1, status="cancelled"),
    ]
    django = engines["django"]
    with translation.override(language):
        for shown in (events, events[:1], events[5:]):
            before = django.from_string(EVENT_CARDS_TEMPLATE).render({"events": shown})
            after = django.from_string("{% load learning_events %}{% event_cards events %}")
            after = after.render({"events": shown})
            assert _without_layout(after) == _without_layout(before)
            assert "Webinar &lt;" in after
