"""The learning lists' rows and filters computed in Python (core/forms.py QuickSelect,
learning/templatetags/learning_events.py and library_rows.py, learning/views/rows.py) write
exactly the HTML of the templates they replace, and the lists keep their query budgets."""

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
