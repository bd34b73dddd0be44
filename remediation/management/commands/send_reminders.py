from datetime import date

from django.core.management.base import CommandError

from core.audit import AuditedCommand
from core.outbox import outbox_send_pending
from remediation.reminders import reminders_sweep


class Command(AuditedCommand):
    help = (
        "Queue today's remediation reminders (and, on the digest weekday, the weekly "
        "digests), then send what waits in the outbox. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="sweep as if today were this day (YYYY-MM-DD)")
        parser.add_argument(
            "--no-send", action="store_true", help="only queue; leave sending to the workers"
        )

    def handle(self, *args, date=None, no_send=False, **options):
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError:
                raise CommandError(f"--date must look like 2026-12-31, not {date!r}.") from None
        queued = reminders_sweep(today=today)
        self.stdout.write(f"{queued} e-mail(s) queued.")
        if not no_send:
            total = 0
            while sent := outbox_send_pending():
                total += sent
            self.stdout.write(f"{total} e-mail(s) sent.")


def _parse(value: str):
    return date.fromisoformat(value)
