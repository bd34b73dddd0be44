"""Writes and workflows for affiliates: invitations, memberships, API tokens, preferences,
contracts and their checklists."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled
from knox.models import AuthToken

from config.errors import DomainError
from suppliers.models import Disclosure, Supplier

from .models import (
    CPV_PATTERN,
    Affiliate,
    ChecklistItem,
    Contract,
    Invitation,
    Membership,
    User,
    token_digest,
)
from .outbox import render_plain

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
    link = settings.SITE_URL + reverse("invitation_accept", kwargs={"token": token})
    with translation.override(language):
        context = {
            "invitation": invitation,
            "affiliate": invitation.affiliate,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": link,
            "expires_at": invitation.expires_at,
        }
        subject = render_plain("affiliates/email/invitation_subject.txt", context).strip()
        text = render_plain("affiliates/email/invitation.txt", context)
        html = render_to_string("affiliates/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


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
            % {"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")}
        )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The signed-in user joins the affiliate with the invited role."""
    with transaction.atomic(), scope(affiliate=invitation.affiliate):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check_open(invitation)
        if user.email.lower() != invitation.email.lower():
            raise DomainError(
                _(
                    "This invitation was sent to %(email)s. Sign out and sign in with that "
                    "address, or ask for an invitation to your own."
                )
                % {"email": invitation.email}
            )
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
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError(_("An account with this address exists already: sign in first."))
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name.strip(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation_accept(invitation=invitation, user=user)
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


def membership_remove(*, membership: Membership, by: User) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _ensure_another_admin_remains(membership)
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


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new personal API token; the clear token is returned once, only its digest is kept."""
    if AuthToken.objects.filter(user=user).count() >= MAX_API_TOKENS:
        raise DomainError(
            _("You have %(count)s tokens already: revoke one you no longer use first.")
            % {"count": MAX_API_TOKENS}
        )
    token, clear = AuthToken.objects.create(user=user)
    audit_log.info("api token created: user=%s token=%s", user.pk, token.token_key)
    return token, clear


def api_token_revoke(*, user: User, token_key: str) -> None:
    deleted, _detail = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise DomainError(_("This token does not exist or was already revoked."))
    audit_log.info("api token revoked: user=%s token=%s", user.pk, token_key)


# --- Contracts ---------------------------------------------------------------------------

CONTRACT_FIELDS = frozenset(
    {
        "reference",
        "title",
        "contractor",
        "contractor_name",
        "product_categories",
        "cpv_codes",
        "brands",
        "product_models",
        "value",
        "currency",
        "awarded_on",
        "start_date",
        "end_date",
        "ew_conditions_version",
        "disclosure_due_date",
        "ocid",
    }
)
DISCLOSURE_DAYS = timedelta(days=30)
FINDINGS_DAYS = timedelta(days=60)
CENT = Decimal("0.01")
# Contract.value and value_eur: 14 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("1000000000000")
CPV_RE = re.compile(CPV_PATTERN)


def cpv_codes_error(bad_codes: list[str]) -> str:
    """The message for codes that are not CPV codes; shared by the form and the service."""
    return ngettext(
        "“%(codes)s” is not a CPV code: write 8 digits, optionally followed by a check digit "
        "(for example 30213100 or 30213100-6).",
        "“%(codes)s” are not CPV codes: write 8 digits, optionally followed by a check digit "
        "(for example 30213100 or 30213100-6).",
        len(bad_codes),
    ) % {"codes": "”, “".join(bad_codes)}


def contract_value_eur(value: Decimal, currency: str) -> Decimal:
    """The value in euros at the reference rate of settings.EW_EUR_RATES, to the cent."""
    rate = settings.EW_EUR_RATES.get(currency)
    if rate is None:
        raise DomainError(
            _("There is no exchange rate for the currency “%(currency)s”. Use one of: %(known)s.")
            % {"currency": currency, "known": ", ".join(sorted(settings.EW_EUR_RATES))},
            field="currency",
        )
    return (Decimal(value) / Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _checklist_due_dates(contract: Contract) -> dict[str, date]:
    """Default due dates of the outcomes that have one; the others are due with no date."""
    Outcome = ChecklistItem.Outcome
    return {
        Outcome.SITES_DISCLOSED: contract.disclosure_due_date,
        Outcome.COMPONENT_SITES: contract.disclosure_due_date,
        Outcome.FINDINGS_SHARED: contract.awarded_on + FINDINGS_DAYS,
    }


def _clean_cpv_codes(codes) -> list[str]:
    cleaned = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in cleaned:
            cleaned.append(code)
    bad = [code for code in cleaned if not CPV_RE.match(code)]
    if bad:
        raise DomainError(cpv_codes_error(bad), field="cpv_codes")
    return cleaned


def _clean_categories(categories) -> list[str]:
    chosen = set(categories or [])
    unknown = sorted(chosen - set(Contract.Category.values))
    if unknown:
        raise DomainError(
            _("“%(category)s” is not a product category.") % {"category": unknown[0]},
            field="product_categories",
        )
    return [value for value in Contract.Category.values if value in chosen]


def _contractor_named(name: str) -> Supplier:
    """The contractor with this name (any case), created when there is none yet."""
    name = " ".join(name.split())
    if len(name) > Supplier._meta.get_field("name").max_length:
        raise DomainError(
            _("The contractor's name is too long (255 characters at most)."),
            field="contractor_name",
        )
    supplier = Supplier.objects.filter(name__iexact=name).order_by("-is_contractor", "pk").first()
    if supplier is None:
        supplier = Supplier.objects.create(name=name, is_contractor=True)
        audit_log.info("contractor created: supplier=%s", supplier.pk)
    elif not supplier.is_contractor:
        supplier.is_contractor = True
        supplier.save(update_fields=["is_contractor", "updated_at"])
    return supplier


def _apply_contract_fields(contract: Contract, fields: dict) -> None:
    """Validate the given fields and set them on the (new or locked) contract; no write."""
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise TypeError(f"Unknown contract fields: {', '.join(sorted(unknown))}")
    fields = dict(fields)
    contractor_name = (fields.pop("contractor_name", None) or "").strip()
    contractor = fields.pop("contractor", None)
    if contractor is not None and contractor_name:
        raise DomainError(
            _("Choose a contractor from the list or type the name of a new one, not both."),
            field="contractor_name",
        )
    old_due_default = (
        contract.awarded_on + DISCLOSURE_DAYS if contract.awarded_on is not None else None
    )
    due_given = "disclosure_due_date" in fields
    due_date = fields.pop("disclosure_due_date", None)
    for name in ("reference", "title", "brands", "product_models", "ocid"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "currency" in fields:
        fields["currency"] = (fields["currency"] or "").strip().upper()
    if "cpv_codes" in fields:
        fields["cpv_codes"] = _clean_cpv_codes(fields["cpv_codes"])
    if "product_categories" in fields:
        fields["product_categories"] = _clean_categories(fields["product_categories"])
    if "ew_conditions_version" in fields:
        fields["ew_conditions_version"] = fields["ew_conditions_version"] or ""
        if fields["ew_conditions_version"] not in Contract.ConditionsVersion.values:
            raise DomainError(
                _("“%(version)s” is not a version of the Electronics Watch contract conditions.")
                % {"version": fields["ew_conditions_version"]},
                field="ew_conditions_version",
            )
    for name, value in fields.items():
        setattr(contract, name, value)
    if contractor is not None:
        contract.contractor = contractor

    for name in ("reference", "title", "value", "awarded_on", "start_date", "end_date"):
        if getattr(contract, name) in (None, ""):
            raise DomainError(
                _("%(field)s: this field is required.")
                % {"field": str(Contract._meta.get_field(name).verbose_name).capitalize()},
                field=name,
            )
    if contract.contractor_id is None and not contractor_name:
        raise DomainError(
            _("Choose the contractor, or type the name of a new one."), field="contractor"
        )
    try:
        contract.value = Decimal(contract.value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the value as a number."), field="value") from None
    if contract.value < 0 or contract.value >= AMOUNT_LIMIT:
        raise DomainError(_("The value must be between 0 and 999,999,999,999.99."), field="value")
    contract.value_eur = contract_value_eur(contract.value, contract.currency)
    if contract.value_eur >= AMOUNT_LIMIT:
        raise DomainError(_("This value is too large once converted to euros."), field="value")
    if contract.end_date < contract.start_date:
        raise DomainError(
            _("The contract cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": contract.end_date.isoformat(), "start": contract.start_date.isoformat()},
            field="end_date",
        )
    if due_date is not None:
        contract.disclosure_due_date = due_date
    elif due_given or contract.disclosure_due_date in (None, old_due_default):
        # Not given, or given empty, or still the default of the old award date: the default.
        contract.disclosure_due_date = contract.awarded_on + DISCLOSURE_DAYS
    duplicate = Contract.objects.filter(reference=contract.reference).exclude(pk=contract.pk)
    if duplicate.exists():
        raise DomainError(_duplicate_reference(contract.reference), field="reference")
    if contractor_name:
        contract.contractor = _contractor_named(contractor_name)


def _duplicate_reference(reference: str) -> str:
    return _("A contract with reference “%(reference)s” exists already.") % {"reference": reference}


def _save_contract(contract: Contract) -> None:
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:
        # Another request took the reference between our check and our write.
        if "contract_unique_reference" in str(error):
            raise DomainError(_duplicate_reference(contract.reference), field="reference") from None
        raise


def _sync_checklist(contract: Contract, old_due_dates: dict[str, date]) -> None:
    """With conditions included, one row per outcome; open rows follow changed default dates."""
    if not contract.ew_conditions_included:
        return
    due_dates = _checklist_due_dates(contract)
    existing = {item.outcome: item for item in ChecklistItem.objects.filter(contract=contract)}
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                affiliate_id=contract.affiliate_id,
                contract=contract,
                outcome=outcome,
                due_date=due_dates.get(outcome),
            )
            for outcome in ChecklistItem.Outcome.values
            if outcome not in existing
        ]
    )
    for outcome, item in existing.items():
        if (
            item.status == ChecklistItem.Status.OPEN
            and outcome in due_dates
            and item.due_date == old_due_dates.get(outcome)
            and item.due_date != due_dates[outcome]
        ):
            item.due_date = due_dates[outcome]
            item.save(update_fields=["due_date", "updated_at"])


def _sync_disclosure(contract: Contract) -> None:
    """The contract's disclosure request, due with the contract while the contractor owes it."""
    disclosure = Disclosure.objects.select_for_update().filter(contract=contract).first()
    if disclosure is None:
        Disclosure.objects.create(
            affiliate_id=contract.affiliate_id,
            contract=contract,
            status=Disclosure.Status.REQUESTED,
            due_date=contract.disclosure_due_date,
        )
    elif (
        disclosure.status in {Disclosure.Status.REQUESTED, Disclosure.Status.RETURNED}
        and disclosure.due_date != contract.disclosure_due_date
    ):
        disclosure.due_date = contract.disclosure_due_date
        disclosure.save(update_fields=["due_date"])


def contract_create(*, affiliate: Affiliate, by: User, **fields) -> Contract:
    """Record a contract; with EW conditions its checklist; always its disclosure request.

    `fields` are Contract fields plus `contractor_name`: a new contractor's name, used when no
    `contractor` is given (an existing supplier of that name is reused).
    """
    with transaction.atomic(), scope(affiliate=affiliate):
        contract = Contract(affiliate=affiliate)
        fields.setdefault("currency", "EUR")
        _apply_contract_fields(contract, fields)
        _save_contract(contract)
        _sync_checklist(contract, {})
        _sync_disclosure(contract)
    audit_log.info(
        "contract created: affiliate=%s contract=%s by=%s", affiliate.slug, contract.pk, by.pk
    )
    return contract


def contract_update(*, contract: Contract, by: User, **fields) -> Contract:
    """Change some fields of a contract; its checklist and open disclosure follow the dates."""
    with transaction.atomic(), scope(affiliate=contract.affiliate_id):
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        old_due_dates = _checklist_due_dates(contract)
        _apply_contract_fields(contract, fields)
        _save_contract(contract)
        _sync_checklist(contract, old_due_dates)
        _sync_disclosure(contract)
    audit_log.info("contract updated: contract=%s by=%s", contract.pk, by.pk)
    return contract


def checklist_item_update(
    *, item: ChecklistItem, status: str, due_date: date | None, evidence: str, by: User
) -> ChecklistItem:
    """Record how far the contractor got with one outcome; achieving one needs evidence."""
    if status not in ChecklistItem.Status.values:
        raise DomainError(_("Choose a status from the list."), field="status")
    evidence = (evidence or "").strip()
    if status in {ChecklistItem.Status.ACHIEVED, ChecklistItem.Status.FORMAL_REQUEST} and (
        not evidence
    ):
        raise DomainError(
            _("Describe the evidence: it is required when the status is “%(status)s”.")
            % {"status": ChecklistItem.Status(status).label},
            field="evidence",
        )
    with transaction.atomic(), scope(affiliate=item.affiliate_id):
        item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        item.status = status
        item.due_date = due_date
        item.evidence = evidence
        item.updated_by = by
        item.save(update_fields=["status", "due_date", "evidence", "updated_by", "updated_at"])
    audit_log.info("checklist item updated: item=%s status=%s by=%s", item.pk, status, by.pk)
    return item
