"""Company contacts: people who act for one company (brand, contractor or reseller,
manufacturer) in the portal, and the invitations staff send them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from affiliates.models import InvitationBase

__all__ = ["CompanyContact", "CompanyInvitation"]


class CompanyContact(models.Model):
    """A user who acts for one company. A person belongs to one company at most, and a company
    contact is neither staff, a partner's member nor an affiliate's member."""

    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("company"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="company_contact",
        verbose_name=_("user"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("contact since"), auto_now_add=True)

    class Meta:
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")
        ordering = ["company__name", "user__email"]

    def __str__(self):
        return f"{self.user} - {self.company}"


class CompanyInvitation(InvitationBase):
    """Staff's invitation of a company contact by e-mail. Only a digest of the link's token is
    stored (`affiliates.models.token_digest`)."""

    VALIDITY = timedelta(days=14)

    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="contact_invitations",
        verbose_name=_("company"),
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("company invitation")
        verbose_name_plural = _("company invitations")
        ordering = InvitationBase.Meta.ordering
        constraints = [
            models.UniqueConstraint(
                "company",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="company_invitation_one_open_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} ({self.company})"
