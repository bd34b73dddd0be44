"""The reminder of an event, one day before it, through the reminder ledger
(`core.reminders`).

Each person holding a place at a scheduled event gets one reminder the day before it
(`EVENT_REMINDER`; the deadline is the day the event starts, in the platform's time zone).
The ledger holds one row per event, day and person, written in the transaction that queues
the e-mail: a sweep that runs twice sends nothing twice, and a person who cancels and
registers again is not reminded again. When beat missed the day before, the next sweep still
sends it, once, worded for the day it goes ("today"), as long as the event has not started;
after that there is nothing left to remind of.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone

from core.outbox import outbox_enqueue
from core.reminders import Schedule, Step, reminders_record, user_recipient_expression

from ..models import Event, Registration
from . import event_mail

EVENT_REMINDER = Schedule("learning.event_reminder", steps=(Step(-1, "tomorrow"),))


def _candidates(today: date, now):
    registrations = Registration.objects.filter(
        status=Registration.Status.REGISTERED,
        event__status=Event.Status.SCHEDULED,
        event__starts_at__gt=now,
        event__starts_at__date__lte=EVENT_REMINDER.horizon(today),
    )
    return registrations.values(
        schedule=Value(EVENT_REMINDER.name),
        subject=Concat(
            Value(f"{Event._meta.label_lower}:"),
            Cast("event_id", output_field=CharField()),
            output_field=CharField(),
        ),
        deadline=TruncDate("event__starts_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        recipient=user_recipient_expression("user_id"),
    )


def event_reminders_sweep(*, today: date | None = None, now=None) -> int:
    """Queue the reminders due today; returns how many were queued. One transaction, a
    fixed number of queries however many events and people."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        rows = reminders_record(_candidates(today, now), schedules=[EVENT_REMINDER], today=today)
        wanted = {(row.subject_pk, row.recipient_user_pk): row for row in rows}
        registrations = Registration.objects.filter(
            status=Registration.Status.REGISTERED,
            event_id__in={event_id for event_id, _user in wanted},
            user_id__in={user_id for _event, user_id in wanted},
        ).select_related("event", "user")
        messages = [
            event_mail.reminder_message(
                registration,
                ledger_row=wanted[(registration.event_id, registration.user_id)],
                today=today,
            )
            for registration in registrations
            if (registration.event_id, registration.user_id) in wanted
        ]
        return outbox_enqueue(messages, skip_known=False)
