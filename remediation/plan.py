"""Workflows of a case's plan and record: actions (save, claim done, verify, reject a claim),
the timeline, escalations and compensation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.currency import format_money
from core.errors import DomainError
from core.uploads import CleanFile

from .compensation import paid_so_far, resync_paid
from .models import (
    ActionProgress,
    ActionStatus,
    Audience,
    CaseStatus,
    CaseUpdate,
    Compensation,
    CompensationPayment,
    Escalation,
    ProgressAttachment,
    RemediationAction,
    RemediationCase,
    UpdateAttachment,
)
from .rules import (
    ACTION_TRANSITIONS,
    CASE_TRANSITIONS,
    is_lead_partner_member,
    locked_case,
    require_active,
    require_staff,
    timeline_note,
)

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
    """Add an action to the plan, or change one that is not verified yet. When the owner is a
    company of the registry, the owner's name is that company's name (whatever was typed), so
    the two never contradict each other."""
    require_staff(by)
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %s.") % ", ".join(unknown))
    if not (data.get("description") or getattr(action, "description", "")).strip():
        raise DomainError(_("Say what is to be done."), field="description")
    registry_owner = (
        data["owner_supplier"]
        if "owner_supplier" in data
        else getattr(action, "owner_supplier", None)
    )
    if registry_owner is not None:
        data["owner_name"] = registry_owner.name[:200]
    if not (data.get("owner_name") or getattr(action, "owner_name", "")).strip():
        raise DomainError(
            _("Name who must act, or choose the owner in the company registry."),
            field="owner_name",
        )
    due = data.get("due_date") or getattr(action, "due_date", None)
    if due is None:
        raise DomainError(_("Give a due date."), field="due_date")
    if action is None and due < timezone.localdate():
        raise DomainError(_("A new action cannot be due in the past."), field="due_date")
    with transaction.atomic():
        case = locked_case(case)
        require_active(case)
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
            timeline_note(
                case,
                by,
                _("Action added to the plan: %(action)s (due %(due)s).")
                % {
                    "action": action.description[:200],
                    "due": formats.date_format(action.due_date, "DATE_FORMAT"),
                },
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
    require_active(action.case)
    return action


def action_claim_done(*, action: RemediationAction, by, evidence: str) -> RemediationAction:
    """The owner says it is done (staff record it, with what shows it); it still has to be
    verified by the partner or the workers."""
    require_staff(by)
    if not evidence.strip():
        raise DomainError(_("Say what shows the action was done."), field="evidence")
    with transaction.atomic():
        action = _locked_action(action, ActionStatus.DONE_CLAIMED)
        action.status = ActionStatus.DONE_CLAIMED
        action.evidence = evidence.strip()
        action.claimed_on = timezone.localdate()
        action.save(update_fields=["status", "evidence", "claimed_on", "updated_at"])
        timeline_note(
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
    is_partner = is_lead_partner_member(action.case, by)
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
        timeline_note(
            action.case,
            by,
            _("Verified by %(who)s: %(action)s.")
            % {
                "who": action.get_verified_by_display().lower(),
                "action": action.description[:200],
            },
        )
        _notify_owner_company(action, "action_verified", f"action-verified:{action.pk}")
    return action


def action_reject_claim(*, action: RemediationAction, by, reason: str) -> RemediationAction:
    """The verification found the action not done; it is open (and can be overdue) again."""
    if not (by.is_ew_staff or is_lead_partner_member(action.case, by)):
        raise DomainError(_("Only EW staff and the case's monitoring partner can verify."))
    if not reason.strip():
        raise DomainError(_("Say why the claim is rejected."), field="reason")
    with transaction.atomic():
        action = _locked_action(action, ActionStatus.REJECTED)
        action.status = ActionStatus.REJECTED
        action.rejection_reason = reason.strip()
        action.save(update_fields=["status", "rejection_reason", "updated_at"])
        timeline_note(
            action.case,
            by,
            _("Claim rejected: %(action)s. %(reason)s")
            % {"action": action.description[:200], "reason": action.rejection_reason},
        )
        _notify_owner_company(
            action,
            "action_rejected",
            f"action-rejected:{action.pk}:{action.updated_at:%Y%m%d%H%M%S%f}",
        )
    return action


def action_check_rejectable(action: RemediationAction, reason: str) -> None:
    """What `action_reject_claim` refuses, checked before asking for confirmation."""
    if not reason.strip():
        raise DomainError(_("Say why the claim is rejected."), field="reason")
    if ActionStatus.REJECTED not in ACTION_TRANSITIONS[action.status]:
        raise DomainError(
            _("An action that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": action.get_status_display(),
                "target": ActionStatus.REJECTED.label,
            }
        )
    require_active(action.case)


def owner_company_contacts(action: RemediationAction):
    """The active contacts of the company that owns the action (told of a verification or a
    rejection); none when the owner is not in the registry."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if action.owner_supplier_id is None:
        return users.none()
    return users.filter(
        company_contact__company_id=action.owner_supplier_id, is_active=True
    ).order_by("pk")


def _notify_owner_company(action: RemediationAction, kind: str, key: str) -> int:
    """The active contacts of the company that owns the action, each in their language, with
    a link to the action in the company portal; queued in the caller's transaction. Only the
    date, who verified (the partner or the workers) and, on a rejection, the reason written
    for the company: never the verification note (it may speak of workers) nor the partner's
    name. No owner company in the registry, or no contact: nothing is sent."""
    from core.outbox import Message, outbox_enqueue

    if action.owner_supplier_id is None:
        return 0
    contacts = owner_company_contacts(action)
    link = settings.SITE_URL + reverse("engagement:company_action", kwargs={"pk": action.pk})
    case = action.case
    return outbox_enqueue(
        [
            Message(
                key=f"{key}:{user.pk}",
                recipient=user.email,
                template_prefix=f"remediation/email/{kind}",
                context={
                    "reference": case.reference,
                    "factory": case.factory.name,
                    "description": action.description,
                    "due_date": action.due_date,
                    "verified_on": action.verified_on,
                    "verified_by": action.verified_by,
                    "reason": action.rejection_reason,
                    "link": link,
                },
                language=user.language or settings.LANGUAGE_CODE,
            )
            for user in contacts
        ]
    )


# --- The owner company's progress (from the company portal) -------------------------------

MAX_PROGRESS_FILES = 5


def acts_for_owner(action: RemediationAction, user) -> bool:
    """Whether the user is a contact of the company that owns the action (the portal's
    `user.company_contact`, read as an attribute: this app sits below `engagement`)."""
    contact = getattr(user, "company_contact", None)
    return (
        contact is not None
        and action.owner_supplier_id is not None
        and contact.company_id == action.owner_supplier_id
    )


def action_progress_post(
    *,
    action: RemediationAction,
    by,
    text: str,
    files: list[CleanFile] = (),
    asks_verification: bool = False,
) -> ActionProgress:
    """The owner company reports progress on its action, with evidence files; asking for
    verification claims the action done (planned or rejected → done, claimed), which the
    lead partner or staff then verify or reject as for any claim. Staff's lead and the lead
    partner's members are told by e-mail."""
    if not acts_for_owner(action, by):
        raise DomainError(_("Only a contact of the company that owns the action can do this."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Describe the progress made."), field="text")
    files = list(files)
    if len(files) > MAX_PROGRESS_FILES:
        raise DomainError(
            _("Attach at most %(count)s files to one update.") % {"count": MAX_PROGRESS_FILES},
            field="files",
        )
    with transaction.atomic():
        if asks_verification:
            if action.status == ActionStatus.DONE_CLAIMED:
                raise DomainError(_("Verification has already been asked for this action."))
            action = _locked_action(action, ActionStatus.DONE_CLAIMED)
        else:
            action = (
                RemediationAction.objects.select_for_update(of=("self",))
                .select_related("case")
                .get(pk=action.pk)
            )
            require_active(action.case)
        if action.status == ActionStatus.VERIFIED:
            raise DomainError(_("This action is verified: it needs no more updates."))
        progress = ActionProgress.objects.create(
            action=action, text=text, asks_verification=asks_verification, author=by
        )
        for clean in files:
            attachment = ProgressAttachment(
                progress=progress,
                original_name=clean.original_name[:120],
                content_type=clean.content_type,
                size=clean.size,
            )
            attachment.file.save(f"x.{clean.extension}", ContentFile(clean.content), save=False)
            attachment.save()
        if asks_verification:
            action.status = ActionStatus.DONE_CLAIMED
            action.evidence = text
            action.claimed_on = timezone.localdate()
            action.save(update_fields=["status", "evidence", "claimed_on", "updated_at"])
            _notify_verification_asked(action, progress)
    return progress


def _notify_verification_asked(action: RemediationAction, progress: ActionProgress) -> int:
    """The case's staff lead and the lead partner's members, each in their language, with a
    link to the case as they see it; queued in the caller's transaction."""
    from core.outbox import Message, outbox_enqueue
    from monitoring.models import PartnerMembership

    case = action.case
    recipients = []
    if case.staff_lead.is_active:
        recipients.append((case.staff_lead, case.get_absolute_url()))
    if case.lead_partner_id:
        partner_link = reverse("remediation:partner_case", kwargs={"pk": case.pk})
        recipients += [
            (membership.user, partner_link)
            for membership in PartnerMembership.objects.filter(
                partner_id=case.lead_partner_id, user__is_active=True
            ).select_related("user")
        ]
    return outbox_enqueue(
        [
            Message(
                key=f"action-verification-asked:{progress.pk}:{user.pk}",
                recipient=user.email,
                template_prefix="remediation/email/verification_asked",
                context={
                    "case": case,
                    "factory": case.factory.name,
                    "action": action,
                    "company": action.owner_supplier.name,
                    "text": progress.text,
                    "file_count": len(progress.attachments.all()),
                    "link": f"{settings.SITE_URL}{link}#action-{action.pk}",
                },
                language=user.language or settings.LANGUAGE_CODE,
            )
            for user, link in recipients
        ]
    )


# --- Timeline, escalations, compensation --------------------------------------------------


def update_post(
    *, case: RemediationCase, by, audience: str, text: str, files: list[CleanFile] = ()
) -> CaseUpdate:
    """A timeline entry. Partners write for partners or affiliates, never internal notes."""
    is_partner = is_lead_partner_member(case, by)
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
    require_staff(by)
    if escalated_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="escalated_on")
    with transaction.atomic():
        case = locked_case(case)
        require_active(case)
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
        timeline_note(
            case,
            by,
            _("Escalated to %(body)s.") % {"body": escalation.get_body_display()},
        )
    return escalation


def escalation_record_outcome(
    *, escalation: Escalation, by, outcome: str, outcome_on: date
) -> Escalation:
    require_staff(by)
    if not outcome.strip():
        raise DomainError(_("Describe the outcome."), field="outcome")
    if outcome_on < escalation.escalated_on or outcome_on > timezone.localdate():
        raise DomainError(
            _("The outcome date must lie between the escalation and today."), field="outcome_on"
        )
    escalation.outcome = outcome.strip()
    escalation.outcome_on = outcome_on
    escalation.save(update_fields=["outcome", "outcome_on"])
    timeline_note(
        escalation.case,
        by,
        _("Outcome of the escalation to %(body)s: %(outcome)s")
        % {"body": escalation.get_body_display(), "outcome": escalation.outcome},
    )
    return escalation


@transaction.atomic
def compensation_save(
    *,
    case: RemediationCase,
    by,
    description: str,
    currency: str,
    amount_owed: Decimal,
    amount_paid: Decimal,
    workers_covered: int,
    kind: str | None = None,
    compensation: Compensation | None = None,
) -> Compensation:
    """Add or change a compensation. Without `kind`, a saved compensation keeps its own (a
    cohort's recruitment fees stay recruitment fees) and a new one is "other compensation"."""
    require_staff(by)
    require_active(case)
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
    if compensation.pk is not None:
        compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    if not kind:
        kind = compensation.kind if compensation.pk is not None else Compensation.Kind.OTHER
    if kind not in Compensation.Kind.values:
        raise DomainError(_("Choose what the compensation is for."), field="kind")
    if compensation.cohort_id is not None and kind != Compensation.Kind.RECRUITMENT_FEES:
        raise DomainError(
            _("The fees of a migrant cohort are recruitment fees: the kind cannot change."),
            field="kind",
        )
    already_paid = paid_so_far(compensation) if compensation.pk is not None else Decimal(0)
    if amount_paid < already_paid:
        raise DomainError(
            _(
                "The payments recorded already add up to %(paid)s %(currency)s: a payment "
                "recorded cannot be taken back here."
            )
            % {"paid": format_money(already_paid), "currency": compensation.currency},
            field="amount_paid",
        )
    if already_paid and currency != compensation.currency:
        raise DomainError(
            _("Payments are recorded in %(currency)s: the currency cannot change any more.")
            % {"currency": compensation.currency},
            field="currency",
        )
    if (
        compensation.pk is not None
        and compensation.kind == Compensation.Kind.RECRUITMENT_FEES
        and amount_paid > already_paid
    ):
        raise DomainError(
            _("Record a payment of recruitment fees with the payment form under Employer pays."),
            field="amount_paid",
        )
    compensation.kind = kind
    compensation.description = description.strip()
    compensation.currency = currency
    compensation.amount_owed = amount_owed
    compensation.amount_paid = already_paid
    compensation.workers_covered = workers_covered
    compensation.save()
    if amount_paid > already_paid:
        # "Paid so far" typed as a total: what it adds is one payment, made today.
        CompensationPayment.objects.create(
            compensation=compensation,
            paid_on=timezone.localdate(),
            amount=amount_paid - already_paid,
            note=_("Recorded as the total paid so far."),
        )
        resync_paid(compensation)
    return compensation
