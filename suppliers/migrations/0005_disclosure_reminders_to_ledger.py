"""Disclosure reminders sent before the reminder ledger existed become ledger rows, read
from their outbox keys ("disclosure-reminder:<disclosure>:<kind>:<day>:<user>"), so that the
first sweeps after the deploy send none of them again.

Schedule, subject and steps are those of `suppliers.services.DISCLOSURE_DUE` when this was
written: 7 days before, on the day, then on days 1, 8, 15, … after.
"""

from django.db import migrations

SCHEDULE = "suppliers.disclosure_due"
SUBJECT = "suppliers.disclosure:"

_FORWARD = r"""
INSERT INTO {ledger}
       (schedule, subject, deadline, recipient, step, kind, status, swept_on, created_at)
SELECT %(schedule)s, %(subject)s || d.id, d.due_date, 'user:' || o.user_id,
       o.day - d.due_date, o.kind, 'queued', o.day, o.created_at
  FROM (SELECT split_part(key, ':', 2)::bigint AS disclosure_id,
               split_part(key, ':', 3) AS kind,
               split_part(key, ':', 4)::date AS day,
               split_part(key, ':', 5) AS user_id,
               created_at
          FROM {outbox}
         WHERE key ~ '^disclosure-reminder:\d+:(due_in_7_days|due_today|overdue):\d{{4}}-\d\d-\d\d:\d+$'
       ) o
  JOIN {disclosure} d ON d.id = o.disclosure_id
 WHERE (o.kind = 'due_in_7_days' AND o.day - d.due_date = -7)
    OR (o.kind = 'due_today' AND o.day = d.due_date)
    OR (o.kind = 'overdue' AND o.day - d.due_date >= 1 AND (o.day - d.due_date - 1) %% 7 = 0)
ON CONFLICT DO NOTHING
"""


def _tables(apps) -> dict:
    return {
        "ledger": apps.get_model("core", "Reminder")._meta.db_table,
        "outbox": apps.get_model("core", "OutboxEmail")._meta.db_table,
        "disclosure": apps.get_model("suppliers", "Disclosure")._meta.db_table,
    }


def to_ledger(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            _FORWARD.format(**_tables(apps)), {"schedule": SCHEDULE, "subject": SUBJECT}
        )


def from_ledger(apps, schema_editor):
    """The outbox rows stay: the ledger's rows for disclosures go."""
    Reminder = apps.get_model("core", "Reminder")
    Reminder.objects.filter(schedule=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("suppliers", "0004_contracts_from_affiliates"),
        ("affiliates", "0007_models_moved_out"),
        ("core", "0003_reminder_ledger"),
    ]

    operations = [migrations.RunPython(to_ledger, from_ledger)]
