"""Models that know no domain: the e-mail outbox, the reminder ledger, the audit trail."""

import uuid

import pghistory
import pghistory.models
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .uploads import PrivateUploadTo


class OutboxEmail(models.Model):
    """An e-mail to send, at most once per key (kind, object, recipient, period).

    Writers add rows inside their transaction; a Celery task leases pending rows, sends them
    and marks them sent. A worker that dies mid-send leaves its lease to expire, and the row
    is sent by the next run: nothing is lost, and the unique key stops a sweep that runs twice
    from queueing the same reminder again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # Text attachments (a calendar invitation): [{"filename", "mimetype", "content"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")
        indexes = [models.Index(fields=["status", "lease_until"], name="outbox_pending")]

    def __str__(self):
        return f"{self.key} → {self.recipient}"


class Reminder(models.Model):
    """The reminder ledger: one row per deadline, step of its schedule and recipient.

    A row is written in the same transaction as the e-mail it stands for, so a sweep that
    reruns, or runs again after a crash, finds the row and sends nothing twice. The subject is
    a key such as "remediation.remediationaction:17", never a foreign key: this app knows no
    domain. See `core.reminders` for the schedules and the catch-up rule.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued for sending")
        SUPERSEDED = "superseded", _("Not sent: a later step had fallen due")

    schedule = models.CharField(_("schedule"), max_length=60)
    subject = models.CharField(_("subject"), max_length=100)
    deadline = models.DateField(_("deadline"))
    recipient = models.CharField(_("recipient"), max_length=254)
    step = models.IntegerField(
        _("step"), help_text=_("Days from the deadline on which this step falls due.")
    )
    kind = models.CharField(_("kind"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    swept_on = models.DateField(_("swept on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            # Also the index the sweep reads the latest step held from: keep `step` last.
            models.UniqueConstraint(
                fields=["schedule", "subject", "deadline", "recipient", "step"],
                name="reminder_once_per_step",
            )
        ]

    def __str__(self):
        return f"{self.schedule} {self.subject} {self.deadline} {self.kind} → {self.recipient}"

    @property
    def subject_pk(self) -> int:
        """The primary key in a subject made by `core.reminders.subject_key`."""
        return int(self.subject.rpartition(":")[2])

    @property
    def recipient_user_pk(self) -> int | None:
        """The user's primary key for a recipient made by `core.reminders.user_recipient`."""
        prefix, _sep, pk = self.recipient.partition(":")
        return int(pk) if prefix == "user" and pk.isdigit() else None


class ReminderSweep(models.Model):
    """The days each schedule was swept. A step that fell due after the last sweep and
    before today was missed (beat did not run): the next sweep catches it up."""

    schedule = models.CharField(_("schedule"), max_length=60)
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sweep")
        verbose_name_plural = _("reminder sweeps")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "day"], name="reminder_sweep_once_a_day")
        ]

    def __str__(self):
        return f"{self.schedule} {self.day}"


class _AuditEventsCompiler(pghistory.models.EventsQueryCompiler):
    def _get_where_clause(self, event_model):
        where = super()._get_where_clause(event_model)
        made_by = self.query.made_by
        if made_by is None:
            return where
        # Inside each event table's part of the union, so that PostgreSQL starts from the
        # user's contexts (index `pghistory_context_user`) and reads each table through its
        # `pgh_context_id` index, instead of joining every event to its context first.
        # pghistory writes this clause as text (no parameters); an int is safe in it.
        table = pghistory.models.Context._meta.db_table
        contexts = (
            f"_event.pgh_context_id IN (SELECT id FROM {table}"  # noqa: S608
            f" WHERE metadata->>'user' = '{int(made_by)}')"
        )
        if not where:
            return f"WHERE {contexts}"
        return f"WHERE ({where.removeprefix('WHERE ')}) AND {contexts}"


class _AuditEventsQuery(pghistory.models.EventsQuery):
    made_by = None  # a user's id: only the events of the contexts that name that user

    def get_compiler(self, *args, **kwargs):
        compiler = super().get_compiler(*args, **kwargs)
        compiler.__class__ = _AuditEventsCompiler
        return compiler


class AuditEventsQuerySet(pghistory.models.EventsQuerySet):
    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model, query or _AuditEventsQuery(model), using, hints)

    def made_by(self, user_id: int):
        """The events of the requests made by that user, found from the user's contexts
        rather than by reading every event with its context (pghistory's `filter(user=...)`)."""
        queryset = self._clone()
        queryset.query.made_by = int(user_id)
        return queryset


class AuditEvents(pghistory.models.Events):
    """Every audit event (core/audit.py) of every tracked table, with its diff and who, which
    request or which task caused it: pghistory's aggregate over the event tables."""

    user = pghistory.ProxyField(
        "pgh_context__user",
        models.ForeignKey(
            settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, related_name="+"
        ),
    )
    url = pghistory.ProxyField("pgh_context__url", models.TextField(null=True))
    method = pghistory.ProxyField("pgh_context__method", models.TextField(null=True))
    task = pghistory.ProxyField("pgh_context__task", models.TextField(null=True))
    command = pghistory.ProxyField("pgh_context__command", models.TextField(null=True))

    objects = AuditEventsQuerySet.as_manager()

    class Meta:
        proxy = True


class ExchangeRate(models.Model):
    """How many units of a currency one euro bought on a day, as a central bank published it.

    Fees and compensation found in many currencies are compared in euros at the rate of the
    day they were paid (`core.currency.to_eur`); the table keeps every rate used, with its
    source, so a converted figure can always be checked.
    """

    currency = models.CharField(_("currency"), max_length=3)
    date = models.DateField(_("date"))
    units_per_euro = models.DecimalField(_("units per euro"), max_digits=18, decimal_places=6)
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_("For example: European Central Bank, euro foreign exchange reference rates."),
    )

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="exchange_rate_unique_day"),
            models.CheckConstraint(
                condition=models.Q(units_per_euro__gt=0), name="exchange_rate_positive"
            ),
        ]

    def __str__(self):
        return f"1 EUR = {self.units_per_euro} {self.currency} ({self.date})"


class ExportJob(models.Model):
    """A long list exported by a Celery task (`core.exports`): who asked for which list with
    which filters, its progress and its file, stored privately and downloadable only by its
    requester until `expires_at` (`exports_clean` deletes both then). An affiliate's jobs are
    that tenant's rows; staff's, partners' and companies' have no affiliate."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    list_name = models.CharField(_("list"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    path = models.CharField(_("page"), max_length=500)
    query = models.TextField(_("filters"), blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("exports"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    message = models.CharField(_("message"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"], name="exportjob_expires")]

    def __str__(self):
        return f"{self.title} ({self.format}, {self.status})"

    def get_absolute_url(self) -> str:
        from .exports import job_url

        return job_url(self)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ReadModelGeneration(models.Model):
    """The single row naming the current state of the domain data (core/readmodel.py): a new
    random `token` each time a transaction that wrote a domain table commits. Written only by
    the database's triggers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.UUIDField(default=uuid.uuid4)

    class Meta:
        db_table = "core_readmodel_generation"
        verbose_name = _("read-model generation")

    def __str__(self):
        return str(self.token)


class ReadModelChange(models.Model):
    """A transaction's note that it wrote domain data; its deferred trigger renews the
    generation at commit and deletes the note (core/readmodel.py). Never seen committed."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        db_table = "core_readmodel_change"
        verbose_name = _("read-model change")

    def __str__(self):
        return str(self.pk)


def _declare_tables() -> None:
    from . import rls

    rls.read_only_table(ReadModelGeneration)  # written by the triggers of core migration 0008
    rls.read_only_table(ReadModelChange)


_declare_tables()
