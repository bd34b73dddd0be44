"""A case's stored aggregates over its actions: how many there are, how many are open, and the
earliest due date of an open one (`RemediationCase.STORED_AGGREGATES`). A case has an overdue
action exactly when `next_due` is before today, with no daily job.

The database keeps them: statement-level triggers on the actions' table call
`remediation_refresh_case_aggregates(ids)` (migration 0013) for the cases each statement
touched, whoever writes (the plan's services, the admin, `queryset.update()`, the generator's
COPY). `refresh_case_aggregates` calls the same function; `case_aggregate_drift` recomputes them
independently, with the ORM, for the tests and `manage.py verify_aggregates`.
This module only declares them (`core.aggregates.StoredAggregates`: the mechanism is core's).
"""

from __future__ import annotations

from django.db.models import Count, Min, Q

from core.aggregates import StoredAggregates, declare

from .models import ACTIVE_CASE_STATUSES, OPEN_ACTION_STATUSES


def _case_expected():
    is_open = Q(actions__status__in=OPEN_ACTION_STATUSES)
    return {
        "action_count": Count("actions"),
        "open_action_count": Count("actions", filter=is_open),
        "next_due": Min("actions__due_date", filter=is_open),  # NULL on both sides: no drift
    }


CASE_AGGREGATES = declare(
    StoredAggregates(
        label="remediation cases",
        model="remediation.RemediationCase",
        function="remediation_refresh_case_aggregates",
        expected=_case_expected,
    )
)


def refresh_case_aggregates(case_ids=None) -> int:
    """Recompute the stored aggregates of these cases (all when None) in one UPDATE; returns
    how many rows changed. The triggers already do it for every write: for a writer that ran
    with triggers disabled, and for operators."""
    return CASE_AGGREGATES.refresh(case_ids)


def recomputed_case_aggregates(cases=None):
    """The cases with `expected_action_count`, `expected_open_action_count` and
    `expected_next_due` computed from their actions now (the oracle: never used by pages)."""
    return CASE_AGGREGATES.recomputed(cases)


def case_aggregate_drift(cases=None) -> list[dict]:
    """Cases whose stored aggregates differ from a recomputation: stored and expected."""
    return CASE_AGGREGATES.drift(cases)


# --- A factory's active cases (`Factory.active_case_count`, migration 0014) -----------------


def _factory_active_cases_expected():
    active = Q(remediation_cases__status__in=ACTIVE_CASE_STATUSES)
    return {"active_case_count": Count("remediation_cases", filter=active)}


FACTORY_ACTIVE_CASES = declare(
    StoredAggregates(
        label="factories' active cases",
        model="suppliers.Factory",
        function="remediation_refresh_factory_active_cases",
        expected=_factory_active_cases_expected,
    )
)


def refresh_factory_active_cases(factory_ids=None) -> int:
    """Recompute `active_case_count` of these factories (all when None) in one UPDATE; returns
    how many rows changed (the triggers already do it for every write)."""
    return FACTORY_ACTIVE_CASES.refresh(factory_ids)


def factory_active_cases_drift(factories=None) -> list[dict]:
    """Factories whose stored `active_case_count` differs from a count with the ORM (the
    oracle): stored and expected."""
    return FACTORY_ACTIVE_CASES.drift(factories)
