"""Filters of list pages: choices that offer only what the viewer's rows hold, with counts.

A country filter lists "Viet Nam (12)" and the other countries of the rows the viewer may
read, not all 250. One GROUP BY per filter, on the queryset the list shows (before its own
filters), so the counts never reveal rows the viewer may not read.
"""

from collections import Counter
from collections.abc import Callable, Iterable

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

# A filter lists at most this many values: beyond, a search box is the better tool.
MAX_CHOICES = 300
# Values held in lists are counted over at most this many rows (the lists are small).
MAX_ROWS = 5000


def counted_label(label, count: int) -> str:
    return _("%(label)s (%(count)s)") % {"label": label, "count": count}


def present_choices(
    queryset: QuerySet,
    field: str,
    choices: Iterable[tuple] | Callable[[], Iterable[tuple]],
    *,
    empty_label=None,
) -> list[tuple]:
    """The (value, "label (count)") pairs of `choices` present in `queryset`'s `field`, in the
    order of `choices`, after an optional empty choice. Values the choices do not name are
    left out (a code no longer offered is not a filter anyone can pick)."""
    counts = dict(
        queryset.order_by()
        .values_list(field)
        .annotate(n=Count("pk", distinct=True))
        .order_by()[:MAX_CHOICES]
    )
    if callable(choices):
        choices = choices()
    return counted_choices(counts, choices, empty_label=empty_label)


def counted_choices(counts, choices, *, empty_label=None) -> list[tuple]:
    """(value, "label (count)") for the values of `choices` that `counts` holds, in order."""
    present = [
        (value, counted_label(label, counts[value]))
        for value, label in choices
        if value not in ("", None) and counts.get(value)
    ]
    return ([("", empty_label)] if empty_label is not None else []) + present


def list_counts(queryset: QuerySet, *fields: str) -> list[Counter]:
    """For fields that hold several values per row (arrays, multiple countries): how many rows
    hold each value, one Counter per field, from one query over at most MAX_ROWS rows."""
    counters = [Counter() for _field in fields]
    for row in queryset.order_by().values_list(*fields)[:MAX_ROWS]:
        for counter, values in zip(counters, row, strict=True):
            if isinstance(values, str):  # a multiple CountryField's "VN,TH", or a plain value
                values = values.split(",") if "," in values else [values]
            counter.update({str(getattr(v, "code", v)) for v in values or () if v})
    return counters


def offer_present_choices(form, queryset: QuerySet, fields: dict[str, tuple]) -> None:
    """Narrow the choices of a filter form's fields to the values in `queryset`, with counts.

    `fields` maps a form field to (model lookup, all its choices, empty label)."""
    for name, (lookup, choices, empty_label) in fields.items():
        form.fields[name].choices = present_choices(
            queryset, lookup, choices, empty_label=empty_label
        )


def present_queryset(field, queryset: QuerySet, lookup: str) -> None:
    """For a ModelChoiceField: offer only the objects `queryset` refers to through `lookup`,
    each labelled with its count (one query for the counts, one for the objects)."""
    counts = dict(
        queryset.order_by()
        .values_list(lookup)
        .annotate(n=Count("pk", distinct=True))
        .order_by()[:MAX_CHOICES]
    )
    field.queryset = field.queryset.filter(pk__in=[pk for pk in counts if pk is not None])
    label = field.label_from_instance
    field.label_from_instance = lambda obj: counted_label(label(obj), counts.get(obj.pk, 0))
