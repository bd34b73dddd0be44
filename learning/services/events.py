"""Webinars and trainings: the rules of registering, cancelling, the waiting list, attendance
and the materials staff attach afterwards.

Registrations of one event change only with the event's row locked (`select_for_update`),
so two people taking the last place, or a cancellation and a registration at the same
moment, are served one after the other: the event never holds more people than its places,
and the first on the waiting list is the one promoted. E-mails are queued in the outbox in
the same transaction.

Who may register (the audience rule): members of an affiliate for events for affiliates,
members of a monitoring partner for events for partners, either for events for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from affiliates.tenancy import is_member_of_an_active_affiliate
from core.errors import DomainError
from core.outbox import outbox_enqueue
from core.uploads import CleanFile

from ..models import (
    Event,
    EventAudience,
    Registration,
    Resource,
    ResourceKind,
    ResourceVersion,
)
from . import event_mail

Status = Registration.Status


def require_staff(user) -> None:
    if not (user and user.is_active and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))


def audiences_of(user) -> set[str]:
    """The audiences a person belongs to: affiliates, partners or both."""
    audiences = set()
    if user is None or not user.is_authenticated or not user.is_active:
        return audiences
    if user.is_partner_member:
        audiences.add(EventAudience.PARTNERS)
    if is_member_of_an_active_affiliate(user):
        audiences.add(EventAudience.AFFILIATES)
    return audiences


def may_register(event: Event, user) -> bool:
    audiences = audiences_of(user)
    if event.audience == EventAudience.BOTH:
        return bool(audiences)
    return event.audience in audiences


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _taken(event: Event) -> int:
    return event.registrations.filter(status__in=[Status.REGISTERED, Status.ATTENDED]).count()


# --- Members ------------------------------------------------------------------------------


def registration_create(*, event: Event, user) -> Registration:
    """Register `user`: a place while there is one, else the end of the waiting list."""
    with transaction.atomic():
        event = _locked(event)
        if event.status == Event.Status.CANCELLED:
            raise DomainError(_("This event has been cancelled."))
        if event.status != Event.Status.SCHEDULED or event.has_started:
            raise DomainError(_("Registration has closed: this event has already started."))
        if not may_register(event, user):
            raise DomainError(
                _("This event is for %(audience)s only.")
                % {"audience": event.get_audience_display().lower()}
            )
        current = event.registrations.filter(user=user, status__in=Registration.ACTIVE).first()
        if current is not None:
            if current.status == Status.WAITING:
                raise DomainError(_("You are already on the waiting list for this event."))
            raise DomainError(_("You are already registered for this event."))
        if _taken(event) < event.capacity:
            registration = Registration.objects.create(
                event=event, user=user, status=Status.REGISTERED
            )
            outbox_enqueue([event_mail.registered_message(registration)])
            return registration
        last = event.registrations.filter(status=Status.WAITING).aggregate(last=Max("position"))
        registration = Registration.objects.create(
            event=event, user=user, status=Status.WAITING, position=(last["last"] or 0) + 1
        )
        rank = registration.waiting_rank()
        outbox_enqueue([event_mail.waiting_message(registration, rank=rank)])
        return registration


def registration_cancel(*, registration: Registration, by) -> Registration | None:
    """Cancel a registration (the person themselves). A place freed goes to the first on the
    waiting list, who is e-mailed; returns that promoted registration, if any."""
    with transaction.atomic():
        event = _locked(registration.event)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.user_id != by.pk:
            raise DomainError(_("You can only cancel your own registration."))
        if registration.status not in Registration.CANCELLABLE:
            raise DomainError(_("This registration is not active any more."))
        if event.has_started:
            raise DomainError(
                _("The event has started; a registration can no longer be cancelled.")
            )
        had_place = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.position = None
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "position", "cancelled_at"])
        registration.event = event
        messages = [event_mail.cancelled_message(registration, had_place=had_place)]
        promoted = None
        if had_place and event.status == Event.Status.SCHEDULED:
            promoted = _promote_first_waiting(event)
            if promoted is not None:
                messages.append(event_mail.promoted_message(promoted))
        outbox_enqueue(messages)
        return promoted


def _promote_first_waiting(event: Event) -> Registration | None:
    """Give free places to the first on the waiting list (the event's row is locked)."""
    if _taken(event) >= event.capacity:
        return None
    first = (
        event.registrations.select_for_update()
        .filter(status=Status.WAITING)
        .select_related("user")
        .order_by("position", "pk")
        .first()
    )
    if first is None:
        return None
    first.status = Status.REGISTERED
    first.position = None
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "position", "promoted_at"])
    first.event = event
    return first


# --- Staff --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    title: str
    description: str
    kind: str
    audience: str
    language: str
    starts_at: datetime
    ends_at: datetime
    online_link: str
    capacity: int


def _check(data: EventData) -> None:
    if not data.title.strip():
        raise DomainError(_("Give the event a title."), field="title")
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The event must end after it starts."), field="ends_at")
    if data.capacity < 1:
        raise DomainError(_("An event needs at least one place."), field="capacity")


def event_create(*, data: EventData, by) -> Event:
    require_staff(by)
    _check(data)
    if data.starts_at <= timezone.now():
        raise DomainError(_("Schedule the event in the future."), field="starts_at")
    return Event.objects.create(**data.__dict__, created_by=by)


def event_update(*, event: Event, data: EventData, by) -> Event:
    """Change an event. More places go to the waiting list at once, in its order (each
    promoted person is e-mailed). A new time or link raises the invitation's SEQUENCE, so the
    next invitation a person receives replaces the one in their calendar; the people already
    registered are not e-mailed about the change (not built yet)."""
    require_staff(by)
    _check(data)
    with transaction.atomic():
        event = _locked(event)
        if event.status == Event.Status.CANCELLED:
            raise DomainError(_("A cancelled event cannot be changed."))
        taken = _taken(event)
        if data.capacity < taken:
            raise DomainError(
                _("%(count)s people hold a place already; give at least as many places.")
                % {"count": taken},
                field="capacity",
            )
        moved = (data.starts_at, data.ends_at, data.online_link) != (
            event.starts_at,
            event.ends_at,
            event.online_link,
        )
        for name, value in data.__dict__.items():
            setattr(event, name, value)
        if moved:
            event.sequence += 1
        event.save()
        messages = []
        while (promoted := _promote_first_waiting(event)) is not None:
            messages.append(event_mail.promoted_message(promoted))
        outbox_enqueue(messages)
    return event


def event_check_cancellable(event: Event) -> None:
    if event.status != Event.Status.SCHEDULED or event.has_started:
        raise DomainError(_("Only an event that has not started can be cancelled."))


def event_cancel(*, event: Event, by) -> int:
    """Cancel an event; everyone registered or waiting is told (with a calendar
    cancellation for those who had a place). Returns how many were told."""
    require_staff(by)
    with transaction.atomic():
        event = _locked(event)
        event_check_cancellable(event)
        event.status = Event.Status.CANCELLED
        event.save(update_fields=["status", "updated_at"])
        registrations = list(
            event.registrations.filter(status__in=Registration.CANCELLABLE).select_related("user")
        )
        messages = []
        for registration in registrations:
            registration.event = event
            messages.append(
                event_mail.event_cancelled_message(
                    registration, had_place=registration.status == Status.REGISTERED
                )
            )
        return outbox_enqueue(messages)


def attendance_record(*, event: Event, attended_ids, by) -> int:
    """After the event started, staff mark who attended; everyone else who held a place is
    recorded absent. The event is then held. Returns how many attended."""
    require_staff(by)
    attended_ids = {int(pk) for pk in attended_ids}
    with transaction.atomic():
        event = _locked(event)
        if event.status == Event.Status.CANCELLED:
            raise DomainError(_("This event was cancelled; there is no attendance to record."))
        if not event.has_started:
            raise DomainError(_("Attendance can be recorded once the event has started."))
        places = event.registrations.filter(
            status__in=[Status.REGISTERED, Status.ATTENDED, Status.ABSENT]
        )
        unknown = attended_ids - set(places.values_list("pk", flat=True))
        if unknown:
            raise DomainError(_("Some of the people marked did not hold a place at this event."))
        places.filter(pk__in=attended_ids).update(status=Status.ATTENDED, attendance_recorded_by=by)
        places.exclude(pk__in=attended_ids).update(status=Status.ABSENT, attendance_recorded_by=by)
        event.status = Event.Status.HELD
        event.save(update_fields=["status", "updated_at"])
    return len(attended_ids)


class Material:
    RECORDING = "recording"
    SLIDES = "slides"


def material_attach(
    *,
    event: Event,
    what: str,
    language: str,
    title: str,
    link: str = "",
    file: CleanFile | None = None,
    by,
) -> ResourceVersion:
    """Attach the recording or the slides as a library resource (kind: webinar recording),
    published at once. The first attachment creates the resource; another language, or a
    new wording in the same language, adds a version to it."""
    require_staff(by)
    if what not in (Material.RECORDING, Material.SLIDES):
        raise DomainError(_("Choose the recording or the slides."), field="what")
    if bool(link) == bool(file):
        raise DomainError(_("Give either a link or a file, not both."), field="link")
    if file is not None and file.content_type != "application/pdf":
        raise DomainError(_("Slides and recordings are attached as a PDF or a link."), field="file")
    if not title.strip():
        raise DomainError(_("Give the material a title."), field="title")
    with transaction.atomic():
        event = _locked(event)
        if not event.has_started:
            raise DomainError(_("Materials are attached once the event has taken place."))
        resource = getattr(event, what)
        now = timezone.now()
        if resource is None:
            resource = Resource.objects.create(
                kind=ResourceKind.WEBINAR_RECORDING,
                status=Resource.Status.PUBLISHED,
                published_at=now,
                created_by=by,
            )
            setattr(event, what, resource)
            event.save(update_fields=[what, "updated_at"])
        last = resource.versions.filter(language=language).aggregate(last=Max("number"))
        version = ResourceVersion(
            resource=resource,
            language=language,
            number=(last["last"] or 0) + 1,
            title=title.strip(),
            summary=event.description[:1000],
            format=ResourceVersion.Format.FILE if file else ResourceVersion.Format.LINK,
            link=link,
            created_by=by,
        )
        if file is not None:
            version.file.save(f"slides.{file.extension}", ContentFile(file.content), save=False)
            version.file_name = file.original_name
            version.file_type = file.content_type
        version.save()
    return version
