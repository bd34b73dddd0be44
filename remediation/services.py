"""Remediation workflows: EW staff open and run cases, partners verify, affiliates join.

Case states (DESIGN.md §5), with escalated and stalled as side states:

    opened ─► plan_agreed ─► in_progress ─► remediated ─► closed
       └──────────┴──────────────┴──► escalated / stalled ──► back, or closed

Every change goes through a function here or in `plan.py` (the plan and the record), with
the transitions and checks of `rules.py`, inside a transaction, and leaves an entry on the
case's timeline. E-mails go through the outbox, so they leave after commit and never twice.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from affiliates.reader import Reader
from core.errors import DomainError

from .models import (
    ActionStatus,
    Audience,
    CaseStatus,
    Engagement,
    Participation,
    RemediationCase,
    ResponsibleCompany,
)
from .rules import (
    CASE_TRANSITIONS,
    CompanyRole,
    locked_case,
    require_active,
    require_staff,
    timeline_note,
)

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
    require_staff(by)
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
        timeline_note(case, by, _("Case opened."))
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
    require_staff(by)
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
        case = locked_case(case)
        require_active(case)
        for name, value in fields.items():
            setattr(case, name, value.strip() if isinstance(value, str) else value)
        case.save()
    return case


def case_set_status(
    *, case: RemediationCase, status: str, by, note: str = "", audience: str = Audience.AFFILIATES
) -> RemediationCase:
    require_staff(by)
    with transaction.atomic():
        case = locked_case(case)
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
        timeline_note(case, by, f"{text}\n{note.strip()}".strip(), audience)
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
    require_staff(by)
    require_active(case)
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

    require_staff(by)
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
        timeline_note(
            case,
            membership.user,
            _("%(affiliate)s joined the case.") % {"affiliate": affiliate.name},
            # For EW staff only: affiliates are named neither to each other nor to partners.
            Audience.INTERNAL,
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
