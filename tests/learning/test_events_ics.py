"""The calendar invitation of an event, read back with icalendar, and the outbox's text
attachments."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from core.outbox import Attachment, Message, outbox_enqueue, outbox_send_pending
from learning.services import events as services
from tests.factories import EventFactory, member

pytestmark = pytest.mark.django_db


def send_all():
    while outbox_send_pending():
        pass


def calendar_of(message) -> Calendar:
    (part,) = message.attachments
    assert part.get_content_type() == "text/calendar"
    return Calendar.from_ical(part.get_payload(decode=True))


@pytest.fixture
def event(db):
    starts = timezone.make_aware(datetime(2027, 3, 9, 14, 0))  # 14:00 in Brussels = 13:00 UTC
    return EventFactory(
        title="Forced labour in ICT supply chains",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        online_link="https://meet.example.org/forced-labour",
    )


def test_the_registration_confirmation_carries_an_invitation_with_the_times_in_utc(
    event, northvale, mailoutbox
):
    person = member(northvale, email="buyer@northvale.example")

    services.registration_create(event=event, user=person)
    send_all()

    (message,) = mailoutbox
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    (entry,) = calendar.walk("VEVENT")
    assert entry["UID"] == f"event-{event.pk}@electronicswatch.platform"
    assert entry.decoded("DTSTART") == datetime(2027, 3, 9, 13, 0, tzinfo=UTC)
    assert entry.decoded("DTEND") == datetime(2027, 3, 9, 14, 30, tzinfo=UTC)
    assert entry["DTSTART"].to_ical().endswith(b"Z")
    assert str(entry["SUMMARY"]) == "Forced labour in ICT supply chains"
    assert str(entry["URL"]).endswith(f"/learn/events/{event.pk}/")
    assert "https://meet.example.org/forced-labour" in str(entry["DESCRIPTION"])
    assert str(entry["ORGANIZER"]) == "mailto:noreply@ewatch.example"
    assert str(entry["ATTENDEE"]) == "mailto:buyer@northvale.example"


def test_cancelling_sends_a_cancellation_of_the_same_invitation(event, northvale, mailoutbox):
    person = member(northvale)
    registration = services.registration_create(event=event, user=person)
    send_all()
    (invitation,) = calendar_of(mailoutbox[0]).walk("VEVENT")
    mailoutbox.clear()

    services.registration_cancel(registration=registration, by=person)
    send_all()

    (message,) = mailoutbox
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "CANCEL"
    (entry,) = calendar.walk("VEVENT")
    assert entry["UID"] == invitation["UID"]
    assert entry["STATUS"] == "CANCELLED"
    assert entry["SEQUENCE"] > invitation["SEQUENCE"]
    assert "meet.example.org" not in str(entry.get("DESCRIPTION"))


def test_the_outbox_sends_text_attachments_and_messages_without_any_as_before(db, mailoutbox):
    plain = Message(
        key="plain",
        recipient="a@example.org",
        template_prefix="learning/email/event_reminder",
        context={"event": EventFactory(), "user": member_user(), "days": 1, "link": "x"},
        language="en",
    )
    with_file = Message(
        key="with-file",
        recipient="b@example.org",
        template_prefix=plain.template_prefix,
        context=plain.context,
        language="en",
        attachments=(
            Attachment("note.ics", "text/calendar; method=REQUEST", "BEGIN:VCALENDAR\r\n"),
        ),
    )

    assert outbox_enqueue([plain, with_file]) == 2
    send_all()

    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address["a@example.org"].attachments == []
    (part,) = by_address["b@example.org"].attachments
    assert part.get_filename() == "note.ics"
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR\r\n"
    assert by_address["a@example.org"].subject == by_address["b@example.org"].subject


def member_user():
    from tests.factories import UserFactory

    return UserFactory()
