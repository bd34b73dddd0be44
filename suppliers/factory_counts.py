"""Counts that upper apps add to the factory lists: open findings (monitoring) and open
remediation cases (remediation), which `suppliers` may not import.

An upper app registers, in its `AppConfig.ready()`, a function of the reader that returns an
expression over the factory's `pk` (a subquery with its own `visible_to(reader)` rules);
the lists annotate every registered count in the same query as the factories.
"""

from collections.abc import Callable

from django.db.models import Expression, QuerySet

Annotator = Callable[[object], Expression]

_annotators: dict[str, Annotator] = {}


def register(name: str, annotator: Annotator) -> None:
    _annotators[name] = annotator


def with_counts(queryset: QuerySet, reader) -> QuerySet:
    """`queryset` of factories with each registered count (e.g. `open_findings`,
    `open_cases`), as `reader` may know them; no extra query."""
    return queryset.annotate(**{name: annotate(reader) for name, annotate in _annotators.items()})
