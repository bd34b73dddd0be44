"""RBA referrals: a case at an RBA member referred to the Responsible Business Alliance, the
RBA's response and the outcome. The transitions are listed once (`TRANSITIONS`); each goes
through a service here, and a broken rule raises `DomainError`."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from remediation.models import CaseStatus, RemediationCase
from suppliers.models import RbaMembership, Supplier

from ..models import RbaReferral

Status = RbaReferral.Status

TRANSITIONS = {
    Status.OPEN: {Status.RESPONDED, Status.CLOSED},
    Status.RESPONDED: {Status.CLOSED},
    Status.CLOSED: set(),
}


def _require_staff(by) -> None:
    if not getattr(by, "is_ew_staff", False):
        raise DomainError(_("Only Electronics Watch staff refer cases to the RBA."))


def rba_members_of(case: RemediationCase) -> list[Supplier]:
    """The RBA members the case concerns: the factory's owner and the companies the case
    holds responsible, each once, by name."""
    ids = set(case.companies.values_list("supplier_id", flat=True))
    if case.factory.owner_id:
        ids.add(case.factory.owner_id)
    return list(
        Supplier.objects.filter(pk__in=ids)
        .exclude(rba_membership=RbaMembership.NONE)
        .order_by("name")
    )


def default_response_due(referred_on: date) -> date:
    return referred_on + timedelta(days=settings.EW_RBA_RESPONSE_DAYS)


def _check_dates(referred_on: date, response_due: date) -> None:
    if referred_on > timezone.localdate():
        raise DomainError(_("The referral date cannot be in the future."), field="referred_on")
    if response_due < referred_on:
        raise DomainError(
            _("The response cannot be due before the case was referred."), field="response_due"
        )


def _check_materials(materials) -> list[str]:
    unknown = set(materials) - set(RbaReferral.Material.values)
    if unknown:
        raise DomainError(_("Choose the kinds of material from the list."), field="materials")
    return [code for code in RbaReferral.Material.values if code in set(materials)]


def referral_create(
    *,
    case: RemediationCase,
    shared_text: str,
    materials=(),
    referred_on: date | None = None,
    response_due: date | None = None,
    by,
) -> RbaReferral:
    """Refer a case to the RBA. The case must concern an RBA member (the factory's owner or
    a responsible company), must not be closed, and must have no referral still open."""
    _require_staff(by)
    referred_on = referred_on or timezone.localdate()
    response_due = response_due or default_response_due(referred_on)
    if not shared_text.strip():
        raise DomainError(_("Say what was shared with the RBA."), field="shared_text")
    materials = _check_materials(materials)
    _check_dates(referred_on, response_due)
    with transaction.atomic():
        case = RemediationCase.objects.select_for_update().select_related("factory").get(pk=case.pk)
        if case.status == CaseStatus.CLOSED:
            raise DomainError(_("A closed case cannot be referred to the RBA."))
        if not rba_members_of(case):
            raise DomainError(
                _(
                    "Only a case at an RBA member can be referred to the RBA: neither the "
                    "factory's owner nor any company the case holds responsible is a member "
                    "of the Responsible Business Alliance."
                )
            )
        if case.rba_referrals.unclosed().exists():
            raise DomainError(
                _("This case was referred to the RBA already; close that referral first.")
            )
        try:
            with transaction.atomic():
                return RbaReferral.objects.create(
                    case=case,
                    referred_on=referred_on,
                    referred_by=by,
                    shared_text=shared_text.strip(),
                    materials=materials,
                    response_due=response_due,
                )
        except IntegrityError as error:  # a referral made at the same moment
            raise DomainError(
                _("This case was referred to the RBA already; close that referral first.")
            ) from error


def _locked(referral: RbaReferral) -> RbaReferral:
    return RbaReferral.objects.select_for_update().get(pk=referral.pk)


def referral_update(
    *,
    referral: RbaReferral,
    shared_text: str,
    materials,
    referred_on: date,
    response_due: date,
    by,
) -> RbaReferral:
    """Correct what was shared and the dates while the referral is not closed. A new due
    date starts its reminders afresh (the ledger keys them by date)."""
    _require_staff(by)
    if not shared_text.strip():
        raise DomainError(_("Say what was shared with the RBA."), field="shared_text")
    materials = _check_materials(materials)
    _check_dates(referred_on, response_due)
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status == Status.CLOSED:
            raise DomainError(_("A closed referral cannot be changed."))
        referral.shared_text = shared_text.strip()
        referral.materials = materials
        referral.referred_on = referred_on
        referral.response_due = response_due
        referral.save()
    return referral


def referral_record_response(
    *,
    referral: RbaReferral,
    response: str,
    responded_on: date,
    outcome: str = "",
    by,
) -> RbaReferral:
    """The RBA's response: its text and date, and the outcome when it is known. Recording
    it ends the reminders."""
    _require_staff(by)
    if not response.strip():
        raise DomainError(_("Write what the RBA answered."), field="response")
    if outcome and outcome not in RbaReferral.Outcome.values:
        raise DomainError(_("Choose an outcome from the list."), field="outcome")
    with transaction.atomic():
        referral = _locked(referral)
        if referral.status == Status.CLOSED:
            raise DomainError(_("A closed referral cannot be changed."))
        if responded_on > timezone.localdate():
            raise DomainError(_("The response date cannot be in the future."), field="responded_on")
        if responded_on < referral.referred_on:
            raise DomainError(
                _("The response cannot come before the referral."), field="responded_on"
            )
        referral.response = response.strip()
        referral.responded_on = responded_on
        referral.outcome = outcome
        referral.status = Status.RESPONDED
        referral.save()
    return referral


def referral_close(*, referral: RbaReferral, outcome: str, by) -> RbaReferral:
    """Close a referral with its outcome; an open one without a response is closed as "no
    response" or any other outcome staff choose."""
    _require_staff(by)
    if outcome not in RbaReferral.Outcome.values:
        raise DomainError(_("Choose the outcome the referral closes with."), field="outcome")
    with transaction.atomic():
        referral = _locked(referral)
        if Status.CLOSED not in TRANSITIONS[Status(referral.status)]:
            raise DomainError(_("This referral is closed already."))
        referral.outcome = outcome
        referral.status = Status.CLOSED
        referral.closed_on = timezone.localdate()
        referral.save()
    return referral
