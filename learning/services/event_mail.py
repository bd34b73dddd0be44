"""The e-mails of events and the calendar invitation (`.ics`) they carry.

Every e-mail goes through the outbox (`core.outbox`), queued in the transaction that changed
the registration, so it leaves after commit and never twice (its key names the registration).
The invitation is built with `icalendar`: one UID per event for its whole life, times in UTC,
and a SEQUENCE that grows when staff change the time or the link, so calendars update the
invitation people already have instead of adding a second one.
"""

from __future__ import annotations

from datetime import UTC
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from core.outbox import Attachment, Message

TEMPLATES = "learning/email/"


def organizer_address() -> tuple[str, str]:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name or "Electronics Watch", address


def event_link(event) -> str:
    return settings.SITE_URL + event.get_absolute_url()


def invitation(event, *, user, method: str = "REQUEST") -> str:
    """The event as an iCalendar file for `user`: METHOD:REQUEST invites (or updates),
    METHOD:CANCEL takes it out of their calendar."""
    calendar = Calendar()
    calendar.add("prodid", "-//Electronics Watch//Platform//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", event.ical_uid)
    entry.add("dtstamp", timezone.now().astimezone(UTC))
    entry.add("dtstart", event.starts_at.astimezone(UTC))
    entry.add("dtend", event.ends_at.astimezone(UTC))
    entry.add("summary", event.title)
    link = event_link(event)
    description = event.description.strip()
    if method == "REQUEST" and event.online_link:
        description = f"{description}\n\n{event.online_link}".strip()
    entry.add("description", f"{description}\n\n{link}".strip())
    entry.add("url", link)
    if method == "REQUEST" and event.online_link:
        entry.add("location", event.online_link)
    name, address = organizer_address()
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name)
    entry.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(str(user))
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    entry.add("attendee", attendee)
    entry.add("sequence", event.sequence + (1 if method == "CANCEL" else 0))
    entry.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(entry)
    return calendar.to_ical().decode()


def ics_attachment(event, *, user, method: str = "REQUEST") -> Attachment:
    return Attachment(
        filename="invitation.ics" if method == "REQUEST" else "cancellation.ics",
        mimetype=f"text/calendar; method={method}",
        content=invitation(event, user=user, method=method),
    )


def _context(registration, **extra) -> dict:
    event = registration.event
    return {
        "event": event,
        "user": registration.user,
        "registration": registration,
        "link": event_link(event),
        "time_zone": settings.TIME_ZONE,
        **extra,
    }


def _message(registration, *, key: str, template: str, ics: str | None = None, **extra):
    """One e-mail to the registered person, in their language; `ics` attaches an invitation
    ("REQUEST") or its withdrawal ("CANCEL")."""
    user = registration.user
    return Message(
        key=key,
        recipient=user.email,
        template_prefix=TEMPLATES + template,
        context=_context(registration, **extra),
        language=user.language,
        attachments=(ics_attachment(registration.event, user=user, method=ics),) if ics else (),
    )


def registered_message(registration) -> Message:
    return _message(
        registration,
        key=f"event-registered:{registration.pk}",
        template="event_registered",
        ics="REQUEST",
    )


def waiting_message(registration, *, rank: int) -> Message:
    return _message(
        registration, key=f"event-waiting:{registration.pk}", template="event_waiting", rank=rank
    )


def promoted_message(registration) -> Message:
    return _message(
        registration,
        key=f"event-promoted:{registration.pk}",
        template="event_promoted",
        ics="REQUEST",
    )


def cancelled_message(registration, *, had_place: bool) -> Message:
    """The person cancelled their registration (or left the waiting list)."""
    return _message(
        registration,
        key=f"event-registration-cancelled:{registration.pk}",
        template="registration_cancelled",
        ics="CANCEL" if had_place else None,
        had_place=had_place,
    )


def event_cancelled_message(registration, *, had_place: bool) -> Message:
    """Staff cancelled the event itself."""
    return _message(
        registration,
        key=f"event-cancelled:{registration.event_id}:{registration.pk}",
        template="event_cancelled",
        ics="CANCEL" if had_place else None,
        had_place=had_place,
    )


def reminder_message(registration, *, ledger_row, today) -> Message:
    days = (timezone.localdate(registration.event.starts_at) - today).days
    return _message(
        registration,
        key=f"event-reminder:{ledger_row.pk}",
        template="event_reminder",
        days=days,
    )
