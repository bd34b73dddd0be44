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
