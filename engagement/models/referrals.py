"""Referrals to the Responsible Business Alliance (RBA) under the Terms of Engagement between
Electronics Watch and the RBA: a remediation case at a factory whose owner, or a company the
case holds responsible, is an RBA member, with what was shared, the response due, the RBA's
response and the outcome. Staff-only rows; others read the state through
`RbaReferral.objects.visible_to(reader)` and never what was shared."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["RbaReferral"]


class RbaReferralQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff every referral. The lead partner of a case and the affiliates that joined it
        read its referral's state (dates, outcome): the fields `STATE_FIELDS`, never what was
        shared nor the response's text. Anyone else nothing."""
        if reader.is_staff:
            return self.all()
        if reader.is_partner:
            return self.filter(case__lead_partner_id=reader.partner_id)
        if reader.is_affiliate:
            from remediation.models import RemediationCase

            return self.filter(case__in=RemediationCase.objects.joined_by(reader.affiliate))
        return self.none()

    def unclosed(self):
        return self.exclude(status=RbaReferral.Status.CLOSED)

    def overdue(self, today: date | None = None):
        return self.filter(
            status=RbaReferral.Status.OPEN, response_due__lt=today or timezone.localdate()
        )


class RbaReferral(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the RBA's response")
        RESPONDED = "responded", _("The RBA responded")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted by the RBA for handling")
        REMEDIATION_AGREED = "remediation_agreed", _("Remediation agreed with the member")
        DECLINED = "declined", _("Declined by the RBA")
        NO_RESPONSE = "no_response", _("No response from the RBA")
        CLOSED = "closed", _("Closed without further action")

    class Material(models.TextChoices):
        FINDINGS_SUMMARY = "findings_summary", _("Summary of the findings")
        REMEDIATION_PLAN = "remediation_plan", _("Remediation plan")
        EVIDENCE_SUMMARY = "evidence_summary", _("Summary of the evidence (no worker identity)")
        COMPANY_CORRESPONDENCE = "company_correspondence", _("Correspondence with the companies")
        COMPANY_RESPONSES = "company_responses", _("The companies' responses")
        OTHER = "other", _("Other material")

    # What affiliates and the lead partner may read of a referral (`visible_to`).
    STATE_FIELDS = ("referred_on", "response_due", "responded_on", "outcome", "status")

    case = models.ForeignKey(
        "remediation.RemediationCase",
        on_delete=models.PROTECT,
        related_name="rba_referrals",
        verbose_name=_("remediation case"),
    )
    referred_on = models.DateField(_("referred on"), default=timezone.localdate)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    shared_text = models.TextField(
        _("what was shared"),
        help_text=_(
            "What Electronics Watch sent to the RBA, and in what form. Never a worker's identity."
        ),
    )
    materials = ArrayField(
        models.CharField(max_length=30, choices=Material.choices),
        default=list,
        blank=True,
        verbose_name=_("kinds of material shared"),
    )
    response_due = models.DateField(_("response due"))
    response = models.TextField(_("the RBA's response"), blank=True)
    responded_on = models.DateField(_("response received on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RbaReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("RBA referral")
        verbose_name_plural = _("RBA referrals")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            # A case is referred again only once its earlier referral is closed.
            models.UniqueConstraint(
                fields=["case"],
                condition=~Q(status="closed"),
                name="rba_referral_one_unclosed_per_case",
            ),
            models.CheckConstraint(
                condition=Q(response_due__gte=models.F("referred_on")),
                name="rba_referral_due_after_referral",
            ),
        ]
        indexes = [models.Index(fields=["status", "response_due"], name="rba_referral_due")]

    def __str__(self):
        return f"{self.reference} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("engagement:referral_detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"RBA-{self.pk:05d}" if self.pk else "RBA-new"

    def age_days(self, today: date | None = None) -> int:
        """Days since the referral, until it was closed."""
        end = self.closed_on or today or timezone.localdate()
        return (end - self.referred_on).days

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == self.Status.OPEN and self.response_due < (
            today or timezone.localdate()
        )

    def days_overdue(self, today: date | None = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.response_due).days)

    def get_materials_display(self) -> list[str]:
        return [str(self.Material(code).label) for code in self.materials]
