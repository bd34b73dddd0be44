from django.core.management.base import CommandError

from core.audit import AuditedCommand
from monitoring.aggregates import (
    factory_open_findings_drift,
    refresh_factory_open_findings,
    refresh_report_aggregates,
    report_aggregate_drift,
)
from remediation.aggregates import (
    case_aggregate_drift,
    factory_active_cases_drift,
    refresh_case_aggregates,
    refresh_factory_active_cases,
)

SHOWN = 20


class Command(AuditedCommand):
    help = (
        "Recompute every stored aggregate (reports over their findings, cases over their "
        "actions, factories' open findings and active cases) and report the rows whose "
        "stored values drifted; --fix rewrites them. Exits with an error while drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rewrite the drifted values")

    def handle(self, *args, fix=False, **options):
        checks = [
            ("monitoring reports", report_aggregate_drift, refresh_report_aggregates),
            ("remediation cases", case_aggregate_drift, refresh_case_aggregates),
            (
                "factories' open findings",
                factory_open_findings_drift,
                refresh_factory_open_findings,
            ),
            ("factories' active cases", factory_active_cases_drift, refresh_factory_active_cases),
        ]
        remaining = 0
        for label, drift, refresh in checks:
            rows = drift()
            if not rows:
                self.stdout.write(f"{label}: exact.")
                continue
            self.stdout.write(f"{label}: {len(rows)} drifted.")
            for row in rows[:SHOWN]:
                self.stdout.write(f"  {row}")
            if fix:
                refresh([row["pk"] for row in rows])
                rows = drift()
                self.stdout.write(f"{label}: fixed, {len(rows)} still drifted.")
            remaining += len(rows)
        if remaining:
            raise CommandError(f"{remaining} row(s) with drifted stored aggregates.")
