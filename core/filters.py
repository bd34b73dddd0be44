"""Filters of list pages: choices that offer only what the viewer's rows hold, with counts.

A country filter lists "Viet Nam (12)" and the other countries of the rows the viewer may
read, not all 250. One query per filter, on the queryset the list shows (before its own
filters), so the counts never reveal rows the viewer may not read.

The cost is bounded: each query reads at most `EW_FILTER_COUNT_LIMIT` + 1 rows of the
queryset (no ORDER BY, a LIMIT: PostgreSQL stops as soon as it has them) and counts them
here. When the rows fit, every count is exact and only the values present are offered; when
there are more rows than the limit, no count is known without reading them all, so every
value of the filter is offered without a number (a filter may then find nothing, never a
wrong count), and the form's `counts_capped` says so.
"""

from collections import Counter
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _


def count_limit() -> int:
    """How many rows the choices of a filter are counted over, at most."""
    return settings.EW_FILTER_COUNT_LIMIT


def counted_label(label, count: int) -> str:
    return _("%(label)s (%(count)s)") % {"label": label, "count": count}


def list_counts(queryset: QuerySet, *fields: str) -> list[Counter] | None:
    """How many rows of `queryset` hold each value of each of `fields`, one Counter per field,
    from one query that reads at most `count_limit()` + 1 rows; None when there are more rows
    than that (the counts would be wrong). A field may hold several values per row (an array,
    a multiple CountryField, a many-to-many lookup): a row counts once for each value."""
    counted = rows_and_counts(queryset, *fields)
    return counted and counted[1]


def rows_and_counts(queryset: QuerySet, *fields: str) -> tuple[int, list[Counter]] | None:
    """`list_counts`, with the number of rows of `queryset` it has read (all of them): a list
    shown unfiltered needs no count query of its own (`CappedPaginationMixin.known_count`)."""
    limit = count_limit()
    rows = list(queryset.order_by().values_list("pk", *fields)[: limit + 1])
    if len(rows) > limit:
        return None
    holders = [set() for _field in fields]  # (row, value): a row joined twice counts once
    for pk, *values in rows:
        for held, value in zip(holders, values, strict=True):
            held.update((pk, each) for each in _values(value))
    total = len({row[0] for row in rows})
    return total, [Counter(value for _pk, value in held) for held in holders]


def _values(value) -> list:
    if value in ("", None):
        return []
    if isinstance(value, str):  # a multiple CountryField's "VN,TH", or a plain value
        return value.split(",") if "," in value else [value]
    if isinstance(value, list | tuple | set):
        return [str(getattr(v, "code", v)) for v in value if v]
    return [getattr(value, "code", value)]


def counted_choices(counts: Counter | dict | None, choices, *, empty_label=None) -> list[tuple]:
    """(value, "label (count)") for the values of `choices` that `counts` holds, in order;
    with `counts` None (too many rows to count), every value of `choices`, without a count."""
    if counts is None:
        present = [(value, label) for value, label in choices if value not in ("", None)]
    else:
        present = [
            (value, counted_label(label, counts[value]))
            for value, label in choices
            if value not in ("", None) and counts.get(value)
        ]
    return ([("", empty_label)] if empty_label is not None else []) + present


def present_choices(
    queryset: QuerySet,
    field: str,
    choices: Iterable[tuple] | Callable[[], Iterable[tuple]],
    *,
    empty_label=None,
) -> list[tuple]:
    """The (value, "label (count)") pairs of `choices` present in `queryset`'s `field`, in the
    order of `choices`, after an optional empty choice. Values the choices do not name are
    left out (a code no longer offered is not a filter anyone can pick). Over the limit,
    every choice without a count."""
    counts = list_counts(queryset, field)
    if callable(choices):
        choices = choices()
    return counted_choices(counts and counts[0], choices, empty_label=empty_label)


def offer_present_choices(form, queryset: QuerySet, fields: dict[str, tuple]) -> None:
    """Narrow the choices of a filter form's fields to the values in `queryset`, with counts.

    `fields` maps a form field to (model lookup, all its choices, empty label)."""
    for name, (lookup, choices, empty_label) in fields.items():
        counts = list_counts(queryset, lookup)
        if counts is None:
            form.counts_capped = True
        if callable(choices):
            choices = choices()
        form.fields[name].choices = counted_choices(
            counts and counts[0], choices, empty_label=empty_label
        )


def present_queryset(field, queryset: QuerySet, lookup: str) -> None:
    """For a ModelChoiceField: offer only the objects `queryset` refers to through `lookup`,
    each labelled with its count (one query for the counts, one for the objects); over the
    limit, every object of the field, without a count."""
    counts = list_counts(queryset, lookup)
    if counts is None:
        return
    [counts] = counts
    field.queryset = field.queryset.filter(pk__in=list(counts))
    label = field.label_from_instance
    field.label_from_instance = lambda obj: counted_label(label(obj), counts.get(obj.pk, 0))
