"""Accounts and tenants: users, affiliates (the tenants), their memberships and invitations."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

from config.uploads import PrivateUploadTo


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("is_ew_staff", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account; logs in with an e-mail address."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    mute_case_digests = models.BooleanField(
        _("no weekly digest of remediation cases"),
        default=False,
        help_text=_("Stop the Monday e-mail listing what is due in the cases you joined."),
    )
    is_ew_staff = models.BooleanField(
        _("Electronics Watch staff"),
        default=False,
        help_text=_("Electronics Watch employees see every affiliate's data and run triage."),
    )
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Whether the user can log into the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_partner_member(self) -> bool:
        return hasattr(self, "partner_membership")

    @property
    def must_enrol_in_mfa(self) -> bool:
        """EW staff and monitoring partners hold worker testimony: a second factor is required."""
        return self.is_ew_staff or self.is_partner_member


class Affiliate(models.Model):
    """A public buyer affiliated with Electronics Watch: the tenant."""

    class Type(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality or city")
        REGION = "region", _("Regional authority")
        CENTRAL = "central", _("Central purchasing body")
        UNIVERSITY = "university", _("University or college")
        HOSPITAL = "hospital", _("Hospital or health body")
        OTHER = "other", _("Other public body")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    country = CountryField(_("country"))
    affiliate_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    affiliated_on = models.DateField(_("affiliated on"))
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("affiliate")
        verbose_name_plural = _("affiliates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("affiliates:dashboard", kwargs={"affiliate_slug": self.slug})


class Membership(models.Model):
    """A user's role in one affiliate. Tenant-owned: read only through the scoped manager."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Affiliate admin")
        OFFICER = "officer", _("Procurement officer")
        VIEWER = "viewer", _("Viewer")

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("affiliate")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["affiliate", "user"], name="membership_unique_user"),
        ]
        ordering = ["user__email"]

    def __str__(self):
        return f"{self.user} - {self.affiliate} ({self.get_role_display()})"

    @property
    def can_manage_members(self) -> bool:
        return self.role == self.Role.ADMIN

    @property
    def can_edit(self) -> bool:
        """Admins and officers change data; viewers only read and download."""
        return self.role in {self.Role.ADMIN, self.Role.OFFICER}


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """An affiliate admin's invitation by e-mail. Only a digest of the link's token is stored."""

    VALIDITY = timedelta(days=7)

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("affiliate")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ScopedManager(InvitationQuerySet.as_manager().__class__, affiliate="affiliate")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "affiliate",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.affiliate}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


CPV_PATTERN = r"^\d{8}(-\d)?$"


class Contract(models.Model):
    """A public contract for ICT hardware or vehicles, owned by the affiliate that signed it."""

    class ConditionsVersion(models.TextChoices):
        NONE = "", _("Not included")
        V1 = "v1", _("Version 1")
        V2 = "v2", _("Version 2")
        V2_1 = "v2.1", _("Version 2.1")

    class Category(models.TextChoices):
        COMPUTERS = "computers", _("Computers and laptops")
        TABLETS = "tablets", _("Tablets")
        PHONES = "phones", _("Phones")
        MONITORS = "monitors", _("Monitors")
        PRINTERS = "printers", _("Printers and imaging")
        PERIPHERALS = "peripherals", _("Peripherals")
        SERVERS = "servers", _("Servers, storage and networking")
        VEHICLES = "vehicles", _("Low-emission vehicles")
        BATTERIES = "batteries", _("Batteries")

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("affiliate")
    )
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=255)
    contractor = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("contractor"),
    )
    product_categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        default=list,
        blank=True,
        verbose_name=_("product categories"),
    )
    cpv_codes = ArrayField(
        models.CharField(max_length=10, validators=[RegexValidator(CPV_PATTERN)]),
        default=list,
        blank=True,
        verbose_name=_("CPV codes"),
    )
    brands = models.CharField(_("brands"), max_length=500, blank=True)
    product_models = models.TextField(_("product models"), blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    # The value converted at the reference rates in settings, for leverage rankings.
    value_eur = models.DecimalField(max_digits=14, decimal_places=2, editable=False)
    awarded_on = models.DateField(_("award date"))
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    ew_conditions_version = models.CharField(
        _("Electronics Watch contract conditions"),
        max_length=10,
        blank=True,
        choices=ConditionsVersion.choices,
    )
    disclosure_due_date = models.DateField(
        _("disclosure due"), help_text=_("By default 30 days after the award.")
    )
    ocid = models.CharField(_("OCDS id"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-awarded_on", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "reference"], name="contract_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_period_order",
            ),
        ]
        indexes = [GinIndex(fields=["cpv_codes"], name="contract_cpv")]

    def __str__(self):
        return f"{self.reference} – {self.title}"

    def get_absolute_url(self):
        return reverse(
            "affiliates:contract_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def ew_conditions_included(self) -> bool:
        return bool(self.ew_conditions_version)


class ChecklistItem(models.Model):
    """One operational outcome of the contract conditions, tracked for one contract."""

    class Outcome(models.TextChoices):
        SITES_DISCLOSED = "sites_disclosed", _("Production sites disclosed")
        COMPONENT_SITES = "component_sites", _("Main component sites disclosed")
        FINDINGS_SHARED = "findings_shared", _("Compliance findings shared")
        FULL_FINDINGS = "full_findings", _("Full findings shared on evidence of a breach")
        CHEMICALS = "chemicals", _("Chemical inventory provided")
        TRADING_CONDITIONS = "trading_conditions", _("Trading-conditions report provided")
        MONITOR_ACCESS = "monitor_access", _("Access for monitors")
        NO_RETALIATION = "no_retaliation", _("No retaliation against workers")
        REMEDIATION = "remediation", _("Written evidence of remediation")
        PREVENTION = "prevention", _("Written evidence of prevention")

    class Status(models.TextChoices):
        OPEN = "open", _("Not yet due or not started")
        ACHIEVED = "achieved", _("Achieved")
        FORMAL_REQUEST = "formal_request", _("Not achieved: formal request shown")
        NOT_ACHIEVED = "not_achieved", _("Not achieved")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.CASCADE, related_name="+", verbose_name=_("affiliate")
    )
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="checklist", verbose_name=_("contract")
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        help_text=_(
            "What shows the outcome, or the contractor's formal request to its "
            "supplier when it could not obtain it."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "outcome"], name="checklist_unique_outcome"
            ),
        ]

    def __str__(self):
        return self.get_outcome_display()


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


class ComplianceReport(models.Model):
    """One rendering of an affiliate's contract-compliance report, for a period or a contract.

    Regenerating adds a new version beside the earlier ones. The status moves queued →
    rendering → ready (or failed, with the reason) in the Celery task, which is guarded by
    it: a task run twice renders once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.CASCADE,
        related_name="compliance_reports",
        verbose_name=_("affiliate"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="compliance_reports",
        verbose_name=_("contract"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    failure_reason = models.CharField(_("why it failed"), max_length=500, blank=True)
    file = models.FileField(
        _("file"), upload_to=PrivateUploadTo("compliance-reports"), max_length=200, blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    scheduled = models.BooleanField(_("scheduled"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        verbose_name = _("compliance report")
        verbose_name_plural = _("compliance reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="compliance_report_period_order",
            ),
            # The scheduled report of a year is made once per affiliate.
            models.UniqueConstraint(
                fields=["affiliate", "period_start", "period_end"],
                condition=models.Q(scheduled=True),
                name="compliance_report_scheduled_once",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.affiliate} {self.period_start}–{self.period_end}"

    def get_absolute_url(self):
        return reverse(
            "affiliates:report_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def reference(self) -> str:
        return f"CR-{self.pk:06d}" if self.pk else "CR-new"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.READY, self.Status.FAILED}

    @property
    def download_name(self) -> str:
        scope = self.contract.reference if self.contract_id else f"{self.period_start.year}"
        return f"{self.affiliate.slug}-compliance-{scope}-v{self.version}.pdf"
