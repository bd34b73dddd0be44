"""The rules every remediation workflow checks: the allowed transitions of cases and plan
actions (one place for each), who may act, and the case row a workflow locks."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.errors import DomainError

from .models import (
    ActionStatus,
    Audience,
    CaseStatus,
    CaseUpdate,
    RemediationCase,
)

CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPENED: {CaseStatus.PLAN_AGREED, CaseStatus.ESCALATED, CaseStatus.STALLED},
    CaseStatus.PLAN_AGREED: {CaseStatus.IN_PROGRESS, CaseStatus.ESCALATED, CaseStatus.STALLED},
    CaseStatus.IN_PROGRESS: {CaseStatus.REMEDIATED, CaseStatus.ESCALATED, CaseStatus.STALLED},
    CaseStatus.REMEDIATED: {CaseStatus.CLOSED, CaseStatus.IN_PROGRESS},
    CaseStatus.ESCALATED: {
        CaseStatus.PLAN_AGREED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.STALLED,
        CaseStatus.CLOSED,
    },
    CaseStatus.STALLED: {
        CaseStatus.PLAN_AGREED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.ESCALATED,
        CaseStatus.CLOSED,
    },
    CaseStatus.CLOSED: set(),
}

ACTION_TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.PLANNED: {ActionStatus.DONE_CLAIMED},
    ActionStatus.REJECTED: {ActionStatus.DONE_CLAIMED},
    ActionStatus.DONE_CLAIMED: {ActionStatus.VERIFIED, ActionStatus.REJECTED},
    ActionStatus.VERIFIED: set(),
}


@dataclass(frozen=True)
class CompanyRole:
    supplier: object
    role: str


# --- Checks -------------------------------------------------------------------------------


def require_staff(user) -> None:
    if not (user.is_authenticated and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))


def is_lead_partner_member(case: RemediationCase, user) -> bool:
    membership = getattr(user, "partner_membership", None)
    return membership is not None and membership.partner_id == case.lead_partner_id


def require_active(case: RemediationCase) -> None:
    if not case.is_active and case.status != CaseStatus.REMEDIATED:
        raise DomainError(_("This case is closed: nothing can be changed any more."))


def locked_case(case: RemediationCase) -> RemediationCase:
    return RemediationCase.objects.select_for_update().get(pk=case.pk)


def timeline_note(
    case: RemediationCase, by, text: str, audience: str = Audience.AFFILIATES
) -> CaseUpdate:
    return CaseUpdate.objects.create(case=case, audience=audience, text=text, author=by)
