"""Counts that upper apps add to the factory lists: open findings (monitoring) and open
remediation cases (remediation), which `suppliers` may not import.

An upper app registers, in its `AppConfig.ready()`, a function of the reader that returns an
expression over the factory's `pk` (a subquery with its own `visible_to(reader)` rules);
the lists annotate every registered count in the same query as the factories. A count may
also name the factory column that stores it as EW staff know it (every row, kept exact by the
upper app's triggers, `Factory.STORED_AGGREGATES`): staff's lists read that column instead of
counting (the largest sites have thousands of findings). A count whose rows an affiliate reads
all of at a site of its own supply chain (`whole_in_supply_chain`: remediation's cases, which
an affiliate reads at every such site; not monitoring's findings, of which it reads the
published ones only) is the stored one for that affiliate too, at those sites: a list of the
reader's own supply chain (`in_readers_supply_chain`) reads the column as staff do.
"""

from collections.abc import Callable

from django.db.models import Expression, F, QuerySet

Annotator = Callable[[object], Expression]

_annotators: dict[str, Annotator] = {}
_stored: dict[str, str] = {}
_whole_in_supply_chain: set[str] = set()


def register(
    name: str,
    annotator: Annotator,
    *,
    stored: str | None = None,
    whole_in_supply_chain: bool = False,
) -> None:
    _annotators[name] = annotator
    if stored:
        _stored[name] = stored
        if whole_in_supply_chain:
            _whole_in_supply_chain.add(name)


def with_counts(queryset: QuerySet, reader, *, in_readers_supply_chain: bool = False) -> QuerySet:
    """`queryset` of factories with each registered count (e.g. `open_findings`,
    `open_cases`), as `reader` may know them; no extra query. `in_readers_supply_chain`: every
    factory of `queryset` is in the supply chain of `reader`, an affiliate (the queryset is
    `Factory.objects.visible_to(reader)`, or a part of it)."""

    def stored(name: str) -> bool:
        if name not in _stored:
            return False
        return reader.is_staff or (in_readers_supply_chain and name in _whole_in_supply_chain)

    return queryset.annotate(
        **{
            name: F(_stored[name]) if stored(name) else annotate(reader)
            for name, annotate in _annotators.items()
        }
    )
