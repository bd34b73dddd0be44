"""A report's stored aggregates over its findings: the highest severity, whether one is urgent
(fast-track) and how many there are (`MonitoringReport.STORED_AGGREGATES`).

The database keeps them: statement-level triggers on the findings' table call
`monitoring_refresh_report_aggregates(ids)` (migration 0014) for the reports each statement
touched, whoever writes (the services, the admin, a factory merge, `queryset.update()`, the
generator's COPY). `refresh_report_aggregates` calls the same function; `report_aggregate_drift`
recomputes them independently, with the ORM, for the tests and `manage.py verify_aggregates`.
This module only declares them (`core.aggregates.StoredAggregates`: the mechanism is core's).
"""

from __future__ import annotations

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from core.aggregates import StoredAggregates, declare

from .models import SEVERITY_RANK, Finding


def _report_expected():
    rank = Case(
        *[When(findings__severity=value, then=Value(r)) for value, r in SEVERITY_RANK.items()],
        output_field=IntegerField(),
    )
    return {
        "top_severity": Coalesce(Max(rank), 0),
        "fast_track": Exists(Finding.objects.filter(report=OuterRef("pk"), fast_track=True)),
        "finding_count": Count("findings"),
    }


REPORT_AGGREGATES = declare(
    StoredAggregates(
        label="monitoring reports",
        model="monitoring.MonitoringReport",
        function="monitoring_refresh_report_aggregates",
        expected=_report_expected,
    )
)


def refresh_report_aggregates(report_ids=None) -> int:
    """Recompute the stored aggregates of these reports (all when None) in one UPDATE; returns
    how many rows changed. The triggers already do it for every write: for a writer that ran
    with triggers disabled, and for operators."""
    return REPORT_AGGREGATES.refresh(report_ids)


def recomputed_report_aggregates(reports=None):
    """The reports with `expected_top_severity`, `expected_fast_track` and
    `expected_finding_count` computed from their findings now (the oracle: never used by pages)."""
    return REPORT_AGGREGATES.recomputed(reports)


def report_aggregate_drift(reports=None) -> list[dict]:
    """Reports whose stored aggregates differ from a recomputation: stored and expected."""
    return REPORT_AGGREGATES.drift(reports)


# --- A factory's open findings (`Factory.open_finding_count`, migration 0016) ---------------

OPEN_FINDING_STATUSES = tuple(
    value
    for value in Finding.Status.values
    if value not in (Finding.Status.NOT_SUBSTANTIATED, Finding.Status.REMEDIATED_VERIFIED)
)


def _factory_open_findings_expected():
    # Every finding of the factory's reports in an open status.
    is_open = Q(monitoring_reports__findings__status__in=OPEN_FINDING_STATUSES)
    return {"open_finding_count": Count("monitoring_reports__findings", filter=is_open)}


FACTORY_OPEN_FINDINGS = declare(
    StoredAggregates(
        label="factories' open findings",
        model="suppliers.Factory",
        function="monitoring_refresh_factory_open_findings",
        expected=_factory_open_findings_expected,
    )
)


def refresh_factory_open_findings(factory_ids=None) -> int:
    """Recompute `open_finding_count` of these factories (all when None) in one UPDATE; returns
    how many rows changed (the triggers already do it for every write)."""
    return FACTORY_OPEN_FINDINGS.refresh(factory_ids)


def factory_open_findings_drift(factories=None) -> list[dict]:
    """Factories whose stored `open_finding_count` differs from a count with the ORM (the
    oracle: every finding of their reports in an open status): stored and expected."""
    return FACTORY_OPEN_FINDINGS.drift(factories)
