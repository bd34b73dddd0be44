"""Risk screening before a tender: an officer planning a purchase picks product categories (CPV
codes), and where known brands and countries of production, and reads what the network knows
about the risks to workers making such products (`learning.services.screening`).

`CpvCode` is shared reference data. `Screening` belongs to one affiliate (tenant-owned).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_scopes import ScopedManager

__all__ = ["CpvCode", "Screening"]


class CpvCode(models.Model):
    """A code of the Common Procurement Vocabulary, CPV 2008, with its official English and
    French labels.

    Source: Commission Regulation (EC) No 213/2008 of 28 November 2007 amending Regulation
    (EC) No 2195/2002 on the Common Procurement Vocabulary (CPV) (OJ L 74, 15.3.2008). The
    table holds the codes relevant to Electronics Watch's sectors (ICT hardware and
    low-emission vehicles), seeded by a data migration; `is_ict` puts the ICT codes first in
    the screening's picker.
    """

    code = models.CharField(
        _("code"), max_length=10, unique=True, help_text=_("Eight digits and the check digit.")
    )
    label_en = models.CharField(_("label in English"), max_length=255)
    label_fr = models.CharField(_("label in French"), max_length=255)
    is_ict = models.BooleanField(_("ICT hardware"), default=False)

    class Meta:
        ordering = ["-is_ict", "code"]
        verbose_name = _("CPV code")
        verbose_name_plural = _("CPV codes")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self.label_fr if (get_language() or "en").startswith("fr") else self.label_en

    @property
    def digits(self) -> str:
        """The eight digits without the check digit (contracts may omit it)."""
        return self.code[:8]


class Screening(models.Model):
    """A screening of the risks of a planned purchase, owned by the affiliate that plans it.

    While a draft, its page computes the results afresh. Saving stores them (`results`, with
    `results_at`) so the saved screening shows what was known then; "refresh" recomputes and
    stores them again. Once the contract is awarded, the screening is linked to it and the
    contract's compliance report summarises the stored results.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SAVED = "saved", _("Saved")
        AWARDED = "awarded", _("Turned into a contract")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="screenings",
        verbose_name=_("affiliate"),
    )
    title = models.CharField(_("planned tender"), max_length=255)
    tender_reference = models.CharField(_("tender reference"), max_length=100, blank=True)
    tender_date = models.DateField(_("planned tender date"), null=True, blank=True)
    cpv_codes = models.ManyToManyField(
        CpvCode, related_name="screenings", verbose_name=_("CPV codes")
    )
    brands = models.ManyToManyField(
        "suppliers.Supplier",
        blank=True,
        related_name="screenings",
        verbose_name=_("brands"),
    )
    countries = CountryField(_("countries of production"), multiple=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    contract = models.ForeignKey(
        "suppliers.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="screenings",
        verbose_name=_("contract"),
    )
    results = models.JSONField(_("results when saved"), default=dict, blank=True)
    results_at = models.DateTimeField(_("results computed"), null=True, blank=True)
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

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("risk screening")
        verbose_name_plural = _("risk screenings")
        constraints = [
            # A contract's compliance report summarises one screening.
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(contract__isnull=False),
                name="screening_one_per_contract",
            ),
        ]
        indexes = [models.Index(fields=["affiliate", "status"], name="screening_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "learning:screening_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def has_snapshot(self) -> bool:
        return self.results_at is not None and bool(self.results)
