"""When an event takes place, as `learning/events/includes/when.html` shows it: written in
Python because a list shows it on every card, where the template's six date filters, its time
zone tag and its translation cost several times more than the formatting itself."""

from functools import lru_cache

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext

from core.rows import text

from ..models import EventAudience, EventKind, ResourceLanguage

register = template.Library()


def _local(value, zone):
    return timezone.localtime(value, zone) if timezone.is_aware(value) else value


@register.simple_tag
def event_when(event):
    """`<time>` start–`<time>` end (the end's time alone on the same day), then the time zone's
    name and abbreviation, in the current time zone and language; text escaped."""
    return _when(get_language(), timezone.get_current_timezone(), event.starts_at, event.ends_at)


@lru_cache(maxsize=4096)
def _when(language, zone, starts_at, ends_at) -> str:
    """`event_when`'s markup, kept per process: it follows from the two moments, the active
    language (names, formats) and time zone alone, which are its key; the events of a list are
    the same from page to page, so their dates are formatted once, not on each page."""
    starts, ends = _local(starts_at, zone), _local(ends_at, zone)
    start, end = dateformat.DateFormat(starts), dateformat.DateFormat(ends)
    datetime_format = get_format("DATETIME_FORMAT")
    if start.format("Ymd") == end.format("Ymd"):
        shown_end = dateformat.time_format(ends, get_format("TIME_FORMAT"))
    else:
        shown_end = end.format(datetime_format)
    zone_note = gettext("(%(zone)s time, %(abbreviation)s)") % {
        "zone": escape(timezone.get_current_timezone_name()),
        "abbreviation": escape(start.format("T")),
    }
    return format_html(
        '<time datetime="{}">{}</time>–<time datetime="{}">{}</time> <span class="help">{}</span>',
        start.format("c"),
        start.format(datetime_format),
        end.format("c"),
        shown_end,
        mark_safe(zone_note),  # noqa: S308 - the translation's two values are escaped just above
    )


@register.simple_tag
def event_cards(events) -> str:
    """The cards of learning/events/list.html, written in Python: each kind's, language's and
    audience's label translated once a page, not three times a card (the template's version
    is kept, and compared, in tests/learning/test_list_rows.py). `events` come from the list's
    queryset: `past`, `registered_count`, `waiting_count`, `my_status`, `my_rank` and `url`."""
    labels = {
        name: {value: text(label) for value, label in choices}
        for name, choices in (
            ("kind", EventKind.choices),
            ("language", ResourceLanguage.choices),
            ("audience", EventAudience.choices),
        )
    }
    statuses = {
        "registered": _badge(gettext("Registered")),
        "attended": _badge(gettext("Attended")),
        "absent": _badge(gettext("Absent")),
    }
    cancelled = f' · <span class="badge overdue">{text(gettext("Cancelled"))}</span>'
    headings = {
        True: f"<h2>{text(gettext('Past events'))}</h2>",
        False: f"<h2>{text(gettext('Upcoming events'))}</h2>",
    }
    parts, past = [], None
    for event in events:
        if past is None or bool(event.past) != past:
            if past is not None:
                parts.append("</ul>")
            past = bool(event.past)
            parts.append(f'{headings[past]}<ul class="cards" role="list">')
        shown = " · ".join(
            labels[name].get(getattr(event, name)) or text(getattr(event, name))
            for name in ("kind", "language", "audience")
        )
        if event.status == "cancelled":
            shown += cancelled
        places = ""
        if not event.past and event.status == "scheduled":
            places = f"<p>{_places(event)}</p>"
        status = event.my_status
        if status == "waiting":
            waiting = gettext("Waiting list: number %(rank)s") % {"rank": text(event.my_rank)}
            mine = f'<span class="badge">{waiting}</span>'
        else:
            mine = statuses.get(status, "")
        parts.append(
            f'<li class="card"><h3><a href="{text(event.url)}">{text(event.title)}</a></h3>'
            f"<p>{event_when(event)}</p><p>{shown}</p>{places}{mine}</li>"
        )
    if past is not None:
        parts.append("</ul>")
    return mark_safe("\n".join(parts))  # noqa: S308 (every value escaped above)


def _badge(label: str) -> str:
    return f'<span class="badge">{text(label)}</span>'


def _places(event) -> str:
    if event.registered_count >= event.capacity:
        return ngettext(
            "Full; %(waiting)s person on the waiting list.",
            "Full; %(waiting)s people on the waiting list.",
            event.waiting_count,
        ) % {"waiting": text(event.waiting_count)}
    return ngettext(
        "%(taken)s of %(places)s place taken.",
        "%(taken)s of %(places)s places taken.",
        event.capacity,
    ) % {"taken": text(event.registered_count), "places": text(event.capacity)}
