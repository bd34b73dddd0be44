"""Action reminders move to the platform's reminder ledger (core.Reminder), then
remediation.ActionReminder goes. Each row sent before becomes a ledger row for the action's
contact and for its case's lead, so that no reminder goes out twice after the deploy.

The schedule, subject and step below are those of `remediation.reminders.ACTION_DUE`, as
they were when this was written: 7 days before, on the day, then on days 1, 8, 15, … after.
"""

from django.db import migrations

SCHEDULE = "remediation.action_due"
SUBJECT = "remediation.remediationaction:"


def _tables(apps) -> dict:
    return {
        "ledger": apps.get_model("core", "Reminder")._meta.db_table,
        "sent": apps.get_model("remediation", "ActionReminder")._meta.db_table,
        "action": apps.get_model("remediation", "RemediationAction")._meta.db_table,
        "case": apps.get_model("remediation", "RemediationCase")._meta.db_table,
    }


# An old row says which kind went out on which day; the ledger keys a row by due date and
# step. Rows about a due date changed since are left out: the new date has its own steps.
_FORWARD = """
INSERT INTO {ledger}
       (schedule, subject, deadline, recipient, step, kind, status, swept_on, created_at)
SELECT %(schedule)s, %(subject)s || a.id, a.due_date, who.recipient,
       CASE s.kind WHEN 'due_soon' THEN -7 WHEN 'due_today' THEN 0
            ELSE 1 + (s.day - a.due_date - 1) / 7 * 7 END,
       s.kind, 'queued', s.day, s.created_at
  FROM {sent} s
  JOIN {action} a ON a.id = s.action_id
  JOIN {case} c ON c.id = a.case_id
 CROSS JOIN LATERAL (
       SELECT a.contact_email AS recipient WHERE a.contact_email <> ''
       UNION ALL
       SELECT 'user:' || c.staff_lead_id
 ) who
 WHERE (s.kind = 'due_today' AND s.day = a.due_date)
    OR (s.kind = 'due_soon' AND a.due_date - s.day BETWEEN 1 AND 7)
    OR (s.kind = 'overdue' AND s.day > a.due_date)
ON CONFLICT DO NOTHING
"""

_BACKWARD = """
INSERT INTO {sent} (action_id, kind, day, created_at)
SELECT DISTINCT ON (a.id, r.kind, r.swept_on) a.id, r.kind, r.swept_on, r.created_at
  FROM {ledger} r
  JOIN {action} a ON a.id = substr(r.subject, length(%(subject)s) + 1)::bigint
 WHERE r.schedule = %(schedule)s AND r.status = 'queued'
   AND r.kind IN ('due_soon', 'due_today', 'overdue')
 ORDER BY a.id, r.kind, r.swept_on, r.created_at
ON CONFLICT DO NOTHING;
DELETE FROM {ledger} WHERE schedule = %(schedule)s
"""


def to_ledger(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            _FORWARD.format(**_tables(apps)), {"schedule": SCHEDULE, "subject": SUBJECT}
        )


def from_ledger(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            _BACKWARD.format(**_tables(apps)), {"schedule": SCHEDULE, "subject": SUBJECT}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("remediation", "0002_engagement_contract_in_suppliers"),
        ("core", "0003_reminder_ledger"),
    ]

    operations = [
        migrations.RunPython(to_ledger, from_ledger),
        migrations.DeleteModel(name="ActionReminder"),
    ]
