"""Remediation workflows: EW staff open and run cases, partners verify, affiliates join.

Case states (DESIGN.md §5), with escalated and stalled as side states:

    opened ─► plan_agreed ─► in_progress ─► remediated ─► closed
       └──────────┴──────────────┴──► escalated / stalled ──► back, or closed

Every change goes through a function here, inside a transaction, and leaves an entry on the
case's timeline. E-mails go through the outbox, so they leave after commit and never twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from affiliates.reader import Reader
from core.errors import DomainError
from core.uploads import CleanFile

from .models import (
    ActionStatus,
    Audience,
    CaseStatus,
    CaseUpdate,
    Compensation,
    Engagement,
    Escalation,
    Participation,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
    UpdateAttachment,
)
from .reminders import reminders_sweep  # noqa: F401 (the daily sweep, in its own module)

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


def _require_staff(user) -> None:
    if not (user.is_authenticated and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff can do this."))


def _is_lead_partner_member(case: RemediationCase, user) -> bool:
    membership = getattr(user, "partner_membership", None)
    return membership is not None and membership.partner_id == case.lead_partner_id


def _require_active(case: RemediationCase) -> None:
    if not case.is_active and case.status != CaseStatus.REMEDIATED:
        raise DomainError(_("This case is closed: nothing can be changed any more."))


def _locked(case: RemediationCase) -> RemediationCase:
    return RemediationCase.objects.select_for_update().get(pk=case.pk)


def _note(case: RemediationCase, by, text: str, audience: str = Audience.AFFILIATES) -> CaseUpdate:
    return CaseUpdate.objects.create(case=case, audience=audience, text=text, author=by)


# --- Cases --------------------------------------------------------------------------------


def case_open(
    *,
    factory,
    title: str,
    summary: str,
    severity: str,
    staff_lead,
    by,
    fast_track: bool = False,
    lead_partner=None,
    findings=(),
    grievances=(),
    companies: list[CompanyRole] = (),
) -> RemediationCase:
    """Open a case on a factory from its findings and/or grievances, and invite every
    affiliate whose supply chain contains the factory."""
    _require_staff(by)
    findings, grievances = list(findings), list(grievances)
    if not title.strip():
        raise DomainError(_("Give the case a title."), field="title")
    if not summary.strip():
        raise DomainError(_("Write the summary affiliates will read."), field="summary")
    if not (findings or grievances):
        raise DomainError(_("Link at least one finding or grievance at this factory."))
    if not (staff_lead.is_ew_staff and staff_lead.is_active):
        raise DomainError(
            _("The staff lead must be an active member of Electronics Watch staff."),
            field="staff_lead",
        )
    for finding in findings:
        if finding.report.factory_id != factory.pk:
            raise DomainError(_("A linked finding is at another factory."), field="findings")
    for grievance in grievances:
        if grievance.factory_id != factory.pk:
            raise DomainError(
                _("Grievance %(reference)s is not linked to this factory.")
                % {"reference": grievance.reference},
                field="grievances",
            )
    with transaction.atomic():
        case = RemediationCase.objects.create(
            factory=factory,
            title=title.strip(),
            summary=summary.strip(),
            severity=severity,
            fast_track=fast_track,
            lead_partner=lead_partner,
            staff_lead=staff_lead,
            opened_by=by,
        )
        case.findings.set(findings)
        case.grievances.set(grievances)
        ResponsibleCompany.objects.bulk_create(
            [ResponsibleCompany(case=case, supplier=c.supplier, role=c.role) for c in companies],
            ignore_conflicts=True,
        )
        _refer_grievances(case, grievances, by)
        _plan_findings(case, findings, by)
        _note(case, by, _("Case opened."))
        case_invite_affiliates(case=case, by=by)
    return case


def _refer_grievances(case: RemediationCase, grievances, by) -> None:
    from grievances.models import Status as GrievanceStatus
    from grievances.services import TRANSITIONS, grievance_refer

    for grievance in grievances:
        if GrievanceStatus.REFERRED in TRANSITIONS[grievance.status]:
            grievance_refer(grievance=grievance, referral=case.reference, by=by)
        elif grievance.status == GrievanceStatus.RECEIVED:
            raise DomainError(
                _("Acknowledge grievance %(reference)s before referring it to a case.")
                % {"reference": grievance.reference},
                field="grievances",
            )


def _plan_findings(case: RemediationCase, findings, by) -> None:
    from monitoring.models import Finding
    from monitoring.services import finding_set_status

    for finding in findings:
        if finding.status == Finding.Status.SUBSTANTIATED:
            finding_set_status(
                finding=finding,
                status=Finding.Status.REMEDIATION_PLANNED,
                by=by,
                note=case.reference,
            )


def case_update(*, case: RemediationCase, by, **fields) -> RemediationCase:
    """Change the title, summary, severity, urgency, lead partner or staff lead."""
    _require_staff(by)
    allowed = {"title", "summary", "severity", "fast_track", "lead_partner", "staff_lead"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s.") % ", ".join(unknown))
    lead = fields.get("staff_lead", case.staff_lead)
    if not (lead.is_ew_staff and lead.is_active):
        raise DomainError(
            _("The staff lead must be an active member of Electronics Watch staff."),
            field="staff_lead",
        )
    with transaction.atomic():
        case = _locked(case)
        _require_active(case)
        for name, value in fields.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case.save()
    return case


def case_set_status(
    *, case: RemediationCase, status: str, by, note: str = "", audience: str = Audience.AFFILIATES
) -> RemediationCase:
    _require_staff(by)
    with transaction.atomic():
        case = _locked(case)
        if status not in CASE_TRANSITIONS[case.status]:
            raise DomainError(
                _("A case that is “%(current)s” cannot become “%(target)s”.")
                % {"current": case.get_status_display(), "target": CaseStatus(status).label}
            )
        actions = list(case.actions.all())
        if status == CaseStatus.PLAN_AGREED and not actions:
            raise DomainError(_("Add the plan's actions before marking the plan agreed."))
        if status == CaseStatus.REMEDIATED:
            unverified = [a for a in actions if a.status != ActionStatus.VERIFIED]
            if not actions or unverified:
                raise DomainError(
                    _(
                        "A case is remediated only when every action of its plan has been "
                        "verified; %(count)s still is not."
                    )
                    % {"count": len(unverified)}
                )
        closing_unremediated = status == CaseStatus.CLOSED and case.status != CaseStatus.REMEDIATED
        if closing_unremediated and not note.strip():
            raise DomainError(_("Say why the case closes without being remediated."), field="note")
        previous = case.get_status_display()
        case.status = status
        case.status_changed_at = timezone.now()
        case.closed_on = timezone.localdate() if status == CaseStatus.CLOSED else None
        case.save(update_fields=["status", "status_changed_at", "closed_on", "updated_at"])
        text = _("Status: %(previous)s → %(current)s.") % {
            "previous": previous,
            "current": case.get_status_display(),
        }
        _note(case, by, f"{text}\n{note.strip()}".strip(), audience)
        if status == CaseStatus.REMEDIATED:
            _findings_remediated(case, by)
    return case


def _findings_remediated(case: RemediationCase, by) -> None:
    from monitoring.models import Finding
    from monitoring.services import finding_set_status

    for finding in case.findings.filter(status=Finding.Status.REMEDIATION_PLANNED):
        finding_set_status(
            finding=finding, status=Finding.Status.REMEDIATED_VERIFIED, by=by, note=case.reference
        )


def case_add_company(*, case: RemediationCase, supplier, role: str, by) -> ResponsibleCompany:
    _require_staff(by)
    _require_active(case)
    company, created = ResponsibleCompany.objects.get_or_create(
        case=case, supplier=supplier, role=role
    )
    if not created:
        raise DomainError(_("This company is already listed in this role."))
    return company


# --- Affiliates ---------------------------------------------------------------------------


def case_invite_affiliates(*, case: RemediationCase, by) -> int:
    """Invite the affiliates whose supply chain contains the factory and are not invited
    yet; their admins and officers get an e-mail. Returns how many were invited."""
    from affiliates.models import Affiliate
    from monitoring.services import affiliates_with_factory

    _require_staff(by)
    already = set(case.participations.values_list("affiliate_id", flat=True))
    affiliates = list(
        Affiliate.objects.filter(
            pk__in=set(affiliates_with_factory(case.factory_id)) - already, is_active=True
        )
    )
    Participation.objects.bulk_create(
        [Participation(case=case, affiliate=affiliate) for affiliate in affiliates],
        ignore_conflicts=True,
    )
    _notify_invited(case, affiliates)
    return len(affiliates)


def case_join(*, case: RemediationCase, affiliate, membership) -> Participation:
    """The affiliate joins the case: it sees the plan and the affiliates' timeline."""
    if not membership.can_edit:
        raise DomainError(_("Viewers cannot join a case; ask an officer or admin."))
    readable = RemediationCase.objects.visible_to(Reader.for_affiliate(affiliate))
    if not readable.filter(pk=case.pk).exists():
        raise DomainError(_("This case is not about a factory in your supply chain."))
    if not case.is_active:
        raise DomainError(_("This case is closed: it can no longer be joined."))
    with transaction.atomic():
        participation, _created = Participation.objects.select_for_update().get_or_create(
            case=case, affiliate=affiliate
        )
        if participation.has_joined:
            raise DomainError(
                _("%(affiliate)s has joined this case already.") % {"affiliate": affiliate.name}
            )
        participation.joined_on = timezone.localdate()
        participation.joined_by = membership.user
        participation.save(update_fields=["joined_on", "joined_by"])
        _note(
            case,
            membership.user,
            _("%(affiliate)s joined the case.") % {"affiliate": affiliate.name},
            Audience.PARTNERS,
        )
    return participation


def engagement_log(
    *,
    case: RemediationCase,
    affiliate,
    membership,
    kind: str,
    level: str,
    happened_on: date,
    summary: str,
    contract=None,
) -> Engagement:
    """Record what the affiliate did with its contractor about this case."""
    if not membership.can_edit:
        raise DomainError(_("Viewers cannot log engagement; ask an officer or admin."))
    if not case.participations.filter(affiliate=affiliate, joined_on__isnull=False).exists():
        raise DomainError(_("Join the case before logging your engagement."))
    if happened_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="happened_on")
    if not summary.strip():
        raise DomainError(_("Say what happened."), field="summary")
    if contract is not None and contract.affiliate_id != affiliate.pk:
        raise DomainError(_("Choose one of your own contracts."), field="contract")
    return Engagement.objects.create(
        affiliate=affiliate,
        case=case,
        contract=contract,
        kind=kind,
        level=level,
        happened_on=happened_on,
        summary=summary.strip(),
        created_by=membership.user,
    )


def contracts_for_letter(case: RemediationCase, affiliate):
    """The affiliate's contracts under which the case's factory was disclosed."""
    from suppliers.models import Contract, DisclosureLine

    lines = (
        DisclosureLine.objects.in_supply_chain()
        .filter(affiliate=affiliate, factory_id=case.factory_id)
        .values("disclosure__contract_id")
    )
    return Contract.objects.filter(pk__in=lines).select_related("contractor")


# --- The plan -----------------------------------------------------------------------------


ACTION_FIELDS = (
    "description",
    "owner_name",
    "owner_supplier",
    "contact_name",
    "contact_email",
    "contact_language",
    "due_date",
)


def action_save(
    *, case: RemediationCase, by, action: RemediationAction | None = None, **data
) -> RemediationAction:
    """Add an action to the plan, or change one that is not verified yet."""
    _require_staff(by)
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s.") % ", ".join(unknown))
    if not (data.get("description") or getattr(action, "description", "")).strip():
        raise DomainError(_("Say what is to be done."), field="description")
    if not (data.get("owner_name") or getattr(action, "owner_name", "")).strip():
        raise DomainError(_("Name who must act."), field="owner_name")
    due = data.get("due_date") or getattr(action, "due_date", None)
    if due is None:
        raise DomainError(_("Give a due date."), field="due_date")
    if action is None and due < timezone.localdate():
        raise DomainError(_("A new action cannot be due in the past."), field="due_date")
    with transaction.atomic():
        case = _locked(case)
        _require_active(case)
        if case.status == CaseStatus.REMEDIATED:
            raise DomainError(
                _("The case is remediated: reopen it (In progress) to change the plan.")
            )
        if action is None:
            action = RemediationAction(case=case)
            created = True
        else:
            action = RemediationAction.objects.select_for_update().get(pk=action.pk, case=case)
            if action.status == ActionStatus.VERIFIED:
                raise DomainError(_("A verified action cannot be changed."))
            created = False
        for name, value in data.items():
            setattr(action, name, value.strip() if isinstance(value, str) else value)
        action.save()
        if created:
            _note(
                case,
                by,
                _("Action added to the plan: %(action)s (due %(due)s).")
                % {"action": action.description[:200], "due": action.due_date.isoformat()},
            )
    return action


def _locked_action(action: RemediationAction, to: str) -> RemediationAction:
    action = (
        RemediationAction.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=action.pk)
    )
    if to not in ACTION_TRANSITIONS[action.status]:
        raise DomainError(
            _("An action that is “%(current)s” cannot become “%(target)s”.")
            % {"current": action.get_status_display(), "target": ActionStatus(to).label}
        )
    _require_active(action.case)
    return action


def action_claim_done(*, action: RemediationAction, by, evidence: str) -> RemediationAction:
    """The owner says it is done (staff record it, with what shows it); it still has to be
    verified by the partner or the workers."""
    _require_staff(by)
    if not evidence.strip():
        raise DomainError(_("Say what shows the action was done."), field="evidence")
    with transaction.atomic():
        action = _locked_action(action, ActionStatus.DONE_CLAIMED)
        action.status = ActionStatus.DONE_CLAIMED
        action.evidence = evidence.strip()
        action.claimed_on = timezone.localdate()
        action.save(update_fields=["status", "evidence", "claimed_on", "updated_at"])
        _note(
            action.case,
            by,
            _("%(owner)s reports done: %(action)s. Waiting for verification.")
            % {"owner": action.owner_name, "action": action.description[:200]},
        )
    return action


def action_verify(
    *, action: RemediationAction, by, verified_by: str, note: str = ""
) -> RemediationAction:
    """Count the action as done: the lead partner's members verify it themselves; staff
    record a verification by the partner or by the workers."""
    is_partner = _is_lead_partner_member(action.case, by)
    if not (by.is_ew_staff or is_partner):
        raise DomainError(_("Only EW staff and the case's monitoring partner can verify."))
    if is_partner:
        verified_by = RemediationAction.VerifiedBy.PARTNER
    if verified_by not in RemediationAction.VerifiedBy.values:
        raise DomainError(_("Say who verified the action."), field="verified_by")
    with transaction.atomic():
        action = _locked_action(action, ActionStatus.VERIFIED)
        action.status = ActionStatus.VERIFIED
        action.verified_on = timezone.localdate()
        action.verified_by = verified_by
        action.verification_note = note.strip()
        action.save(
            update_fields=[
                "status",
                "verified_on",
                "verified_by",
                "verification_note",
                "updated_at",
            ]
        )
        _note(
            action.case,
            by,
            _("Verified by %(who)s: %(action)s.")
            % {
                "who": action.get_verified_by_display().lower(),
                "action": action.description[:200],
            },
        )
    return action


def action_reject_claim(*, action: RemediationAction, by, reason: str) -> RemediationAction:
    """The verification found the action not done; it is open (and can be overdue) again."""
    if not (by.is_ew_staff or _is_lead_partner_member(action.case, by)):
        raise DomainError(_("Only EW staff and the case's monitoring partner can verify."))
    if not reason.strip():
        raise DomainError(_("Say why the claim is rejected."), field="reason")
    with transaction.atomic():
        action = _locked_action(action, ActionStatus.REJECTED)
        action.status = ActionStatus.REJECTED
        action.rejection_reason = reason.strip()
        action.save(update_fields=["status", "rejection_reason", "updated_at"])
        _note(
            action.case,
            by,
            _("Claim rejected: %(action)s. %(reason)s")
            % {"action": action.description[:200], "reason": action.rejection_reason},
        )
    return action


# --- Timeline, escalations, compensation --------------------------------------------------


def update_post(
    *, case: RemediationCase, by, audience: str, text: str, files: list[CleanFile] = ()
) -> CaseUpdate:
    """A timeline entry. Partners write for partners or affiliates, never internal notes."""
    is_partner = _is_lead_partner_member(case, by)
    if not (by.is_ew_staff or is_partner):
        raise DomainError(_("Only EW staff and the case's monitoring partner can post updates."))
    if audience not in Audience.values:
        raise DomainError(_("Choose who can read the update."), field="audience")
    if is_partner and not by.is_ew_staff and audience == Audience.INTERNAL:
        raise DomainError(_("Internal notes are for Electronics Watch staff."), field="audience")
    if not text.strip():
        raise DomainError(_("Write the update."), field="text")
    with transaction.atomic():
        update = CaseUpdate.objects.create(
            case=case, audience=audience, text=text.strip(), author=by
        )
        for clean in files:
            attachment = UpdateAttachment(
                update=update, content_type=clean.content_type, size=clean.size
            )
            attachment.file.save(f"x.{clean.extension}", ContentFile(clean.content), save=False)
            attachment.save()
    return update


def escalation_add(
    *, case: RemediationCase, by, body: str, escalated_on: date, body_detail: str = ""
) -> Escalation:
    """Record an escalation; the case becomes escalated where its state allows."""
    _require_staff(by)
    if escalated_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="escalated_on")
    with transaction.atomic():
        case = _locked(case)
        _require_active(case)
        escalation = Escalation.objects.create(
            case=case,
            body=body,
            body_detail=body_detail.strip(),
            escalated_on=escalated_on,
            created_by=by,
        )
        if CaseStatus.ESCALATED in CASE_TRANSITIONS[case.status]:
            case.status = CaseStatus.ESCALATED
            case.status_changed_at = timezone.now()
            case.save(update_fields=["status", "status_changed_at", "updated_at"])
        _note(
            case,
            by,
            _("Escalated to %(body)s.") % {"body": escalation.get_body_display()},
        )
    return escalation


def escalation_record_outcome(
    *, escalation: Escalation, by, outcome: str, outcome_on: date
) -> Escalation:
    _require_staff(by)
    if not outcome.strip():
        raise DomainError(_("Describe the outcome."), field="outcome")
    if outcome_on < escalation.escalated_on or outcome_on > timezone.localdate():
        raise DomainError(
            _("The outcome date must lie between the escalation and today."), field="outcome_on"
        )
    escalation.outcome = outcome.strip()
    escalation.outcome_on = outcome_on
    escalation.save(update_fields=["outcome", "outcome_on"])
    _note(
        escalation.case,
        by,
        _("Outcome of the escalation to %(body)s: %(outcome)s")
        % {"body": escalation.get_body_display(), "outcome": escalation.outcome},
    )
    return escalation


def compensation_save(
    *,
    case: RemediationCase,
    by,
    description: str,
    currency: str,
    amount_owed: Decimal,
    amount_paid: Decimal,
    workers_covered: int,
    compensation: Compensation | None = None,
) -> Compensation:
    _require_staff(by)
    _require_active(case)
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise DomainError(
            _("Use a three-letter currency code, such as THB or MYR."), field="currency"
        )
    if amount_owed < 0 or amount_paid < 0:
        raise DomainError(_("Amounts cannot be negative."), field="amount_paid")
    if amount_paid > amount_owed:
        raise DomainError(_("More is paid than is owed: check the amounts."), field="amount_paid")
    if workers_covered < 1:
        raise DomainError(_("Give the number of workers covered."), field="workers_covered")
    compensation = compensation or Compensation(case=case)
    if compensation.case_id != case.pk:
        raise DomainError(_("This compensation belongs to another case."))
    compensation.description = description.strip()
    compensation.currency = currency
    compensation.amount_owed = amount_owed
    compensation.amount_paid = amount_paid
    compensation.workers_covered = workers_covered
    compensation.save()
    return compensation


# --- E-mails ------------------------------------------------------------------------------


def _notify_invited(case: RemediationCase, affiliates) -> int:
    from affiliates.models import Membership
    from core.outbox import Message, outbox_enqueue

    if not affiliates:
        return 0
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(
                affiliate__in=affiliates,
                role__in=Membership.EDITORS,
                user__is_active=True,
            ).select_related("user", "affiliate")
        )
    return outbox_enqueue(
        [
            Message(
                key=f"case-invitation:{case.pk}:{m.affiliate_id}:{m.user_id}",
                recipient=m.user.email,
                template_prefix="remediation/email/invitation",
                context={
                    "case": case,
                    "reference": case.reference,
                    "factory": case.factory,
                    "affiliate": m.affiliate,
                    "link": settings.SITE_URL + case.get_affiliate_url(m.affiliate.slug),
                },
                language=m.user.language,
            )
            for m in memberships
        ]
    )
