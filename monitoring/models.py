"""Monitoring partners: the civil-society organisations that interview workers off-site."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core import audit
from core.currencies import validate_currency_code
from core.currency import NoExchangeRate, to_eur
from core.encryption import EncryptedTextField
from core.uploads import PrivateUploadTo

from .querysets import (
    EvidenceFileQuerySet,
    FindingQuerySet,
    FindingReplyQuerySet,
    MonitoringReportQuerySet,
    ReplyAttachmentQuerySet,
    RightOfReplyQuerySet,
)


class MonitoringPartner(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    countries = CountryField(_("countries monitored"), multiple=True, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("monitoring partner")
        verbose_name_plural = _("monitoring partners")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerMembership(models.Model):
    """A user who works for a monitoring partner. A person belongs to one partner at most."""

    partner = models.ForeignKey(
        MonitoringPartner,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("monitoring partner"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")

    def __str__(self):
        return f"{self.user} - {self.partner}"


class ChildLabourCategory(models.TextChoices):
    """Child labour by the ILO conventions that define it."""

    UNDER_MINIMUM_AGE = "under_minimum_age", _("Under the minimum age (C138)")
    HAZARDOUS = "hazardous", _("Hazardous work under 18 (C182, Art. 3(d))")
    WORST_FORMS = "worst_forms", _("Other worst forms (C182, Art. 3(a)–(c))")


class TraffickingAct(models.TextChoices):
    """The act element of trafficking in persons (Palermo Protocol, Art. 3(a))."""

    RECRUITMENT = "recruitment", _("Recruitment")
    TRANSPORT = "transport", _("Transport")
    TRANSFER = "transfer", _("Transfer")
    HARBOURING = "harbouring", _("Harbouring")
    RECEIPT = "receipt", _("Receipt")


class TraffickingMeans(models.TextChoices):
    """The means element (Palermo Protocol, Art. 3(a)); not needed when the victim is a child."""

    THREAT = "threat", _("Threat or use of force")
    COERCION = "coercion", _("Other coercion")
    ABDUCTION = "abduction", _("Abduction")
    FRAUD = "fraud", _("Fraud")
    DECEPTION = "deception", _("Deception")
    ABUSE_OF_POWER = "abuse_of_power", _("Abuse of power or of a position of vulnerability")
    PAYMENTS = "payments", _("Giving or receiving payments to a person in control")


class TraffickingPurpose(models.TextChoices):
    """The purpose element: exploitation (Palermo Protocol, Art. 3(a))."""

    FORCED_LABOUR = "forced_labour", _("Forced labour or services")
    SLAVERY = "slavery", _("Slavery or practices similar to slavery")
    SERVITUDE = "servitude", _("Servitude")
    SEXUAL_EXPLOITATION = "sexual", _("Sexual exploitation")
    OTHER = "other", _("Other exploitation")


class CostItem(models.TextChoices):
    """Recruitment fees and related costs (ILO general principles and operational guidelines for
    fair recruitment and definition of recruitment fees and related costs, 2019)."""

    RECRUITMENT_FEE = "recruitment_fee", _("Recruitment or placement fee")
    VISA_PERMIT = "visa_permit", _("Visa and work permit")
    MEDICAL = "medical", _("Medical tests")
    TRAINING = "training", _("Training")
    TRAVEL = "travel", _("Travel")
    ACCOMMODATION = "accommodation", _("Accommodation before departure")
    DOCUMENTS = "documents", _("Passport and documents")
    OTHER = "other", _("Other")


class ForcedLabourIndicator(models.TextChoices):
    """The ILO's 11 indicators of forced labour (ILO, 2012). Fixed by the ILO, not editable."""

    ABUSE_OF_VULNERABILITY = "vulnerability", _("Abuse of vulnerability")
    DECEPTION = "deception", _("Deception")
    RESTRICTION_OF_MOVEMENT = "movement", _("Restriction of movement")
    ISOLATION = "isolation", _("Isolation")
    PHYSICAL_SEXUAL_VIOLENCE = "violence", _("Physical and sexual violence")
    INTIMIDATION_THREATS = "intimidation", _("Intimidation and threats")
    RETENTION_OF_DOCUMENTS = "documents", _("Retention of identity documents")
    WITHHOLDING_OF_WAGES = "wages", _("Withholding of wages")
    DEBT_BONDAGE = "debt", _("Debt bondage")
    ABUSIVE_CONDITIONS = "conditions", _("Abusive working and living conditions")
    EXCESSIVE_OVERTIME = "overtime", _("Excessive overtime")


class CodeVersion(models.Model):
    """An edition of the Electronics Watch Code of Labour Standards.

    Findings keep pointing at the standards of the edition they were classified under; a new
    edition is added beside the old one and made current.
    """

    label = models.CharField(_("edition"), max_length=100, unique=True)
    effective_from = models.DateField(_("effective from"))
    is_current = models.BooleanField(_("current edition"), default=False)

    class Meta:
        verbose_name = _("Code of Labour Standards edition")
        verbose_name_plural = _("Code of Labour Standards editions")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_code_version",
            )
        ]

    def __str__(self):
        return self.label


class CodeStandardQuerySet(models.QuerySet):
    def current(self):
        return self.filter(version__is_current=True)


class CodeStandard(models.Model):
    """A main standard of the Code (e.g. "Fair recruitment"), the category of a finding."""

    version = models.ForeignKey(
        CodeVersion,
        on_delete=models.PROTECT,
        related_name="standards",
        verbose_name=_("edition"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name (English)"), max_length=150)
    name_fr = models.CharField(_("name (French)"), max_length=150, blank=True)

    objects = CodeStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("Code standard")
        verbose_name_plural = _("Code standards")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="code_standard_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        return localized(self.name, self.name_fr)


class CodeSubStandard(models.Model):
    """A prohibited practice or requirement under a standard (e.g. "No recruitment fees")."""

    standard = models.ForeignKey(
        CodeStandard,
        on_delete=models.PROTECT,
        related_name="sub_standards",
        verbose_name=_("standard"),
    )
    number = models.CharField(_("number"), max_length=10)
    text = models.CharField(_("text (English)"), max_length=300)
    text_fr = models.CharField(_("text (French)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Code sub-standard")
        verbose_name_plural = _("Code sub-standards")
        ordering = ["standard", "number"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="code_substandard_number")
        ]

    def __str__(self):
        return f"{self.number} {self.label}"

    @property
    def label(self) -> str:
        return localized(self.text, self.text_fr)


def localized(english: str, french: str) -> str:
    """Reference data typed by staff in two languages: the active one when it is filled in."""
    from django.utils.translation import get_language

    if french and (get_language() or "").startswith("fr"):
        return french
    return english


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


def save_without_stored_aggregates(instance, kwargs: dict) -> None:
    """Make a full save of an existing row leave its stored aggregates alone: the database
    writes them, and an instance read before a trigger ran would write stale values back."""
    if instance._state.adding or kwargs.get("force_insert"):
        return
    if kwargs.get("update_fields") is not None:
        return
    kwargs["update_fields"] = [
        f.name
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name not in instance.STORED_AGGREGATES
    ]


class MonitoringReport(models.Model):
    """What a partner found at one factory over one period, and how EW staff handled it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_TRIAGE = "in_triage", _("In triage")
        NEEDS_INFORMATION = "needs_information", _("More information requested")
        VALIDATED = "validated", _("Validated")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")

    class Method(models.TextChoices):
        OFFSITE_INTERVIEWS = "offsite_interviews", _("Off-site worker interviews")
        FOCUS_GROUPS = "focus_groups", _("Focus groups")
        DOCUMENTS = "documents", _("Document review")
        OBSERVATION = "observation", _("Observation")

    partner = models.ForeignKey(
        MonitoringPartner,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("monitoring partner"),
    )
    factory = models.ForeignKey(
        "suppliers.Factory",
        on_delete=models.PROTECT,
        related_name="monitoring_reports",
        verbose_name=_("factory"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    methods = ArrayField(
        models.CharField(max_length=30, choices=Method.choices),
        verbose_name=_("methods"),
        default=list,
    )
    interviewed_women = models.PositiveIntegerField(_("women interviewed"), default=0)
    interviewed_men = models.PositiveIntegerField(_("men interviewed"), default=0)
    interviewed_other_gender = models.PositiveIntegerField(
        _("interviewed, other or undisclosed gender"), default=0
    )
    interviewed_migrant = models.PositiveIntegerField(_("migrant workers interviewed"), default=0)
    interviewed_local = models.PositiveIntegerField(_("local workers interviewed"), default=0)
    summary = EncryptedTextField(
        _("narrative summary (confidential)"),
        blank=True,
        help_text=_("What workers told you. Seen only by your organisation and EW staff."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_reports",
        verbose_name=_("assigned to"),
        limit_choices_to={"is_ew_staff": True},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("validated or rejected"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validated or rejected by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_summary = models.TextField(
        _("published summary"),
        blank=True,
        help_text=_("The affiliate-facing summary: no names, no testimony, nothing identifying."),
    )
    # Stored aggregates over the report's findings, written only by the database: triggers on
    # the findings' table (migration 0014) keep them exact whoever writes a finding (services,
    # merges, the generator's COPY). `check_aggregates` recomputes them.
    top_severity = models.PositiveSmallIntegerField(
        _("top severity"),
        default=0,
        db_default=0,
        editable=False,
        help_text=_("The highest severity among its findings (1 low to 4 critical); 0: none."),
    )
    fast_track = models.BooleanField(
        _("has an urgent finding"), default=False, db_default=False, editable=False
    )
    finding_count = models.PositiveIntegerField(
        _("findings"), default=0, db_default=0, editable=False
    )

    STORED_AGGREGATES = ("top_severity", "fast_track", "finding_count")

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The staff queue, the most urgent and the oldest first: of the reports awaiting
            # triage (its default, `awaiting_triage`), and of one status.
            models.Index(
                fields=["-fast_track", "-top_severity", "submitted_at", "id"],
                condition=models.Q(
                    status__in=["submitted", "in_triage", "needs_information", "validated"]
                ),
                name="report_triage_order",
            ),
            models.Index(
                fields=["status", "-fast_track", "-top_severity", "submitted_at", "id"],
                name="report_queue_order",
            ),
            # A partner's list of its reports, the last changed first, and its counts by
            # status (from the index alone).
            models.Index(fields=["partner", "-updated_at", "-id"], name="report_partner_order"),
            models.Index(fields=["partner", "status"], name="report_partner_status"),
            # The published reports, the newest first (an affiliate's API list): walked in
            # order, the supply chain probed per report.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status="published", published_at__isnull=False),
                name="report_published_order",
            ),
            # The published reports of a set of sites (an affiliate's supply chain), read
            # without the table: the compliance reports' figures.
            models.Index(
                fields=["factory"],
                include=["id"],
                condition=models.Q(status="published", published_at__isnull=False),
                name="report_published_by_factory",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_in_order",
            )
        ]

    def __str__(self):
        return f"{self.reference} – {self.factory}"

    def save(self, *args, **kwargs):
        save_without_stored_aggregates(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(pk) -> str:
        """The reference of the report whose key is `pk` (a list's rows read as values)."""
        return f"MR-{pk:05d}" if pk else "MR-new"

    @property
    def workers_interviewed(self) -> int:
        return self.interviewed_women + self.interviewed_men + self.interviewed_other_gender

    @property
    def is_editable_by_partner(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.NEEDS_INFORMATION}


class Finding(models.Model):
    """One breach of the Code found at the report's factory.

    `confidential_text` is what the partner wrote (may quote testimony): encrypted, staff and
    the partner only. `published_text` is what affiliates read, written by staff at publication.
    """

    class Status(models.TextChoices):
        ALLEGED = "alleged", _("Alleged")
        SUBSTANTIATED = "substantiated", _("Substantiated")
        NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")
        REMEDIATION_PLANNED = "remediation_planned", _("Remediation planned")
        REMEDIATED_VERIFIED = "remediated_verified", _("Remediated and verified")
        RECURRED = "recurred", _("Recurred")

    class DocumentHolder(models.TextChoices):
        WORKER = "worker", _("The worker")
        EMPLOYER = "employer", _("The employer")
        AGENT = "agent", _("A recruitment agent")
        OTHER = "other", _("Someone else")
        UNKNOWN = "unknown", _("Unknown")

    report = models.ForeignKey(
        MonitoringReport,
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("report"),
    )
    standard = models.ForeignKey(
        CodeStandard, on_delete=models.PROTECT, related_name="+", verbose_name=_("Code category")
    )
    sub_standard = models.ForeignKey(
        CodeSubStandard,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-standard"),
    )
    ilo_indicators = ArrayField(
        models.CharField(max_length=20, choices=ForcedLabourIndicator.choices),
        verbose_name=_("ILO forced-labour indicators"),
        default=list,
        blank=True,
    )
    youngest_age_observed = models.PositiveSmallIntegerField(
        _("youngest age observed"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(25)],
        help_text=_("Only when child labour or young workers are concerned."),
    )
    child_labour = ArrayField(
        models.CharField(max_length=20, choices=ChildLabourCategory.choices),
        verbose_name=_("child labour (ILO C138 and C182)"),
        default=list,
        blank=True,
    )
    trafficking_acts = ArrayField(
        models.CharField(max_length=20, choices=TraffickingAct.choices),
        verbose_name=_("trafficking: acts"),
        default=list,
        blank=True,
    )
    trafficking_means = ArrayField(
        models.CharField(max_length=20, choices=TraffickingMeans.choices),
        verbose_name=_("trafficking: means"),
        default=list,
        blank=True,
    )
    trafficking_purposes = ArrayField(
        models.CharField(max_length=20, choices=TraffickingPurpose.choices),
        verbose_name=_("trafficking: purposes"),
        default=list,
        blank=True,
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    fast_track = models.BooleanField(
        _("urgent (fast-track)"),
        default=False,
        help_text=_("Workers are at immediate risk: EW starts remediation at once."),
    )
    workers_affected = models.PositiveIntegerField(_("workers affected"), null=True, blank=True)
    confidential_text = EncryptedTextField(_("description (confidential)"))
    evidence_summary = EncryptedTextField(
        _("evidence (confidential)"),
        blank=True,
        help_text=_("Which interviews, documents or observations support this finding."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ALLEGED
    )
    published_text = models.TextField(
        _("published text"),
        blank=True,
        help_text=_("What affiliates read: no names, no quotes, nothing that identifies a worker."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["report", "pk"]
        indexes = [
            models.Index(fields=["published_at"]),
            # The findings of a set of reports with what the read models count and chart (the
            # compliance reports, the dashboards, the risk views, the priorities), read
            # without the table (index-only scans: a fifth of its size). Not partial: staff
            # count the unpublished findings of validated reports too. The counts are
            # `count(*)`, not of the id, which the index does not hold.
            models.Index(
                fields=["report"],
                include=[
                    "published_at",
                    "standard",
                    "severity",
                    "status",
                    "ilo_indicators",
                    "child_labour",
                    "fast_track",
                ],
                name="finding_counted_by_report",
            ),
        ]

    def __str__(self):
        return f"{self.standard.label} ({self.get_severity_display()})"

    @property
    def severity_rank(self) -> int:
        return SEVERITY_RANK[self.severity]


class MigrantCohort(models.Model):
    """A group of migrant workers a report found at the factory, recruited along the same route:
    counts only, never names (the interviews stay in the partner's confidential notes)."""

    report = models.ForeignKey(
        MonitoringReport,
        on_delete=models.CASCADE,
        related_name="cohorts",
        verbose_name=_("report"),
    )
    findings = models.ManyToManyField(
        "Finding", related_name="cohorts", blank=True, verbose_name=_("findings")
    )
    # Blank only on cohorts carried over from findings that recorded no origin (migration 0011);
    # the form requires it.
    origin_country = CountryField(_("country of origin"), blank=True)
    transit_countries = ArrayField(
        models.CharField(max_length=2),
        verbose_name=_("transit countries"),
        default=list,
        blank=True,
    )
    destination_country = CountryField(_("country of work"))
    corridor = models.ForeignKey(
        "suppliers.MigrationCorridor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("corridor"),
    )
    workers_women = models.PositiveIntegerField(_("women"), default=0)
    workers_men = models.PositiveIntegerField(_("men"), default=0)
    workers_other = models.PositiveIntegerField(_("other or not known"), default=0)
    debt_per_worker = models.DecimalField(
        _("debt per worker"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    debt_currency = models.CharField(
        _("debt currency"), max_length=3, blank=True, validators=[validate_currency_code]
    )
    months_to_repay = models.PositiveSmallIntegerField(
        _("months of wages to repay the debt"), null=True, blank=True
    )
    documents_held_by = models.CharField(
        _("identity documents held by"),
        max_length=10,
        choices=Finding.DocumentHolder.choices,
        blank=True,
    )
    contract_substitution = models.BooleanField(
        _("contract substituted on arrival"), null=True, blank=True
    )
    employer_housing = models.BooleanField(
        _("housing provided by the employer"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("migrant cohort")
        verbose_name_plural = _("migrant cohorts")
        ordering = ["report", "pk"]

    def __str__(self):
        return self.route

    @property
    def workers(self) -> int:
        return self.workers_women + self.workers_men + self.workers_other

    @cached_property
    def debt_eur(self) -> Decimal | None:
        """The debt per worker in euros at the rate of the last day of the report's period
        (when it was found); None when in euros already or no rate of that week is recorded."""
        if self.debt_per_worker is None or self.debt_currency.upper() in {"", "EUR"}:
            return None
        try:
            return to_eur(
                self.debt_per_worker, self.debt_currency, self.report.period_end
            ).amount_eur
        except NoExchangeRate:
            return None

    @property
    def route(self) -> str:
        """Origin, transit countries in order, destination."""
        from django_countries import countries

        names = dict(countries)
        codes = [self.origin_country.code, *self.transit_countries, self.destination_country.code]
        return " → ".join(str(names.get(code, code or "?")) for code in codes)

    # Totals read the prefetched `fees` (monitoring.cohorts.with_chain prefetches them).
    @property
    def fees_per_worker_eur(self):
        """What each worker paid in all, in euros; fees without a rate are left out."""
        return sum((f.amount_eur for f in self.fees.all() if f.amount_eur is not None), Decimal(0))

    @property
    def has_unconverted_fees(self) -> bool:
        return any(f.amount_eur is None for f in self.fees.all())

    def fees_eur_by(self, attribute: str) -> dict[str, Decimal]:
        """Euros per worker by `step` or `cost_item`, in the order first paid."""
        totals: dict[str, Decimal] = {}
        for fee in self.fees.all():
            if fee.amount_eur is not None:
                key = getattr(fee, attribute)
                totals[key] = totals.get(key, Decimal(0)) + fee.amount_eur
        return totals


class RecruitmentAgency(models.Model):
    """One link of a cohort's recruitment chain, in order from the country of origin."""

    class Side(models.TextChoices):
        ORIGIN = "origin", _("In the country of origin")
        TRANSIT = "transit", _("In a transit country")
        DESTINATION = "destination", _("In the country of work")

    cohort = models.ForeignKey(
        MigrantCohort, on_delete=models.CASCADE, related_name="agencies", verbose_name=_("cohort")
    )
    position = models.PositiveSmallIntegerField(_("position in the chain"))
    side = models.CharField(_("where"), max_length=12, choices=Side.choices)
    name = models.CharField(_("agency"), max_length=200)
    country = CountryField(_("country"))

    class Meta:
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")
        ordering = ["cohort", "position"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "position"], name="agency_unique_position")
        ]

    def __str__(self):
        return self.name


class CohortFee(models.Model):
    """What each worker of a cohort paid at one step of the journey for one cost item, in the
    currency paid and in euros at the rate of the day (core.ExchangeRate)."""

    class Step(models.TextChoices):
        ORIGIN_RECRUITMENT = "origin_recruitment", _("Recruitment in the country of origin")
        PRE_DEPARTURE = "pre_departure", _("Before departure")
        TRANSIT = "transit", _("In transit")
        ARRIVAL = "arrival", _("On arrival")
        EMPLOYMENT = "employment", _("During employment")

    cohort = models.ForeignKey(
        MigrantCohort, on_delete=models.CASCADE, related_name="fees", verbose_name=_("cohort")
    )
    step = models.CharField(_("step of the journey"), max_length=20, choices=Step.choices)
    agency = models.ForeignKey(
        RecruitmentAgency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fees",
        verbose_name=_("paid to"),
    )
    cost_item = models.CharField(_("cost item"), max_length=20, choices=CostItem.choices)
    amount = models.DecimalField(
        _("amount per worker"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency_code])
    paid_on = models.DateField(_("paid on"))
    # NULL only for fees carried over from findings (migration 0011) when no rate of their day
    # was in the table: shown as "not converted", left out of euro totals.
    amount_eur = models.DecimalField(
        _("amount per worker in euros"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    rate = models.ForeignKey(
        "core.ExchangeRate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("exchange rate used"),
        help_text=_("Empty when the fee was paid in euros."),
    )

    class Meta:
        verbose_name = _("fee paid by a cohort")
        verbose_name_plural = _("fees paid by cohorts")
        ordering = ["cohort", "paid_on", "pk"]

    def __str__(self):
        return f"{self.get_cost_item_display()}: {self.amount} {self.currency}"


class EvidenceFile(models.Model):
    """A photo or document supporting a report; staff and the submitting partner only."""

    report = models.ForeignKey(
        MonitoringReport,
        on_delete=models.CASCADE,
        related_name="evidence_files",
        verbose_name=_("report"),
    )
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_files",
        verbose_name=_("finding"),
    )
    file = models.FileField(_("file"), upload_to=PrivateUploadTo("monitoring/evidence"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class ReportEvent(models.Model):
    """Who did what to a report and when: the triage record. Texts may quote testimony."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Draft started")
        SUBMITTED = "submitted", _("Submitted")
        ASSIGNED = "assigned", _("Assigned")
        COMMENT = "comment", _("Comment")
        INFO_REQUESTED = "info_requested", _("More information requested")
        VALIDATED = "validated", _("Validated")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")
        FINDING_STATUS = "finding_status", _("Finding status changed")

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report")
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    text = EncryptedTextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class ReplyState(models.TextChoices):
    """Where a company's answer stands (computed, not stored)."""

    AWAITING = "awaiting", _("Awaiting an answer")
    ANSWERED = "answered", _("Answered")
    LAPSED = "lapsed", _("No answer by the deadline")
    CLOSED = "closed", _("Closed without an answer")


class RightOfReply(models.Model):
    """Findings of a report shared with one company concerned before they reach affiliates.

    Electronics Watch shares each finding in a version written for the company (never the
    partner's confidential text, its evidence or small worker counts) with a deadline; the
    company answers finding by finding (`FindingReply`). Unanswered by the deadline is
    recorded (`lapsed_at`) by the daily sweep and shown as such.
    """

    report = models.ForeignKey(
        MonitoringReport,
        on_delete=models.CASCADE,
        related_name="rights_of_reply",
        verbose_name=_("report"),
    )
    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        related_name="rights_of_reply",
        verbose_name=_("company"),
    )
    due_date = models.DateField(_("answer due"))
    shared_at = models.DateTimeField(_("shared on"), auto_now_add=True)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shared by"),
    )
    lapsed_at = models.DateTimeField(_("deadline passed without an answer"), null=True, blank=True)

    objects = RightOfReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("right of reply")
        verbose_name_plural = _("rights of reply")
        ordering = ["-shared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "company"], name="right_of_reply_one_per_company"
            )
        ]

    def __str__(self):
        return f"{self.report.reference} – {self.company}"

    @property
    def answered_count(self) -> int:
        """Findings answered (reads the prefetched `replies`)."""
        return sum(1 for reply in self.replies.all() if reply.answered_at is not None)

    @property
    def state(self) -> str:
        """Answered (every finding), no answer by the deadline (recorded by the sweep), or
        awaiting. Reads the prefetched `replies`."""
        replies = self.replies.all()
        if replies and all(reply.answered_at is not None for reply in replies):
            return ReplyState.ANSWERED
        if self.lapsed_at is not None:
            return ReplyState.LAPSED
        return ReplyState.AWAITING

    def get_state_display(self) -> str:
        return ReplyState(self.state).label


class FindingReply(models.Model):
    """One finding as shared with a company, and the company's answer to it.

    `text_for_company` is what the company reads, written by staff when sharing. The answer
    reaches affiliates only once the finding is published.
    """

    right_of_reply = models.ForeignKey(
        RightOfReply,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("right of reply"),
    )
    finding = models.ForeignKey(
        Finding,
        on_delete=models.CASCADE,
        related_name="company_replies",
        verbose_name=_("finding"),
    )
    text_for_company = models.TextField(
        _("text shared with the company"),
        help_text=_("No names, no quotes, nothing that identifies a worker."),
    )
    answer = models.TextField(_("the company's answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )

    objects = FindingReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding shared with a company")
        verbose_name_plural = _("findings shared with companies")
        ordering = ["finding__pk", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["right_of_reply", "finding"], name="finding_reply_one_per_share"
            )
        ]

    def __str__(self):
        return f"{self.right_of_reply} – {self.finding_id}"

    @property
    def is_open(self) -> bool:
        """The company may still answer (or change its answer): until the deadline, and until
        the finding is published (`monitoring.replies.answer_finding` holds the rule)."""
        from django.utils import timezone

        right = self.right_of_reply
        return (
            right.lapsed_at is None
            and right.due_date >= timezone.localdate()
            and self.finding.published_at is None
        )

    @property
    def state(self) -> str:
        if self.answered_at is not None:
            return ReplyState.ANSWERED
        if self.is_open:
            return ReplyState.AWAITING
        if self.right_of_reply.lapsed_at is not None:
            return ReplyState.LAPSED
        from django.utils import timezone

        if self.right_of_reply.due_date < timezone.localdate():
            return ReplyState.LAPSED
        return ReplyState.CLOSED

    def get_state_display(self) -> str:
        return ReplyState(self.state).label


class ReplyAttachment(models.Model):
    """A file the company attached to its answer, cleaned by `core.uploads` like evidence."""

    reply = models.ForeignKey(
        FindingReply,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("answer"),
    )
    file = models.FileField(
        _("file"), upload_to=PrivateUploadTo("monitoring/replies"), max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ReplyAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer attachment")
        verbose_name_plural = _("answer attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


# The audit trail (core/audit.py). Left out: the Code of Labour Standards (a versioned reference
# table whose versions never change) and `ReportEvent` (the report's own timeline).
audit.track(
    MonitoringPartner,
    PartnerMembership,
    MonitoringReport,
    Finding,
    MigrantCohort,
    RecruitmentAgency,
    CohortFee,
    EvidenceFile,
    RightOfReply,
    FindingReply,
    ReplyAttachment,
)
