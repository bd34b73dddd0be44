"""Writes and workflows for affiliates: invitations, memberships, API tokens, preferences,
contracts and their checklists."""

from __future__ import annotations

import logging
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from core.email import send_now
from core.errors import DomainError

from .models import (
    Affiliate,
    ApiToken,
    Invitation,
    Membership,
    User,
    token_digest,
)

audit_log = logging.getLogger("ew.audit")
MAX_API_TOKENS = 10


# --- Invitations -------------------------------------------------------------------------


def invitation_create(
    *, affiliate: Affiliate, email: str, role: str, invited_by: User
) -> Invitation:
    """Invite someone by e-mail to join the affiliate with a role; sends the link after commit.

    Inviting an address that already has an open invitation replaces it (a new link is sent
    and the old one stops working).
    """
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a role from the list."), field="role")
    with scopes_disabled():
        if Membership.objects.filter(affiliate=affiliate, user__email__iexact=email).exists():
            raise DomainError(
                _("%(email)s is already a member of %(affiliate)s.")
                % {"email": email, "affiliate": affiliate.name},
                field="email",
            )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic(), scope(affiliate=affiliate):
        Invitation.objects.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            affiliate=affiliate,
            email=email,
            role=role,
            invited_by=invited_by,
            token_digest=token_digest(token),
            expires_at=now + Invitation.VALIDITY,
        )
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: _send_invitation_email(invitation, token, language))
    audit_log.info(
        "invitation sent: affiliate=%s invitation=%s by=%s",
        affiliate.slug,
        invitation.pk,
        invited_by.pk,
    )
    return invitation


def _send_invitation_email(invitation: Invitation, token: str, language: str) -> None:
    """Sent directly, not through Celery: the link's token must never rest in the broker."""
    link = settings.SITE_URL + reverse("affiliates:invitation_accept", kwargs={"token": token})
    with translation.override(language):
        context = {
            "invitation": invitation,
            "affiliate": invitation.affiliate,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": link,
            "expires_at": invitation.expires_at,
        }
    send_now(
        to=invitation.email,
        template_prefix="affiliates/email/invitation",
        context=context,
        language=language,
    )


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, open or not; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    with scopes_disabled():
        return (
            Invitation.objects.select_related("affiliate", "invited_by")
            .filter(token_digest=token_digest(token))
            .first()
        )


def invitation_check_open(invitation: Invitation | None) -> None:
    if invitation is None:
        raise DomainError(_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used. Sign in to continue."))
    if invitation.revoked_at is not None:
        raise DomainError(_("This invitation was withdrawn. Ask for a new invitation."))
    if invitation.is_expired:
        raise DomainError(
            _("This invitation expired on %(date)s. Ask the affiliate's admin for a new one.")
            % {
                "date": formats.date_format(
                    timezone.localtime(invitation.expires_at), "DATE_FORMAT"
                )
            }
        )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The signed-in user joins the affiliate with the invited role."""
    with transaction.atomic(), scope(affiliate=invitation.affiliate):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check_open(invitation)
        invitation_check_addressee(invitation, user)
        membership, _created = Membership.objects.get_or_create(
            affiliate=invitation.affiliate, user=user, defaults={"role": invitation.role}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log.info(
        "invitation accepted: affiliate=%s invitation=%s user=%s",
        invitation.affiliate.slug,
        invitation.pk,
        user.pk,
    )
    return membership


def invitation_accept_as_new_user(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the invitee's account and membership. The link proves the address is theirs."""
    invitation_check_open(invitation)
    return invitation_accept_with_new_account(
        invitation=invitation,
        accept=invitation_accept,
        full_name=full_name,
        password=password,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


# Shared with other kinds of invitation (a company's, in `engagement`): an invitation has an
# `email`, is accepted by a signed-in user with that address, or creates that user's account.


def invitation_check_addressee(invitation, user: User) -> None:
    """Only the invited address may accept: the link was sent there."""
    if user.email.lower() != invitation.email.lower():
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Sign out and sign in with that "
                "address, or ask for an invitation to your own."
            )
            % {"email": invitation.email}
        )


def invitation_accept_with_new_account(
    *, invitation, accept, full_name: str, password: str, language: str
) -> User:
    """Create the invitee's account, its address verified (the link proves it is theirs), and
    accept the invitation with it through `accept(invitation=, user=)`, all or nothing."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(_("An account with this address exists already: sign in first."))
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            language=language,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        accept(invitation=invitation, user=user)
    return user


def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log.info("invitation revoked: invitation=%s by=%s", invitation.pk, by.pk)


# --- Memberships -------------------------------------------------------------------------


def _ensure_another_admin_remains(membership: Membership) -> None:
    others = (
        Membership.objects.filter(affiliate=membership.affiliate, role=Membership.Role.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )
    if membership.role == Membership.Role.ADMIN and not others:
        raise DomainError(
            _("%(affiliate)s needs at least one admin: make someone else admin first.")
            % {"affiliate": membership.affiliate.name}
        )


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Membership.Role.values:
        raise DomainError(_("Choose a role from the list."), field="role")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Membership.Role.ADMIN:
            _ensure_another_admin_remains(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    audit_log.info("role changed: membership=%s role=%s by=%s", membership.pk, role, by.pk)
    return membership


def membership_check_removable(*, membership: Membership, by: User) -> None:
    """Nobody removes their own membership (another admin does, so an affiliate is never left
    without anyone who can manage it), and never the last admin."""
    if membership.user_id == by.pk:
        raise DomainError(
            _("You cannot remove yourself from %(affiliate)s: ask another admin.")
            % {"affiliate": membership.affiliate.name}
        )
    _ensure_another_admin_remains(membership)


def membership_remove(*, membership: Membership, by: User) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        membership_check_removable(membership=membership, by=by)
        membership.delete()
    audit_log.info("member removed: membership=%s by=%s", membership.pk, by.pk)


# --- Account -----------------------------------------------------------------------------


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("This language is not available."), field="language")
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_update_profile(
    *, user: User, full_name: str, language: str, mute_case_digests: bool | None = None
) -> None:
    user_set_language(user=user, language=language)
    user.full_name = full_name.strip()
    if mute_case_digests is not None:
        user.mute_case_digests = mute_case_digests
    user.save(update_fields=["full_name", "mute_case_digests"])


def api_token_create(
    *, user: User, name: str, scope: str = ApiToken.Scope.READ
) -> tuple[ApiToken, str]:
    """A new personal API token; the clear token is returned once, only its digest is kept."""
    name = name.strip()
    if not name:
        raise DomainError(
            _("Give the token a name, such as the script that will use it."), field="name"
        )
    if scope not in ApiToken.Scope.values:
        raise DomainError(_("Choose what the token may do from the list."), field="scope")
    if ApiToken.objects.filter(user=user).count() >= MAX_API_TOKENS:
        raise DomainError(
            _("You have %(count)s tokens already: revoke one you no longer use first.")
            % {"count": MAX_API_TOKENS}
        )
    token, clear = ApiToken.objects.create(user=user, name=name[:80], scope=scope)
    audit_log.info("api token created: user=%s token=%s scope=%s", user.pk, token.token_key, scope)
    return token, clear


def api_token_revoke(*, user: User, token_key: str) -> None:
    deleted, _detail = ApiToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise DomainError(_("This token does not exist or was already revoked."))
    audit_log.info("api token revoked: user=%s token=%s", user.pk, token_key)
