"""Keeping API tokens in step with company contacts (SECURITY.md: tokens are revoked on
removal from an organisation), as `affiliates.tokens` does for memberships."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from affiliates.tokens import revoke_tokens

from .models import CompanyContact


@receiver(post_delete, sender=CompanyContact)
def _revoke_on_contact_removed(sender, instance: CompanyContact, **kwargs):
    revoke_tokens(instance.user_id, reason="removed from a company")
