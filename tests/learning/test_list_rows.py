"""The learning lists' rows and filters computed in Python (core/forms.py QuickSelect,
learning/templatetags/learning_events.py, learning/views/rows.py) write exactly the HTML of
the templates they replace, and the lists keep their query budgets."""

from datetime import UTC, datetime

import pytest
from django import forms
from django.template import engines
from django.utils import translation
from django.utils.safestring import mark_safe

from core.forms import QuickSelect
from learning.models import Bookmark
from tests.factories import EventFactory, TopicFactory, library_resource

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
        with django_assert_max_num_queries(9):
            page = client.get("/learn/").content.decode()
        assert page.count('<span class="badge">Bookmarked</span>') == (3 if round_ == 0 else 20)
        with django_assert_max_num_queries(8):
            assert client.get("/learn/events/").status_code == 200
