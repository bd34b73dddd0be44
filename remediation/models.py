"""Remediation: a case per factory problem, its plan, its timeline and who joined it.

A case is a shared row (like a factory): EW staff run it, the lead monitoring partner follows
it, and affiliates whose supply chain contains the factory are invited to join. Who reads
what is decided in `querysets.py`. Engagement entries are the one tenant-owned model here:
an affiliate's own record of what it did with its contractor.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from core import audit
from core.currencies import validate_currency_code
from core.encryption import EncryptedTextField
from core.uploads import PrivateUploadTo
from monitoring.models import Severity, save_without_stored_aggregates

from .querysets import (
    ActionQuerySet,
    AttachmentQuerySet,
    CaseQuerySet,
    ProgressAttachmentQuerySet,
    ProgressQuerySet,
    UpdateQuerySet,
)


class CaseStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    REMEDIATED = "remediated", _("Remediated and verified")
    CLOSED = "closed", _("Closed")
    ESCALATED = "escalated", _("Escalated")
    STALLED = "stalled", _("Stalled")


# Cases whose actions still run: reminders and dashboards look only at these.
ACTIVE_CASE_STATUSES = (
    CaseStatus.OPENED,
    CaseStatus.PLAN_AGREED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.ESCALATED,
    CaseStatus.STALLED,
)


class RemediationCase(models.Model):
    factory = models.ForeignKey(
        "suppliers.Factory",
        on_delete=models.PROTECT,
        related_name="remediation_cases",
        verbose_name=_("factory"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"),
        help_text=_(
            "What every affiliate buying from the factory reads, joined or not: the problem "
            "and what is asked. No names, no testimony."
        ),
    )
    findings = models.ManyToManyField(
        "monitoring.Finding",
        blank=True,
        related_name="remediation_cases",
        verbose_name=_("findings"),
    )
    grievances = models.ManyToManyField(
        "grievances.Grievance",
        blank=True,
        related_name="remediation_cases",
        verbose_name=_("grievances"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    fast_track = models.BooleanField(
        _("urgent (fast-track)"),
        default=False,
        help_text=_("Workers are at immediate risk."),
    )
    lead_partner = models.ForeignKey(
        "monitoring.MonitoringPartner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remediation_cases",
        verbose_name=_("lead monitoring partner"),
    )
    staff_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("staff lead"),
        limit_choices_to={"is_ew_staff": True, "is_active": True},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPENED
    )
    opened_on = models.DateField(_("opened"), default=timezone.localdate)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Stored aggregates over the case's actions, written only by the database: triggers on the
    # actions' table (migration 0013) keep them exact whoever writes an action. An open action
    # is overdue when `next_due` is before today: exact without a daily job.
    action_count = models.PositiveIntegerField(
        _("actions"), default=0, db_default=0, editable=False
    )
    open_action_count = models.PositiveIntegerField(
        _("open actions"), default=0, db_default=0, editable=False
    )
    next_due = models.DateField(
        _("next due date"),
        null=True,
        editable=False,
        help_text=_("The earliest due date of an open action."),
    )

    STORED_AGGREGATES = ("action_count", "open_action_count", "next_due")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("remediation case")
        verbose_name_plural = _("remediation cases")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["status"], name="case_status"),
            # The staff list's order, the partner list's, and the API's (the model's ordering).
            models.Index(
                fields=["-fast_track", "status", "-opened_on", "-id"], name="case_staff_order"
            ),
            models.Index(fields=["lead_partner", "-opened_on", "-id"], name="case_partner_order"),
            models.Index(fields=["-opened_on", "-id"], name="case_opened_order"),
            # Cases with an overdue action: `next_due < today`.
            models.Index(
                fields=["next_due"],
                condition=models.Q(next_due__isnull=False),
                name="case_next_due",
            ),
        ]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    def save(self, *args, **kwargs):
        save_without_stored_aggregates(self, kwargs)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("remediation:staff_case", kwargs={"pk": self.pk})

    def get_affiliate_url(self, affiliate_slug: str) -> str:
        """The case as a participating affiliate's members see it."""
        return reverse(
            "remediation:affiliate_case", kwargs={"affiliate_slug": affiliate_slug, "pk": self.pk}
        )

    @property
    def reference(self) -> str:
        return f"RC-{self.pk:05d}" if self.pk else "RC-new"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES


class ResponsibleCompany(models.Model):
    """A company the case holds responsible, and in which capacity."""

    class Role(models.TextChoices):
        BRAND = "brand", _("Brand")
        EMPLOYER = "employer", _("Employer (the factory's owner)")
        CONTRACTOR = "contractor", _("Contractor or reseller")
        AGENT = "agent", _("Recruitment agency")

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="companies",
        verbose_name=_("case"),
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="remediation_roles",
        verbose_name=_("company"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("responsible company")
        verbose_name_plural = _("responsible companies")
        ordering = ["role", "supplier__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "supplier", "role"], name="case_company_role_unique"
            )
        ]

    def __str__(self):
        return f"{self.supplier} ({self.get_role_display()})"


class Participation(models.Model):
    """An affiliate invited to a case, and whether (and when) it joined.

    Part of the shared case rather than tenant data: EW staff list every participant, and
    an affiliate only ever reads its own row through `RemediationCase` querysets.
    """

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("case"),
    )
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="case_participations",
        verbose_name=_("affiliate"),
    )
    invited_on = models.DateField(_("invited"), default=timezone.localdate)
    joined_on = models.DateField(_("joined"), null=True, blank=True)
    joined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("joined by"),
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["affiliate__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "affiliate"], name="participation_unique_affiliate"
            )
        ]

    def __str__(self):
        return f"{self.affiliate} in {self.case.reference}"

    @property
    def has_joined(self) -> bool:
        return self.joined_on is not None


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE_CLAIMED = "done_claimed", _("Done (claimed)")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Claim rejected")


# The owner still has to act on these: they can be overdue and are reminded.
OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.REJECTED)


class RemediationAction(models.Model):
    """An item of the remediation plan. It counts as done only once verified."""

    Status = ActionStatus  # so that templates can compare with `action.Status.VERIFIED`

    class VerifiedBy(models.TextChoices):
        PARTNER = "partner", _("The monitoring partner")
        WORKERS = "workers", _("The workers")

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="actions",
        verbose_name=_("case"),
    )
    description = models.TextField(_("what is to be done"))
    owner_name = models.CharField(
        _("owner"), max_length=200, help_text=_("The company or organisation that must act.")
    )
    owner_supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remediation_actions",
        verbose_name=_("owner in the company registry"),
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Receives the reminders for this action.")
    )
    contact_language = models.CharField(
        _("contact's language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    evidence = models.TextField(
        _("evidence"), blank=True, help_text=_("What shows the action was done.")
    )
    claimed_on = models.DateField(_("claimed done"), null=True, blank=True)
    verified_on = models.DateField(_("verified"), null=True, blank=True)
    verified_by = models.CharField(
        _("verified by"), max_length=10, choices=VerifiedBy.choices, blank=True
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    rejection_reason = models.TextField(_("why the claim was rejected"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("remediation action")
        verbose_name_plural = _("remediation actions")
        ordering = ["due_date", "pk"]
        indexes = [
            # The reminder sweep reads open actions by due date; the staff dashboard counts the
            # overdue ones of active cases from the index alone (covering `case_id`).
            models.Index(
                fields=["due_date"],
                include=["case_id"],
                condition=models.Q(status__in=[ActionStatus.PLANNED, ActionStatus.REJECTED]),
                name="action_open_due",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def reference(self) -> str:
        return f"{self.case.reference}/A{self.pk}"

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_date < (
            today or timezone.localdate()
        )

    def days_left(self, today: date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days


class ActionProgress(models.Model):
    """What the company that owns an action reports about its progress, from the company portal:
    a note, with evidence files, and whether it now asks for verification. Staff, the lead
    partner and the participating affiliates read it on the case."""

    action = models.ForeignKey(
        RemediationAction,
        on_delete=models.CASCADE,
        related_name="progress_updates",
        verbose_name=_("action"),
    )
    text = models.TextField(_("progress"))
    asks_verification = models.BooleanField(_("asks for verification"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = ProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action.reference} progress {self.pk}"


class ProgressAttachment(models.Model):
    """Evidence attached to a progress update, cleaned by `core.uploads`."""

    progress = models.ForeignKey(
        ActionProgress,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("progress update"),
    )
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("actions"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    objects = ProgressAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name

    @property
    def download_name(self) -> str:
        """Never the uploader's file name (it may name a person): the action and the file."""
        extension = self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else "bin"
        return f"{self.progress.action.reference.replace('/', '-')}-{self.pk}.{extension}"


class Compensation(models.Model):
    """Money owed to workers, such as reimbursed recruitment fees, and what has been paid."""

    class Kind(models.TextChoices):
        # The company performance tracker reports recruitment fees reimbursed on their own.
        RECRUITMENT_FEES = "recruitment_fees", _("Recruitment fees to reimburse")
        WAGES = "wages", _("Unpaid wages or benefits")
        OTHER = "other", _("Other compensation")

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="compensations",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(_("for what"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    amount_owed = models.DecimalField(_("owed"), max_digits=14, decimal_places=2)
    amount_agreed = models.DecimalField(
        _("agreed"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the company agreed to pay, when it differs from what is owed."),
    )
    amount_paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=0)
    workers_covered = models.PositiveIntegerField(_("workers covered"))
    cohort = models.ForeignKey(
        "monitoring.MigrantCohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compensations",
        verbose_name=_("migrant cohort"),
        help_text=_("The cohort whose recruitment fees this reimburses (Employer Pays)."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensation")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_owed__gte=0, amount_paid__gte=0),
                name="compensation_not_negative",
            )
        ]

    def __str__(self):
        return self.description

    @property
    def share_paid(self) -> Decimal:
        """Per cent of what is owed that has been paid, to one decimal (`share_of`)."""
        return share_of(self.amount_paid, self.amount_owed)


def share_of(part: Decimal, whole: Decimal) -> Decimal:
    """Per cent of `whole` that `part` is, rounded half up to one decimal, at most 100: the
    one rule for every share paid or reimbursed shown (compensation table, Employer pays, API).
    Nothing owed: 100 once something is paid, else 0."""
    if not whole:
        return Decimal(100) if part else Decimal(0)
    return min(Decimal(100), (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP))


class CompensationPayment(models.Model):
    """One payment made to the workers of a compensation: the share reimbursed over time."""

    compensation = models.ForeignKey(
        Compensation,
        on_delete=models.CASCADE,
        related_name="payments",
        verbose_name=_("compensation"),
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    workers_paid = models.PositiveIntegerField(_("workers paid"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("compensation payment")
        verbose_name_plural = _("compensation payments")
        ordering = ["compensation", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="compensation_payment_positive"
            )
        ]

    def __str__(self):
        return f"{self.amount} ({self.paid_on})"


class Escalation(models.Model):
    """The case taken to a body with more leverage, such as the Responsible Business Alliance."""

    class Body(models.TextChoices):
        RBA = "rba", _("Responsible Business Alliance")
        BRAND = "brand", _("Brand headquarters")
        INDUSTRY = "industry", _("Other industry body")
        AUTHORITY = "authority", _("Public authority")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("case"),
    )
    body = models.CharField(_("escalated to"), max_length=20, choices=Body.choices)
    body_detail = models.CharField(_("details"), max_length=200, blank=True)
    escalated_on = models.DateField(_("escalated on"))
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["escalated_on", "pk"]

    def __str__(self):
        return f"{self.get_body_display()} ({self.escalated_on})"


class Audience(models.TextChoices):
    """Who reads a timeline entry; each audience includes the ones above it."""

    INTERNAL = "internal", _("Electronics Watch only")
    PARTNERS = "partners", _("Electronics Watch and the monitoring partner")
    AFFILIATES = "affiliates", _("Also the participating affiliates")


class CaseUpdate(models.Model):
    """A timeline entry. The text may carry what workers said: encrypted at rest."""

    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="updates",
        verbose_name=_("case"),
    )
    audience = models.CharField(_("who can read it"), max_length=20, choices=Audience.choices)
    text = EncryptedTextField(_("update"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("case update")
        verbose_name_plural = _("case updates")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.case.reference} update {self.pk}"


class UpdateAttachment(models.Model):
    """A file on a timeline entry, cleaned by `core.uploads`; read with its entry only."""

    update = models.ForeignKey(
        CaseUpdate, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("update")
    )
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("cases"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.update} attachment {self.pk}"

    @property
    def download_name(self) -> str:
        extension = self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else "bin"
        return f"{self.update.case.reference}-{self.pk}.{extension}"


class Engagement(models.Model):
    """What an affiliate did to use its leverage: a letter, a meeting, a contractual step.

    Tenant-owned: read only through the scoped manager (staff with scopes disabled).
    """

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter or e-mail")
        MEETING = "meeting", _("Meeting")
        CALL = "call", _("Call")
        CONTRACT_STEP = "contract_step", _("Contractual step")

    class Level(models.TextChoices):
        INFORMAL = "informal", _("Informal")
        FORMAL = "formal", _("Formal (under the contract conditions)")
        SANCTION = "sanction", _("Sanction")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="engagements",
        verbose_name=_("affiliate"),
    )
    case = models.ForeignKey(
        RemediationCase,
        on_delete=models.CASCADE,
        related_name="engagements",
        verbose_name=_("case"),
    )
    contract = models.ForeignKey(
        "suppliers.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="engagements",
        verbose_name=_("contract"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("escalation level"), max_length=10, choices=Level.choices)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("what happened"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["-happened_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.happened_on})"


# The audit trail (core/audit.py).
audit.track(
    RemediationCase,
    ResponsibleCompany,
    Participation,
    RemediationAction,
    ActionProgress,
    ProgressAttachment,
    Compensation,
    CompensationPayment,
    Escalation,
    CaseUpdate,
    UpdateAttachment,
    Engagement,
)
