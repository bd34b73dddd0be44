"""Counts that upper apps add to the factory lists: open findings (monitoring) and open
remediation cases (remediation), which `suppliers` may not import.

An upper app registers, in its `AppConfig.ready()`, a function of the reader that returns an
expression over the factory's `pk` (a subquery with its own `visible_to(reader)` rules);
the lists annotate every registered count in the same query as the factories. A count may
also name the factory column that stores it as EW staff know it (every row, kept exact by the
upper app's triggers, `Factory.STORED_AGGREGATES`): staff's lists read that column instead of
counting (the largest sites have thousands of findings).
"""

from collections.abc import Callable

from django.db.models import Expression, F, QuerySet

Annotator = Callable[[object], Expression]

_annotators: dict[str, Annotator] = {}
_stored: dict[str, str] = {}


def register(name: str, annotator: Annotator, *, stored: str | None = None) -> None:
    _annotators[name] = annotator
    if stored:
        _stored[name] = stored


def with_counts(queryset: QuerySet, reader) -> QuerySet:
    """`queryset` of factories with each registered count (e.g. `open_findings`,
    `open_cases`), as `reader` may know them; no extra query."""
    return queryset.annotate(
        **{
            name: F(_stored[name]) if reader.is_staff and name in _stored else annotate(reader)
            for name, annotate in _annotators.items()
        }
    )
