"""API tokens: authentication with the pages' MFA rule and the token's scope, and revocation
whenever what a token stands for changes (password, staff flag, role, membership, MFA).

Revocation hangs on model signals, not on the services, so that a change made in the admin
site or a shell revokes too. Partner memberships live in `monitoring`, which calls
`revoke_tokens` from its own receivers.
"""

import logging
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from .models import ApiToken, Membership, User

audit_log = logging.getLogger("ew.audit")

# Writing the last use on every request would cost a write per call; once a minute is enough
# for the account page's "last used".
LAST_USE_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check, then the rules a page would apply to the same user."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user.lacks_required_mfa():
            raise exceptions.AuthenticationFailed(
                _(
                    "Your role requires two-factor authentication: set it up on the website, "
                    "then create a new token."
                )
            )
        if token.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            raise exceptions.PermissionDenied(
                _("This token may only read. Create a token that may read and write.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token header."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <token>`, created on the account page. A read-only token may only use "
                "GET, HEAD and OPTIONS."
            ),
        }


def revoke_tokens(user_id: int, *, reason: str) -> int:
    """Delete every token of the user; returns how many there were."""
    deleted, _detail = ApiToken.objects.filter(user_id=user_id).delete()
    if deleted:
        audit_log.info("api tokens revoked: user=%s count=%s reason=%s", user_id, deleted, reason)
    return deleted


@receiver(pre_save, sender=User)
def _revoke_on_account_change(sender, instance: User, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = User.objects.filter(pk=instance.pk).values("password", "is_ew_staff").first()
    if before is None:
        return
    if before["password"] != instance.password:
        revoke_tokens(instance.pk, reason="password changed")
    elif before["is_ew_staff"] != instance.is_ew_staff:
        revoke_tokens(instance.pk, reason="staff role changed")


@receiver(pre_save, sender=Membership)
def _revoke_on_role_change(sender, instance: Membership, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = Membership._base_manager.filter(pk=instance.pk).values_list("role", flat=True)
    if before and before[0] != instance.role:
        revoke_tokens(instance.user_id, reason="role changed")


@receiver(post_delete, sender=Membership)
def _revoke_on_membership_removed(sender, instance: Membership, **kwargs):
    revoke_tokens(instance.user_id, reason="removed from an affiliate")


@receiver(post_delete, sender=Authenticator)
def _revoke_on_mfa_removed(sender, instance: Authenticator, **kwargs):
    """Deactivating TOTP on the account page or in the admin site: the tokens go too."""
    if instance.type != Authenticator.Type.RECOVERY_CODES:
        revoke_tokens(instance.user_id, reason="two-factor authentication removed")
