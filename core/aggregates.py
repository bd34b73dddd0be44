"""Values a row stores about other rows (a report's findings, a factory's open cases), kept
exact by the database and checked against a recomputation with the ORM.

An app declares each of its stored aggregates in its `aggregates` module as a
`StoredAggregates`: the model that stores them, the SQL function that recomputes them
(`function(ids bigint[]) RETURNS bigint`: the rows given, all when NULL; how many changed),
which the app's statement-level triggers call for the rows each statement touched, and the
expected value of each stored field as an ORM expression (the oracle, never used by pages).
`refresh()` calls the function, `drift()` lists the rows whose stored values differ from the
expected ones; `manage.py verify_aggregates [--fix]` (core/management/commands) runs every
declaration of every app (`declared()`). This module knows no domain: it is given the model
by its label, the function's name and the expressions.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.db import connection
from django.db.models import BooleanField, Expression, F, Func, QuerySet
from django.utils.module_loading import autodiscover_modules

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_DECLARED: list[StoredAggregates] = []


class IsDistinctFrom(Func):
    """`a IS DISTINCT FROM b`: true when they differ, NULL on both sides being equal."""

    arg_joiner = " IS DISTINCT FROM "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class StoredAggregates:
    """Fields of `model` ("app_label.Model") kept by the SQL function `function`, each equal
    to the expression `expected()` gives for it (a callable: expressions are built when
    used, after the models are loaded); `label` names them in `verify_aggregates`."""

    label: str
    model: str
    function: str
    expected: Callable[[], Mapping[str, Expression]]

    def __post_init__(self):
        if not _IDENTIFIER.fullmatch(self.function):
            raise ValueError(f"not an SQL function name: {self.function!r}")

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.expected())

    def refresh(self, ids=None) -> int:
        """Recompute the stored values of these rows (all when None) in one UPDATE; returns
        how many rows changed. The triggers already do it for every write: for a writer that
        ran with triggers disabled, and for operators."""
        ids = None if ids is None else [int(pk) for pk in ids]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {self.function}(%s::bigint[])", [ids])
            return cursor.fetchone()[0]

    def recomputed(self, rows: QuerySet | None = None) -> QuerySet:
        """The rows (all when None) with `expected_<field>` computed now for each field."""
        if rows is None:
            rows = apps.get_model(self.model)._default_manager.all()
        expected = self.expected()
        return rows.order_by().annotate(
            **{f"expected_{name}": expression for name, expression in expected.items()}
        )

    def drift(self, rows: QuerySet | None = None) -> list[dict]:
        """Rows whose stored values differ from a recomputation: `pk`, the stored values and
        the expected ones (`expected_<field>`), by key."""
        names = self.fields
        differs = reduce(
            operator.or_, (IsDistinctFrom(F(name), F(f"expected_{name}")) for name in names)
        )
        drifted = self.recomputed(rows).filter(differs)
        return list(drifted.values("pk", *names, *(f"expected_{n}" for n in names)).order_by("pk"))


def declare(aggregates: StoredAggregates) -> StoredAggregates:
    """Make `aggregates` known to `verify_aggregates`; returns it."""
    if all(known.label != aggregates.label for known in _DECLARED):
        _DECLARED.append(aggregates)
    return aggregates


def declared() -> list[StoredAggregates]:
    """Every app's declarations (their `aggregates` modules, in the order of the apps)."""
    autodiscover_modules("aggregates")
    return list(_DECLARED)
