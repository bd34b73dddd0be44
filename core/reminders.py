"""Deadline reminders for any app: a schedule per kind of deadline, and the ledger they write.

The app that owns a deadline declares its schedule once, as steps counted in days from the
deadline and, optionally, a last step that comes back every so many days while the deadline
stays open:

    DISCLOSURE_DUE = Schedule(
        "suppliers.disclosure_due",
        steps=(Step(-7, "due_in_7_days"), Step(0, "due_today"), Step(1, "overdue")),
        repeat_every=7,  # overdue on days 1, 8, 15, … after the due date
    )

Its daily sweep then, inside one `transaction.atomic()`:

1. lists the open deadlines, one candidate per recipient (a `values()` queryset for large
   tables, or `Candidate` rows), and calls `reminders_record`, which writes the ledger rows
   due today in one statement and returns those to send;
2. queues one e-mail for each row returned, or one per recipient listing several, in the
   outbox, in the same transaction.

A sweep killed between the two leaves nothing behind; a rerun returns no row twice.

Catch-up. Each run logs its day (`ReminderSweep`). The sweep for day D sends, for each
candidate, the latest step that fell due on or before D, unless the ledger holds it or a
later step, provided the step fell due after the schedule's previous sweep: on D itself, or
on days beat did not run. After three days without a sweep, what fell due meanwhile goes out
once, late, and the e-mail is worded for the day it is sent ("due in 5 days"); the steps it
supersedes, which fell due in the same gap, are recorded as superseded and never e-mailed.
A step that fell due while a sweep did run, but the deadline was not open or did not exist
yet (a disclosure requested 3 days before its due date), is not sent late: the deadline
waits for its next step. A schedule with `remind_on_sight=True` sends it at once instead
(a remediation action entered, or reopened, within 7 days of its due date). No step earlier
than one the ledger holds is ever sent; a deadline moved to another day starts its schedule
afresh. The first sweep of a schedule counts yesterday as swept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.db.transaction import TransactionManagementError

from .models import Reminder, ReminderSweep


@dataclass(frozen=True)
class Step:
    days: int  # from the deadline: -7 a week before, 0 on the day, 1 the day after
    kind: str  # what the e-mail says: "due_soon", "due_today", "overdue", …


@dataclass(frozen=True)
class Schedule:
    name: str
    steps: tuple[Step, ...]
    repeat_every: int | None = None  # days; the last step comes back this often
    remind_on_sight: bool = False  # a step missed before the deadline was open: send it

    def __post_init__(self):
        days = [step.days for step in self.steps]
        if not days or days != sorted(set(days)):
            raise ValueError(f"{self.name}: steps must be given in order, one per day.")
        if self.repeat_every is not None and self.repeat_every < 1:
            raise ValueError(f"{self.name}: repeat_every must be a number of days.")

    def step_on(self, deadline: date, day: date) -> Step | None:
        """The step that falls due on `day` itself, if any."""
        days = (day - deadline).days
        last = self.steps[-1]
        if self.repeat_every and days > last.days:
            return last if (days - last.days) % self.repeat_every == 0 else None
        return next((step for step in self.steps if step.days == days), None)

    def horizon(self, today: date) -> date:
        """The latest deadline with a step due by `today`: candidates beyond it can wait."""
        return today - timedelta(days=self.steps[0].days)

    def candidate(self, subject: str, deadline: date, recipient: str) -> Candidate:
        return Candidate(self.name, subject, deadline, recipient)


@dataclass(frozen=True)
class Candidate:
    """An open deadline and one person to remind of it."""

    schedule: str
    subject: str
    deadline: date
    recipient: str


def subject_key(model, pk) -> str:
    """The ledger's name for one object: "remediation.remediationaction:17"."""
    return f"{model._meta.label_lower}:{pk}"


def subject_expression(model):
    """`subject_key` in SQL, for a candidates queryset over `model`."""
    prefix = Value(f"{model._meta.label_lower}:")
    return Concat(prefix, Cast("pk", output_field=CharField()), output_field=CharField())


def user_recipient(pk) -> str:
    """The ledger's name for a user: their key, not their address, which they may change."""
    return f"user:{pk}"


def user_recipient_expression(field: str):
    """`user_recipient` in SQL, from a user's foreign key column."""
    return Concat(Value("user:"), Cast(field, output_field=CharField()), output_field=CharField())


def reminders_record(
    candidates: QuerySet | Iterable[Candidate],
    *,
    schedules: Sequence[Schedule],
    today: date,
) -> list[Reminder]:
    """Log today's sweep of the schedules and write the ledger rows due for the candidates;
    return the rows to send, oldest first.

    `candidates` is a queryset of `values("schedule", "subject", "deadline", "recipient")`
    (it runs inside the statement, whatever its size) or `Candidate` rows. One statement,
    INSERT … ON CONFLICT DO NOTHING RETURNING, even with no candidate (the day is logged): a
    row another run wrote first is not returned. The caller queues the e-mails for the
    returned rows in the same transaction.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "reminders_record() must run inside the transaction that queues its e-mails."
        )
    if isinstance(candidates, QuerySet):
        candidates_sql, candidates_params = candidates.order_by().query.sql_with_params()
    else:
        rows = list(candidates)
        if unknown := {row.schedule for row in rows} - {s.name for s in schedules}:
            raise ValueError(f"No schedule given for {sorted(unknown)}.")
        candidates_sql = (
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::date[], %s::text[])"
            " AS c(schedule, subject, deadline, recipient)"
        )
        candidates_params = [
            [row.schedule for row in rows],
            [row.subject for row in rows],
            [row.deadline for row in rows],
            [row.recipient for row in rows],
        ]
    steps = [(s.name, step.days, step.kind) for s in schedules for step in s.steps]
    params = [
        *candidates_params,
        today,
        [name for name, _days, _kind in steps],
        [days for _name, days, _kind in steps],
        [kind for _name, _days, kind in steps],
        [s.name for s in schedules],
        [s.steps[0].days for s in schedules],
        [s.steps[-1].days for s in schedules],
        [s.steps[-1].kind for s in schedules],
        [s.repeat_every for s in schedules],
        [s.remind_on_sight for s in schedules],
    ]
    sql = _RECORD_SQL.format(
        candidates=candidates_sql,
        ledger=Reminder._meta.db_table,
        sweeps=ReminderSweep._meta.db_table,
        queued=Reminder.Status.QUEUED.value,
        superseded=Reminder.Status.SUPERSEDED.value,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        return [Reminder(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


# `plan`: each schedule, with the day it was last swept before today. `due`: for each
# candidate, the latest step due by today (`latest`), unless the ledger holds it or a later
# one (`held`) or it fell due before the last sweep. `gap`: the steps that fell due between
# the last sweep (or the step held) and that one: superseded.
_RECORD_SQL = """
WITH candidate AS (
    SELECT DISTINCT schedule, subject, deadline, recipient FROM ({candidates}) c
),
const AS (
    SELECT %s::date AS today
),
step AS (
    SELECT * FROM unnest(%s::text[], %s::int[], %s::text[]) AS s(schedule, days, kind)
),
plan AS (
    SELECT p.*,
           COALESCE((SELECT max(w.day) FROM {sweeps} w
                      WHERE w.schedule = p.schedule AND w.day < k.today),
                    k.today - 1) AS last_swept
      FROM unnest(%s::text[], %s::int[], %s::int[], %s::text[], %s::int[], %s::bool[])
           AS p(schedule, first_days, last_days, last_kind, every, on_sight)
     CROSS JOIN const k
),
swept AS (
    INSERT INTO {sweeps} (schedule, day, created_at)
    SELECT p.schedule, k.today, now() FROM plan p CROSS JOIN const k
    ON CONFLICT DO NOTHING
),
due AS (
    SELECT c.schedule, c.subject, c.deadline, c.recipient, latest.days, held.days AS held
      FROM candidate c
     CROSS JOIN const k
      JOIN plan p ON p.schedule = c.schedule
     CROSS JOIN LATERAL (
           SELECT CASE WHEN p.every IS NOT NULL AND k.today - c.deadline >= p.last_days
                       THEN p.last_days
                            + (k.today - c.deadline - p.last_days) / p.every * p.every
                       ELSE (SELECT max(s.days) FROM step s
                              WHERE s.schedule = c.schedule
                                AND s.days <= k.today - c.deadline)
                  END AS days
     ) latest
      LEFT JOIN LATERAL (
           SELECT max(r.step) AS days FROM {ledger} r
            WHERE r.schedule = c.schedule AND r.subject = c.subject
              AND r.deadline = c.deadline AND r.recipient = c.recipient
     ) held ON true
     WHERE c.deadline <= k.today - p.first_days
       AND latest.days IS NOT NULL
       AND (p.on_sight OR c.deadline + latest.days > p.last_swept)
       AND (held.days IS NULL OR held.days < latest.days)
),
gap AS (
    SELECT d.schedule, d.subject, d.deadline, d.recipient, skipped.days
      FROM due d
      JOIN plan p ON p.schedule = d.schedule
     CROSS JOIN LATERAL (
           SELECT s.days FROM step s WHERE s.schedule = d.schedule
           UNION ALL
           SELECT generate_series(
                      d.days - p.every,
                      GREATEST(p.last_days + p.every, d.held + 1,
                               p.last_swept - d.deadline + 1),
                      -p.every)
     ) skipped
     WHERE skipped.days < d.days
       AND (d.held IS NULL OR skipped.days > d.held)
       AND d.deadline + skipped.days > p.last_swept
),
written AS (
    INSERT INTO {ledger}
           (schedule, subject, deadline, recipient, step, kind, status, swept_on, created_at)
    SELECT n.schedule, n.subject, n.deadline, n.recipient, n.days,
           COALESCE(s.kind, p.last_kind), n.status, k.today, now()
      FROM (SELECT schedule, subject, deadline, recipient, days, '{queued}' AS status FROM due
            UNION ALL
            SELECT schedule, subject, deadline, recipient, days, '{superseded}' FROM gap) n
     CROSS JOIN const k
      JOIN plan p ON p.schedule = n.schedule
      LEFT JOIN step s ON s.schedule = n.schedule AND s.days = n.days
    ON CONFLICT DO NOTHING
    RETURNING id, schedule, subject, deadline, recipient, step, kind, status, swept_on,
              created_at
)
SELECT * FROM written WHERE status = '{queued}' ORDER BY id
"""
