from django.core.management.base import CommandError

from core.aggregates import declared
from core.audit import AuditedCommand

SHOWN = 20


class Command(AuditedCommand):
    help = (
        "Recompute every stored aggregate (reports over their findings, cases over their "
        "actions, factories' open findings and active cases: every app's declarations, "
        "core.aggregates) and report the rows whose stored values drifted; --fix rewrites "
        "them. Exits with an error while drift remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="rewrite the drifted values")

    def handle(self, *args, fix=False, **options):
        remaining = 0
        for aggregates in declared():
            label = aggregates.label
            rows = aggregates.drift()
            if not rows:
                self.stdout.write(f"{label}: exact.")
                continue
            self.stdout.write(f"{label}: {len(rows)} drifted.")
            for row in rows[:SHOWN]:
                self.stdout.write(f"  {row}")
            if fix:
                aggregates.refresh([row["pk"] for row in rows])
                rows = aggregates.drift()
                self.stdout.write(f"{label}: fixed, {len(rows)} still drifted.")
            remaining += len(rows)
        if remaining:
            raise CommandError(f"{remaining} row(s) with drifted stored aggregates.")
