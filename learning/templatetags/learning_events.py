"""When an event takes place, as `learning/events/includes/when.html` shows it: written in
Python because a list shows it on every card, where the template's six date filters, its time
zone tag and its translation cost several times more than the formatting itself."""

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.simple_tag
def event_when(event):
    """`<time>` start–`<time>` end (the end's time alone on the same day), then the time zone's
    name and abbreviation, in the current time zone and language; text escaped."""
    starts, ends = _local(event.starts_at), _local(event.ends_at)
    start, end = dateformat.DateFormat(starts), dateformat.DateFormat(ends)
    datetime_format = get_format("DATETIME_FORMAT")
    if start.format("Ymd") == end.format("Ymd"):
        shown_end = dateformat.time_format(ends, get_format("TIME_FORMAT"))
    else:
        shown_end = end.format(datetime_format)
    zone = gettext("(%(zone)s time, %(abbreviation)s)") % {
        "zone": escape(timezone.get_current_timezone_name()),
        "abbreviation": escape(start.format("T")),
    }
    return format_html(
        '<time datetime="{}">{}</time>–<time datetime="{}">{}</time> <span class="help">{}</span>',
        start.format("c"),
        start.format(datetime_format),
        end.format("c"),
        shown_end,
        mark_safe(zone),  # noqa: S308 - the translation's two values are escaped just above
    )
