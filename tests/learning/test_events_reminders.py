"""The reminder of an event the day before, through the reminder ledger: once, also when beat
missed the day before, never after the event started."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from core.models import Reminder
from core.outbox import outbox_send_pending
from learning.models import Event, Registration
from learning.services import events as services
from learning.services.event_reminders import EVENT_REMINDER, event_reminders_sweep
from learning.tasks import send_event_reminders
from tests.factories import EventFactory, member

pytestmark = pytest.mark.django_db

EVENT_DAY = timezone.localdate() + timedelta(days=10)
EVE = EVENT_DAY - timedelta(days=1)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def event(db):
    return EventFactory(starts_at=at(EVENT_DAY, 14), ends_at=at(EVENT_DAY, 15, 30))


@pytest.fixture
def attendee(event, northvale):
    person = member(northvale, email="attendee@northvale.example")
    services.registration_create(event=event, user=person)
    return person


def sweep(day, hour=7):
    """The sweep as beat runs it on `day` at `hour`, then the outbox sent."""
    event_reminders_sweep(today=day, now=at(day, hour))
    while outbox_send_pending():
        pass


def reminders(mailoutbox, person):
    return [
        m
        for m in mailoutbox
        if m.to == [person.email] and ("Tomorrow" in m.subject or "Today" in m.subject)
    ]


def test_the_reminder_goes_the_day_before_and_only_once(event, attendee, mailoutbox):
    sweep(EVE - timedelta(days=1))
    assert reminders(mailoutbox, attendee) == []

    sweep(EVE)
    sweep(EVE)  # beat ran twice
    sweep(EVENT_DAY)  # and the next morning, before the event

    (reminder,) = reminders(mailoutbox, attendee)
    assert reminder.subject == f"Tomorrow: {event.title}"
    assert "takes place tomorrow" in reminder.body
    assert event.online_link in reminder.body
    assert Reminder.objects.filter(schedule=EVENT_REMINDER.name).count() == 1


def test_when_beat_missed_the_day_before_the_reminder_goes_once_on_the_day(
    event, attendee, mailoutbox
):
    sweep(EVE - timedelta(days=1))  # beat ran two days before, then missed the eve

    sweep(EVENT_DAY, hour=7)
    sweep(EVENT_DAY, hour=8)

    (reminder,) = reminders(mailoutbox, attendee)
    assert reminder.subject == f"Today: {event.title}"
    assert "takes place today" in reminder.body


def test_no_reminder_once_the_event_has_started(event, attendee, mailoutbox):
    sweep(EVE - timedelta(days=1))

    sweep(EVENT_DAY, hour=15)  # the late sweep runs after the start

    assert reminders(mailoutbox, attendee) == []


def test_no_reminder_for_people_waiting_cancelled_or_of_a_cancelled_event(
    northvale, staff, mailoutbox
):
    full = EventFactory(capacity=1, starts_at=at(EVENT_DAY, 10), ends_at=at(EVENT_DAY, 11))
    holder, waiting = member(northvale), member(northvale)
    services.registration_create(event=full, user=holder)
    services.registration_create(event=full, user=waiting)
    leaving = member(northvale)
    other = EventFactory(starts_at=at(EVENT_DAY, 10), ends_at=at(EVENT_DAY, 11))
    registration = services.registration_create(event=other, user=leaving)
    services.registration_cancel(registration=registration, by=leaving)
    called_off = EventFactory(starts_at=at(EVENT_DAY, 10), ends_at=at(EVENT_DAY, 11))
    told = member(northvale)
    services.registration_create(event=called_off, user=told)
    services.event_cancel(event=called_off, by=staff)
    mailoutbox.clear()

    sweep(EVE)

    assert len(reminders(mailoutbox, holder)) == 1
    assert reminders(mailoutbox, waiting) == []
    assert reminders(mailoutbox, leaving) == []
    assert reminders(mailoutbox, told) == []


def test_cancelling_and_registering_again_is_not_reminded_twice(event, attendee, mailoutbox):
    sweep(EVE)
    registration = Registration.objects.get(user=attendee)
    services.registration_cancel(registration=registration, by=attendee)
    services.registration_create(event=event, user=attendee)

    sweep(EVENT_DAY)

    assert len(reminders(mailoutbox, attendee)) == 1


def test_the_sweep_keeps_a_fixed_number_of_queries(
    northvale, django_assert_max_num_queries, mailoutbox
):
    def add(count):
        for _ in range(count):
            e = EventFactory(starts_at=at(EVENT_DAY, 9), ends_at=at(EVENT_DAY, 10))
            for _ in range(2):
                services.registration_create(event=e, user=member(northvale))

    add(1)
    with django_assert_max_num_queries(8):
        event_reminders_sweep(today=EVE - timedelta(days=1), now=at(EVE - timedelta(days=1), 7))
    add(10)
    with django_assert_max_num_queries(8):
        assert event_reminders_sweep(today=EVE, now=at(EVE, 7)) == 22


def test_the_beat_task_runs_the_sweep(event, attendee, mailoutbox):
    # A real day: the task sweeps today; the event moves to tomorrow.
    tomorrow = timezone.localdate() + timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(
        starts_at=at(tomorrow, 23, 0), ends_at=at(tomorrow, 23, 30)
    )

    assert send_event_reminders.apply().get() == 1


def test_the_task_is_acknowledged_late_and_time_limited():
    assert send_event_reminders.acks_late is True
    assert send_event_reminders.reject_on_worker_lost is True
    assert send_event_reminders.time_limit and send_event_reminders.soft_time_limit
