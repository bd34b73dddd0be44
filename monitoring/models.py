"""Monitoring partners: the civil-society organisations that interview workers off-site."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


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
