"""Compliance reports: what an affiliate shows each year of its contracts and their factories."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from core import audit
from core.uploads import PrivateUploadTo


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
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="compliance_reports",
        verbose_name=_("affiliate"),
    )
    contract = models.ForeignKey(
        "suppliers.Contract",
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
    # The report's whole lists, as a spreadsheet made with the PDF (which shows their first
    # rows only): every contract, factory, finding, case, overdue action and engagement.
    annex = models.FileField(
        _("annex"), upload_to=PrivateUploadTo("compliance-reports"), max_length=200, blank=True
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
            "reports:report_detail",
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

    @property
    def annex_name(self) -> str:
        return self.download_name.removesuffix(".pdf") + "-annex.xlsx"


# The audit trail (core/audit.py).
audit.track(ComplianceReport)
