"""A case's stored aggregates over its actions: how many there are, how many are open, and the
earliest due date of an open one (`RemediationCase.STORED_AGGREGATES`). A case has an overdue
action exactly when `next_due` is before today, with no daily job.

The database keeps them: statement-level triggers on the actions' table call
`remediation_refresh_case_aggregates(ids)` (migration 0013) for the cases each statement
touched, whoever writes (the plan's services, the admin, `queryset.update()`, the generator's
COPY). `refresh_case_aggregates` calls the same function; `case_aggregate_drift` recomputes them
independently, with the ORM, for the tests and `manage.py verify_aggregates`.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Count, F, Min, Q, Value
from django.db.models.functions import Coalesce

from .models import OPEN_ACTION_STATUSES, RemediationCase


def refresh_case_aggregates(case_ids=None) -> int:
    """Recompute the stored aggregates of these cases (all when None) in one UPDATE; returns
    how many rows changed. The triggers already do it for every write: for a writer that ran
    with triggers disabled, and for operators."""
    ids = None if case_ids is None else [int(pk) for pk in case_ids]
    with connection.cursor() as cursor:
        cursor.execute("SELECT remediation_refresh_case_aggregates(%s::bigint[])", [ids])
        return cursor.fetchone()[0]


def recomputed_case_aggregates(cases=None):
    """The cases with `expected_action_count`, `expected_open_action_count` and
    `expected_next_due` computed from their actions now (the oracle: never used by pages)."""
    is_open = Q(actions__status__in=OPEN_ACTION_STATUSES)
    cases = RemediationCase.objects.all() if cases is None else cases
    return cases.order_by().annotate(
        expected_action_count=Count("actions"),
        expected_open_action_count=Count("actions", filter=is_open),
        expected_next_due=Min("actions__due_date", filter=is_open),
    )


def case_aggregate_drift(cases=None) -> list[dict]:
    """Cases whose stored aggregates differ from a recomputation: stored and expected."""
    names = RemediationCase.STORED_AGGREGATES
    never = Value(date.min)  # NULL on both sides (no open action) is no drift
    rows = (
        recomputed_case_aggregates(cases)
        .annotate(
            stored_due=Coalesce("next_due", never),
            expected_due=Coalesce("expected_next_due", never),
        )
        .filter(
            ~Q(action_count=F("expected_action_count"))
            | ~Q(open_action_count=F("expected_open_action_count"))
            | ~Q(stored_due=F("expected_due"))
        )
    )
    return list(rows.values("pk", *names, *(f"expected_{n}" for n in names)).order_by("pk"))


# --- A factory's active cases (`Factory.active_case_count`, migration 0014) -----------------


def refresh_factory_active_cases(factory_ids=None) -> int:
    """Recompute `active_case_count` of these factories (all when None) in one UPDATE; returns
    how many rows changed (the triggers already do it for every write)."""
    ids = None if factory_ids is None else [int(pk) for pk in factory_ids]
    with connection.cursor() as cursor:
        cursor.execute("SELECT remediation_refresh_factory_active_cases(%s::bigint[])", [ids])
        return cursor.fetchone()[0]


def factory_active_cases_drift(factories=None) -> list[dict]:
    """Factories whose stored `active_case_count` differs from a count with the ORM (the
    oracle): stored and expected."""
    from suppliers.models import Factory

    from .models import ACTIVE_CASE_STATUSES

    factories = Factory.objects.all() if factories is None else factories
    active = Q(remediation_cases__status__in=ACTIVE_CASE_STATUSES)
    rows = (
        factories.order_by()
        .annotate(expected_active_case_count=Count("remediation_cases", filter=active))
        .filter(~Q(active_case_count=F("expected_active_case_count")))
    )
    return list(rows.values("pk", "active_case_count", "expected_active_case_count").order_by("pk"))
