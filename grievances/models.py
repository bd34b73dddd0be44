"""Worker grievances: what a worker (or a partner on their behalf) tells Electronics Watch.

What the grievant does is stored with dates only, never times; the description, the contact
details and every message are encrypted at rest (`core.encryption`). Nothing here stores an
IP address, a user agent or an attachment's original file name.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core import audit
from core.encryption import EncryptedTextField
from core.uploads import PrivateUploadTo
from monitoring.models import ForcedLabourIndicator

from .querysets import GrievanceQuerySet

ACKNOWLEDGE_WITHIN = timedelta(days=7)
FEEDBACK_WITHIN_MONTHS = 3


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def language_name(code: str) -> str:
    """A language code ("ms", "zh-hans") named in the active language; the code if unknown."""
    reader = to_locale(get_language() or "en")
    try:
        name = Locale.parse(to_locale(code)).get_display_name(reader)
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return (name[:1].upper() + name[1:]) if name else code


class Channel(models.TextChoices):
    WEB = "web", _("Online form")
    PARTNER_IN_PERSON = "partner_in_person", _("In person, through a monitoring partner")
    PARTNER_PHONE = "partner_phone", _("By phone, through a monitoring partner")


class Category(models.TextChoices):
    """What happened, in the words a worker would use (staff classify against the Code)."""

    WAGES = "wages", _("Pay: wages not paid, paid late or too low")
    HOURS = "hours", _("Too many working hours or forced overtime")
    DOCUMENTS = "documents", _("My passport or ID card is kept by someone else")
    FEES = "fees", _("I paid fees or have a debt to get this job")
    SAFETY = "safety", _("Danger, accidents or no protection at work")
    VIOLENCE = "violence", _("Violence, threats, shouting or sexual harassment")
    DISCRIMINATION = "discrimination", _("Treated unfairly because of who I am")
    UNION = "union", _("Stopped from joining a union or speaking up together")
    MOVEMENT = "movement", _("Not free to leave the workplace, the dormitory or the job")
    CHILDREN = "children", _("Children are working")
    OTHER = "other", _("Something else")


class ContactMethod(models.TextChoices):
    NONE = "", _("Do not contact me")
    PHONE = "phone", _("Phone call")
    MESSAGING = "messaging", _("Message app (WhatsApp, LINE, Zalo, WeChat…)")
    EMAIL = "email", _("E-mail")
    PARTNER = "partner", _("Through a local organisation")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_REVIEW = "under_review", _("Under review")
    REFERRED = "referred", _("Referred to a remediation case")
    CLOSED = "closed", _("Closed with feedback")


# The deadlines run while a grievance is in one of these states.
OPEN_STATUSES = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.UNDER_REVIEW)


class Grievance(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language of the form"), max_length=10)
    factory = models.ForeignKey(
        "suppliers.Factory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("factory"),
    )
    workplace = models.CharField(_("workplace (as written)"), max_length=300, blank=True)
    country = CountryField(_("country"), blank=True)
    categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        default=list,
        blank=True,
        verbose_name=_("what happened"),
    )
    description = EncryptedTextField(_("description"), blank=True)
    # Staff's translation of the worker's words, as sensitive as them: encrypted, never logged,
    # removed with them at retention. Who wrote it: a TRANSLATED event and the audit trail.
    description_translation = EncryptedTextField(_("translation of the description"), blank=True)
    wants_contact = models.BooleanField(_("wants to be contacted"), default=False)
    contact_method = models.CharField(
        _("contact method"), max_length=20, choices=ContactMethod.choices, blank=True
    )
    contact_details = EncryptedTextField(_("contact details"), blank=True)
    # The receipt code is `<lookup>-<secret>`: the lookup part finds the row, the secret is
    # kept only as a slow hash (see grievances.receipts).
    # NULL once anonymised (the code then opens nothing), and unique while set.
    receipt_lookup = models.CharField(  # noqa: DJ001
        max_length=8, unique=True, null=True, editable=False
    )
    receipt_hash = models.CharField(max_length=200, blank=True, editable=False)
    partner = models.ForeignKey(
        "monitoring.MonitoringPartner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grievances",
        verbose_name=_("logged by partner"),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logged by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_grievances",
        verbose_name=_("assigned to"),
        limit_choices_to={"is_ew_staff": True, "is_active": True},
    )
    code_standards = models.ManyToManyField(
        "monitoring.CodeStandard",
        blank=True,
        related_name="grievances",
        verbose_name=_("Code standards"),
    )
    ilo_indicators = ArrayField(
        models.CharField(max_length=20, choices=ForcedLabourIndicator.choices),
        default=list,
        blank=True,
        verbose_name=_("ILO forced-labour indicators"),
    )
    received_on = models.DateField(_("received"))
    ack_due = models.DateField(_("acknowledgement due"))
    acknowledged_on = models.DateField(_("acknowledged"), null=True, blank=True)
    feedback_due = models.DateField(_("feedback due"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    referral = models.CharField(_("remediation case reference"), max_length=200, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    objects = GrievanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("grievance")
        verbose_name_plural = _("grievances")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "ack_due"], name="grievance_status_ack"),
            models.Index(fields=["status", "feedback_due"], name="grievance_status_feedback"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("grievances:staff_detail", kwargs={"pk": self.pk})

    @staticmethod
    def deadlines_from(received_on: date, acknowledged_on: date | None = None) -> tuple[date, date]:
        """(acknowledgement due, feedback due): 7 days, then 3 months from the acknowledgement
        or, without one, from day 7 (Directive 2019/1937 Art. 9, DOMAIN.md §3)."""
        ack_due = received_on + ACKNOWLEDGE_WITHIN
        return ack_due, add_months(acknowledged_on or ack_due, FEEDBACK_WITHIN_MONTHS)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def ack_pending(self) -> bool:
        return self.status == Status.RECEIVED

    def ack_days_left(self, today: date | None = None) -> int | None:
        if not self.ack_pending:
            return None
        return (self.ack_due - (today or timezone.localdate())).days

    def feedback_days_left(self, today: date | None = None) -> int | None:
        if not self.is_open:
            return None
        return (self.feedback_due - (today or timezone.localdate())).days

    @property
    def language_name(self) -> str:
        """The form's language named in the reader's language ("Malay", "malais"), not "ms"."""
        return language_name(self.language)

    def get_categories_display(self) -> list[str]:
        labels = dict(Category.choices)
        return [labels.get(value, value) for value in self.categories]

    def get_ilo_indicators_display(self) -> list[str]:
        labels = dict(ForcedLabourIndicator.choices)
        return [labels.get(value, value) for value in self.ilo_indicators]


class Side(models.TextChoices):
    STAFF = "staff", _("Electronics Watch")
    GRIEVANT = "grievant", _("Worker")
    PARTNER = "partner", _("Monitoring partner")


class GrievanceMessage(models.Model):
    """One message of the thread. Dated, not timed: the worker's activity is kept coarse."""

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="messages", verbose_name=_("grievance")
    )
    side = models.CharField(_("from"), max_length=10, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = EncryptedTextField(_("message"))
    visible_to_grievant = models.BooleanField(_("visible to the worker"), default=True)
    sent_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("grievance message")
        verbose_name_plural = _("grievance messages")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.grievance} #{self.pk}"


class GrievanceAttachment(models.Model):
    """A file the grievant sent, as cleaned by `core.uploads`: metadata stripped, stored
    under a random name. Neither the original bytes nor the original file name are kept:
    both can identify the worker (camera serial, GPS, a name in the file name)."""

    grievance = models.ForeignKey(
        Grievance,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("grievance"),
    )
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("grievances"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        verbose_name = _("grievance attachment")
        verbose_name_plural = _("grievance attachments")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.grievance} attachment {self.pk}"

    @property
    def download_name(self) -> str:
        extension = self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else "bin"
        return f"{self.grievance.reference}-{self.pk}.{extension}"


class GrievanceEvent(models.Model):
    """Who decided what, when: every staff or partner action on a grievance."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("Logged by a partner")
        ASSIGNED = "assigned", _("Assigned")
        CLASSIFIED = "classified", _("Classified")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        REVIEW_STARTED = "review_started", _("Review started")
        REFERRED = "referred", _("Referred to a remediation case")
        CLOSED = "closed", _("Closed with feedback")
        ANONYMISED = "anonymised", _("Anonymised")
        TRANSLATED = "translated", _("Translation of the description saved")

    grievance = models.ForeignKey(
        Grievance, on_delete=models.CASCADE, related_name="events", verbose_name=_("grievance")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("grievance event")
        verbose_name_plural = _("grievance events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.grievance} {self.kind}"


# The audit trail (core/audit.py): updates and deletes only, since the anonymous form and a
# worker's follow-up create rows and their exact time must not be stored; `GrievanceEvent` is
# the grievance's own timeline. The retention job deletes these events with the grievance's text.
audit.track(Grievance, GrievanceMessage, GrievanceAttachment, inserts=False)
