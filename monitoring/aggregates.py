"""A report's stored aggregates over its findings: the highest severity, whether one is urgent
(fast-track) and how many there are (`MonitoringReport.STORED_AGGREGATES`).

The database keeps them: statement-level triggers on the findings' table call
`monitoring_refresh_report_aggregates(ids)` (migration 0014) for the reports each statement
touched, whoever writes (the services, the admin, a factory merge, `queryset.update()`, the
generator's COPY). `refresh_report_aggregates` calls the same function; `report_aggregate_drift`
recomputes them independently, with the ORM, for the tests and `manage.py verify_aggregates`.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, Max, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce

from .models import SEVERITY_RANK, Finding, MonitoringReport


def refresh_report_aggregates(report_ids=None) -> int:
    """Recompute the stored aggregates of these reports (all when None) in one UPDATE; returns
    how many rows changed. The triggers already do it for every write: for a writer that ran
    with triggers disabled, and for operators."""
    ids = None if report_ids is None else [int(pk) for pk in report_ids]
    with connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_refresh_report_aggregates(%s::bigint[])", [ids])
        return cursor.fetchone()[0]


def recomputed_report_aggregates(reports=None):
    """The reports with `expected_top_severity`, `expected_fast_track` and
    `expected_finding_count` computed from their findings now (the oracle: never used by pages)."""
    rank = Case(
        *[When(findings__severity=value, then=Value(r)) for value, r in SEVERITY_RANK.items()],
        output_field=IntegerField(),
    )
    reports = MonitoringReport.objects.all() if reports is None else reports
    return reports.order_by().annotate(
        expected_top_severity=Coalesce(Max(rank), 0),
        expected_fast_track=Exists(Finding.objects.filter(report=OuterRef("pk"), fast_track=True)),
        expected_finding_count=Count("findings"),
    )


def report_aggregate_drift(reports=None) -> list[dict]:
    """Reports whose stored aggregates differ from a recomputation: stored and expected."""
    names = MonitoringReport.STORED_AGGREGATES
    rows = recomputed_report_aggregates(reports).filter(
        ~Q(top_severity=F("expected_top_severity"))
        | ~Q(fast_track=F("expected_fast_track"))
        | ~Q(finding_count=F("expected_finding_count"))
    )
    return list(rows.values("pk", *names, *(f"expected_{n}" for n in names)).order_by("pk"))


# --- A factory's open findings (`Factory.open_finding_count`, migration 0016) ---------------

OPEN_FINDING_STATUSES = tuple(
    value
    for value in Finding.Status.values
    if value not in (Finding.Status.NOT_SUBSTANTIATED, Finding.Status.REMEDIATED_VERIFIED)
)


def refresh_factory_open_findings(factory_ids=None) -> int:
    """Recompute `open_finding_count` of these factories (all when None) in one UPDATE; returns
    how many rows changed (the triggers already do it for every write)."""
    ids = None if factory_ids is None else [int(pk) for pk in factory_ids]
    with connection.cursor() as cursor:
        cursor.execute("SELECT monitoring_refresh_factory_open_findings(%s::bigint[])", [ids])
        return cursor.fetchone()[0]


def factory_open_findings_drift(factories=None) -> list[dict]:
    """Factories whose stored `open_finding_count` differs from a count with the ORM (the
    oracle: every finding of their reports in an open status): stored and expected."""
    from suppliers.models import Factory

    factories = Factory.objects.all() if factories is None else factories
    is_open = Q(monitoring_reports__findings__status__in=OPEN_FINDING_STATUSES)
    rows = (
        factories.order_by()
        .annotate(expected_open_finding_count=Count("monitoring_reports__findings", filter=is_open))
        .filter(~Q(open_finding_count=F("expected_open_finding_count")))
    )
    return list(
        rows.values("pk", "open_finding_count", "expected_open_finding_count").order_by("pk")
    )
