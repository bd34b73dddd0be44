"""The reminder ledger on its own: which step a sweep returns, and that none comes twice.

A schedule made up for the tests, on subjects that need no model: the ledger knows none.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from core.models import Reminder, ReminderSweep
from core.reminders import Schedule, Step, reminders_record

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 12, 10)
WEEKLY = Schedule(
    "tests.weekly",
    steps=(Step(-7, "due_soon"), Step(0, "due_today"), Step(1, "overdue")),
    repeat_every=7,
)
ON_SIGHT = Schedule(
    "tests.on_sight",
    steps=(Step(-7, "due_soon"), Step(0, "due_today"), Step(1, "overdue")),
    repeat_every=7,
    remind_on_sight=True,
)


def _day(days: int) -> date:
    return DEADLINE + timedelta(days=days)


def _sweep(days: int, *candidates, schedules=(WEEKLY,), deadline=DEADLINE) -> list[tuple]:
    """A sweep on the deadline's day `days` for these recipients: (kind, step, recipient)."""
    rows = [
        schedule.candidate("tests.thing:1", deadline, recipient)
        for schedule in schedules
        for recipient in candidates
    ]
    with transaction.atomic():
        returned = reminders_record(rows, schedules=schedules, today=_day(days))
    return [(row.kind, row.step, row.recipient) for row in returned]


def _ledger(schedule=WEEKLY) -> list[tuple]:
    return list(
        Reminder.objects.filter(schedule=schedule.name)
        .order_by("step", "recipient")
        .values_list("kind", "step", "recipient", "status", "swept_on")
    )


def test_a_step_is_returned_once_however_often_the_sweep_runs_that_day():
    assert _sweep(-7, "ana@example.org", "user:7") == [
        ("due_soon", -7, "ana@example.org"),
        ("due_soon", -7, "user:7"),
    ]
    assert _sweep(-7, "ana@example.org", "user:7") == []
    assert _sweep(-7, "ana@example.org", "user:7", "user:8") == [("due_soon", -7, "user:8")]
    assert [row[:4] for row in _ledger()] == [
        ("due_soon", -7, "ana@example.org", "queued"),
        ("due_soon", -7, "user:7", "queued"),
        ("due_soon", -7, "user:8", "queued"),
    ]


def test_each_step_comes_on_its_day_and_the_last_one_again_every_week():
    returned = {days: _sweep(days, "user:7") for days in range(-9, 17)}
    assert {days: rows for days, rows in returned.items() if rows} == {
        -7: [("due_soon", -7, "user:7")],
        0: [("due_today", 0, "user:7")],
        1: [("overdue", 1, "user:7")],
        8: [("overdue", 8, "user:7")],
        15: [("overdue", 15, "user:7")],
    }


def test_steps_missed_while_no_sweep_ran_are_caught_up_once_and_the_superseded_recorded():
    assert _sweep(-1, "user:7") == []
    # No sweep for 9 days: "due today" (day 0), "overdue" (days 1 and 8) fall due meanwhile.
    assert _sweep(9, "user:7") == [("overdue", 8, "user:7")]
    assert _sweep(9, "user:7") == []
    assert _sweep(10, "user:7") == []
    assert _ledger() == [
        ("due_today", 0, "user:7", "superseded", _day(9)),
        ("overdue", 1, "user:7", "superseded", _day(9)),
        ("overdue", 8, "user:7", "queued", _day(9)),
    ]
    assert [_sweep(days, "user:7") for days in range(11, 16)] == [
        [],
        [],
        [],
        [],
        [("overdue", 15, "user:7")],
    ]


def test_a_step_due_before_a_deadline_was_seen_waits_for_the_next_unless_on_sight():
    both = (WEEKLY, ON_SIGHT)
    assert _sweep(-5, schedules=both) == []  # a sweep ran; the deadline did not exist yet
    assert _sweep(-4, "user:7", schedules=both) == [("due_soon", -7, "user:7")]
    assert _ledger(WEEKLY) == []
    assert _ledger(ON_SIGHT) == [("due_soon", -7, "user:7", "queued", _day(-4))]
    assert _sweep(0, "user:7", schedules=both) == [("due_today", 0, "user:7")] * 2


def test_no_step_earlier_than_one_held_is_ever_returned():
    assert _sweep(1, "user:7") == [("overdue", 1, "user:7")]
    assert _sweep(0, "user:7") == []
    assert _sweep(-7, "user:7") == []


def test_a_moved_deadline_starts_its_schedule_afresh():
    assert _sweep(0, "user:7") == [("due_today", 0, "user:7")]
    moved = DEADLINE + timedelta(days=14)
    assert _sweep(0, "user:7", deadline=moved) == []
    assert _sweep(7, "user:7", deadline=moved) == [("due_soon", -7, "user:7")]


def test_a_sweep_is_one_statement_and_is_logged_even_with_nothing_to_send(
    django_assert_num_queries,
):
    with transaction.atomic(), django_assert_num_queries(1):
        reminders_record([], schedules=[WEEKLY, ON_SIGHT], today=_day(-9))
    assert sorted(ReminderSweep.objects.values_list("schedule", "day")) == [
        ("tests.on_sight", _day(-9)),
        ("tests.weekly", _day(-9)),
    ]


def test_a_schedule_lists_its_steps_in_order():
    with pytest.raises(ValueError, match="steps must be given in order"):
        Schedule("tests.bad", steps=(Step(0, "due_today"), Step(-7, "due_soon")))


@pytest.mark.django_db(transaction=True)
def test_recording_outside_the_e_mails_transaction_is_refused():
    with pytest.raises(TransactionManagementError, match="inside the transaction"):
        reminders_record(
            [WEEKLY.candidate("tests.thing:1", DEADLINE, "user:7")],
            schedules=[WEEKLY],
            today=DEADLINE,
        )
    assert not Reminder.objects.exists()
