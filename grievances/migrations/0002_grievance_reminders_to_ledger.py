"""Grievance reminders sent before the reminder ledger existed become ledger rows, read
from their outbox keys ("grievance:<grievance>:<deadline>:<kind>:<day>:<user>"), so that the
first sweeps after the deploy send none of them again.

Schedules, subject and steps are those of `grievances.services.ACKNOWLEDGEMENT_DUE` and
`FEEDBACK_DUE` when this was written: 2 days before, on the day, then every day after.
"""

from django.db import migrations

SCHEDULES = {
    "acknowledgement": "grievances.acknowledgement_due",
    "feedback": "grievances.feedback_due",
}
SUBJECT = "grievances.grievance:"

_FORWARD = r"""
INSERT INTO {ledger}
       (schedule, subject, deadline, recipient, step, kind, status, swept_on, created_at)
SELECT CASE o.deadline WHEN 'acknowledgement' THEN %(acknowledgement)s ELSE %(feedback)s END,
       %(subject)s || g.id, due.day, 'user:' || o.user_id, o.day - due.day, o.kind, 'queued',
       o.day, o.created_at
  FROM (SELECT split_part(key, ':', 2)::bigint AS grievance_id,
               split_part(key, ':', 3) AS deadline,
               split_part(key, ':', 4) AS kind,
               split_part(key, ':', 5)::date AS day,
               split_part(key, ':', 6) AS user_id,
               created_at
          FROM {outbox}
         WHERE key ~ '^grievance:\d+:(acknowledgement|feedback):(due_soon|due_today|overdue):\d{{4}}-\d\d-\d\d:\d+$'
       ) o
  JOIN {grievance} g ON g.id = o.grievance_id
 CROSS JOIN LATERAL (
       SELECT CASE o.deadline WHEN 'acknowledgement' THEN g.ack_due ELSE g.feedback_due END
              AS day
 ) due
 WHERE (o.kind = 'due_soon' AND o.day - due.day = -2)
    OR (o.kind = 'due_today' AND o.day = due.day)
    OR (o.kind = 'overdue' AND o.day > due.day)
ON CONFLICT DO NOTHING
"""


def _tables(apps) -> dict:
    return {
        "ledger": apps.get_model("core", "Reminder")._meta.db_table,
        "outbox": apps.get_model("core", "OutboxEmail")._meta.db_table,
        "grievance": apps.get_model("grievances", "Grievance")._meta.db_table,
    }


def to_ledger(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(_FORWARD.format(**_tables(apps)), {**SCHEDULES, "subject": SUBJECT})


def from_ledger(apps, schema_editor):
    """The outbox rows stay: the ledger's rows for grievances go."""
    Reminder = apps.get_model("core", "Reminder")
    Reminder.objects.filter(schedule__in=SCHEDULES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("grievances", "0001_initial"),
        ("affiliates", "0007_models_moved_out"),
        ("core", "0003_reminder_ledger"),
    ]

    operations = [migrations.RunPython(to_ledger, from_ledger)]
