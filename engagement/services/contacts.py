"""Company contacts: staff invite people to act for a company in the portal (`/company/`);
the invitee accepts through a link, signed in or creating an account there.

A person belongs to one company at most, and a company contact is neither EW staff, a
monitoring partner's member nor an affiliate's member (each of those reads other rows, and
the reader of a request has one kind). Contacts must enrol in two-factor authentication
like partners (`User.must_enrol_in_mfa`, enforced by `affiliates.middleware`).
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from affiliates.models import Membership, User, token_digest
from affiliates.services import invitation_accept_with_new_account, invitation_check_addressee
from core.email import send_now
from core.errors import DomainError

from ..models import CompanyContact, CompanyInvitation

audit_log = logging.getLogger("ew.audit")


def _require_staff(user) -> None:
    if not (user.is_authenticated and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))


def _refusal(user: User, company) -> str | None:
    """Why this account cannot become a contact of `company`, or None."""
    if user.is_ew_staff:
        return _("%(email)s belongs to a member of Electronics Watch staff.")
    if user.is_partner_member:
        return _("%(email)s belongs to a member of a monitoring partner.")
    with scopes_disabled():
        if Membership.objects.filter(user=user).exists():
            return _("%(email)s belongs to a member of an affiliate.")
    contact = CompanyContact.objects.filter(user=user).select_related("company").first()
    if contact is not None and contact.company_id == company.pk:
        return _("%(email)s is already a contact of this company.")
    if contact is not None:
        return _("%(email)s is a contact of another company; a person acts for one company only.")
    return None


def _check_can_become_contact(email: str, company) -> None:
    user = User.objects.filter(email__iexact=email).first()
    reason = _refusal(user, company) if user is not None else None
    if reason:
        raise DomainError(reason % {"email": email}, field="email")


def contact_invite(
    *, company, email: str, full_name: str = "", language: str, by
) -> CompanyInvitation:
    """Invite someone by e-mail to act for the company; the link leaves after commit, in the
    invitee's language. Inviting an address again replaces its open invitation (the old
    link stops working)."""
    _require_staff(by)
    email = (email or "").strip().lower()
    if not email:
        raise DomainError(_("Enter the e-mail address to invite."), field="email")
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose the language of the invitation."), field="language")
    _check_can_become_contact(email, company)
    other = (
        CompanyInvitation.objects.pending()
        .filter(email__iexact=email)
        .exclude(company=company)
        .select_related("company")
        .first()
    )
    if other is not None:
        raise DomainError(
            _(
                "%(email)s has an open invitation from another company (%(company)s): "
                "withdraw it first, a person acts for one company only."
            )
            % {"email": email, "company": other.company.name},
            field="email",
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        CompanyInvitation.objects.filter(
            company=company, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = CompanyInvitation.objects.create(
            company=company,
            email=email,
            full_name=(full_name or "").strip(),
            language=language,
            invited_by=by,
            token_digest=token_digest(token),
            expires_at=now + CompanyInvitation.VALIDITY,
        )
        transaction.on_commit(lambda: _send_invitation(invitation, token))
    audit_log.info(
        "company invitation sent: company=%s invitation=%s by=%s", company.pk, invitation.pk, by.pk
    )
    return invitation


def _send_invitation(invitation: CompanyInvitation, token: str) -> None:
    """Sent at once, not through the outbox: the link's token must never rest in a table or
    the broker (as for affiliates' invitations)."""
    link = settings.SITE_URL + reverse(
        "engagement:company_invitation_accept", kwargs={"token": token}
    )
    send_now(
        to=invitation.email,
        template_prefix="engagement/email/company_invitation",
        context={
            "invitation": invitation,
            "company": invitation.company,
            "full_name": invitation.full_name,
            "link": link,
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
    )


def invitation_from_token(token: str) -> CompanyInvitation | None:
    """The invitation a link's token belongs to, open or not; None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return (
        CompanyInvitation.objects.select_related("company")
        .filter(token_digest=token_digest(token))
        .first()
    )


def invitation_check_open(invitation: CompanyInvitation | None) -> None:
    if invitation is None:
        raise DomainError(_("This invitation link is not valid. Ask for a new invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used. Sign in to continue."))
    if invitation.revoked_at is not None:
        raise DomainError(
            _("This invitation was withdrawn. Ask Electronics Watch for a new invitation.")
        )
    if invitation.expires_at <= timezone.now():
        raise DomainError(
            _("This invitation expired on %(date)s. Ask Electronics Watch for a new one.")
            % {
                "date": formats.date_format(
                    timezone.localtime(invitation.expires_at), "DATE_FORMAT"
                )
            }
        )


def invitation_accept(*, invitation: CompanyInvitation, user: User) -> CompanyContact:
    """The signed-in user, invited at this address, becomes a contact of the company."""
    with transaction.atomic():
        invitation = (
            CompanyInvitation.objects.select_for_update()
            .select_related("company")
            .get(pk=invitation.pk)
        )
        invitation_check_open(invitation)
        invitation_check_addressee(invitation, user)
        reason = _refusal(user, invitation.company)
        if reason:
            raise DomainError(
                reason % {"email": user.email}
                + " "
                + _("Ask Electronics Watch to invite another address.")
            )
        contact = CompanyContact.objects.create(
            company=invitation.company, user=user, invited_by=invitation.invited_by
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log.info(
        "company invitation accepted: company=%s invitation=%s user=%s",
        invitation.company_id,
        invitation.pk,
        user.pk,
    )
    return contact


def invitation_accept_as_new_user(
    *, invitation: CompanyInvitation, full_name: str, password: str
) -> User:
    """Create the invitee's account and make it a contact. The link proves the address."""
    invitation_check_open(invitation)
    return invitation_accept_with_new_account(
        invitation=invitation,
        accept=invitation_accept,
        full_name=full_name or invitation.full_name,
        password=password,
        language=invitation.language,
    )


def invitation_withdraw(*, invitation: CompanyInvitation, by) -> None:
    _require_staff(by)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log.info("company invitation withdrawn: invitation=%s by=%s", invitation.pk, by.pk)


def contact_remove(*, contact: CompanyContact, by) -> None:
    """The person no longer acts for the company: the portal closes to them at once (the
    reader is resolved on every request) and their API tokens are revoked (`signals`).
    The account stays, with no role."""
    _require_staff(by)
    contact.delete()
    audit_log.info(
        "company contact removed: company=%s user=%s by=%s",
        contact.company_id,
        contact.user_id,
        by.pk,
    )
