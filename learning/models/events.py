"""Webinars and trainings: online events that EW staff schedule, members register for (a full
event keeps a waiting list), and whose attendance, recording and slides staff record afterwards.

Events and registrations are shared rows, not tenant-owned: a person registers as themselves.
Who may see and register for an event is its audience (`Event.objects.visible_to(reader)`);
the rules of registering live in `learning.services.events`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affiliates.tenancy import is_member_of_an_active_affiliate

from .library import Resource, ResourceLanguage

__all__ = ["Event", "EventAudience", "EventKind", "Registration"]


class EventKind(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    TRAINING = "training", _("Training")
    METHODOLOGY = "methodology", _("Methodology training for monitoring partners")


class EventAudience(models.TextChoices):
    AFFILIATES = "affiliates", _("Affiliates")
    PARTNERS = "partners", _("Monitoring partners")
    BOTH = "both", _("Affiliates and monitoring partners")


class EventQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """EW staff see every event; an affiliate member the events for affiliates, a
        monitoring partner's member those for partners; anyone else none. A member of an
        affiliate reads as one here even outside the affiliate's pages: events are not tied
        to an affiliate."""
        if reader.is_staff:
            return self.all()
        user = reader.user
        if user is None:
            return self.none()
        rule = Q(pk__in=[])
        if reader.is_partner:
            rule |= Q(audience__in=[EventAudience.PARTNERS, EventAudience.BOTH])
        for_affiliates = Q(audience__in=[EventAudience.AFFILIATES, EventAudience.BOTH])
        if reader.affiliate is not None or is_member_of_an_active_affiliate(user):
            rule |= for_affiliates
        return self.filter(rule)

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now())

    def with_counts(self):
        registered = Registration.Status.REGISTERED, Registration.Status.ATTENDED
        return self.annotate(
            registered_count=models.Count(
                "registrations", filter=Q(registrations__status__in=registered)
            ),
            waiting_count=models.Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )


class Event(models.Model):
    """A webinar or a training, online, at a given time (stored in UTC, shown in the
    platform's time zone with its name)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        HELD = "held", _("Held")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=EventKind.choices, default=EventKind.WEBINAR
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=EventAudience.choices, default=EventAudience.BOTH
    )
    language = models.CharField(
        _("language"), max_length=8, choices=ResourceLanguage.choices, default="en"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    online_link = models.URLField(
        _("link to join"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to the people registered."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), default=50, help_text=_("Further registrations go to a waiting list.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    recording = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recording"),
    )
    slides = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("slides"),
    )
    # The calendar invitation's SEQUENCE: a new time or link updates the invitation people
    # already have instead of adding a second one.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_positive",
                violation_error_message=_("An event needs at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:event", kwargs={"pk": self.pk})

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_open_for_registration(self) -> bool:
        return self.status == self.Status.SCHEDULED and not self.has_started

    @property
    def ical_uid(self) -> str:
        """Stable for the life of the event: calendars recognise updates and cancellations."""
        return f"event-{self.pk}@electronicswatch.platform"


class Registration(models.Model):
    """A person's registration for an event. Cancelled registrations stay as history; a person
    has at most one other registration per event. On the waiting list, `position` orders the
    queue (the first to come is the first promoted); the rank shown is counted from it."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDED = "attended", _("Attended")
        ABSENT = "absent", _("Absent")

    # Statuses that hold a place, or a place in the queue, or a record of the event.
    ACTIVE = (Status.REGISTERED, Status.WAITING, Status.ATTENDED, Status.ABSENT)
    CANCELLABLE = (Status.REGISTERED, Status.WAITING)

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    position = models.PositiveIntegerField(_("place in the waiting list"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("given a place"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance recorded by"),
    )

    class Meta:
        ordering = ["event", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "position"],
                condition=Q(status="waiting"),
                name="registration_waiting_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting", position__isnull=False)
                | (~Q(status="waiting") & Q(position__isnull=True)),
                name="registration_position_only_when_waiting",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.user} → {self.event} ({self.get_status_display()})"

    def waiting_rank(self) -> int | None:
        """1 for the first on the waiting list; None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        return (
            Registration.objects.filter(
                event_id=self.event_id, status=self.Status.WAITING, position__lte=self.position
            ).count()
            or None
        )


def waiting_rank_expression():
    """The rank of a waiting registration, as a subquery for annotations."""
    return models.Subquery(
        Registration.objects.filter(
            event_id=OuterRef("event_id"),
            status=Registration.Status.WAITING,
            position__lte=OuterRef("position"),
        )
        .order_by()
        .values("event_id")
        .annotate(rank=models.Count("pk"))
        .values("rank")
    )
