"""Grievance workflows: intake, follow-up, handling, reminders, retention.

Nothing in here logs a description, contact details, a message or a receipt code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.errors import DomainError
from core.reminders import Schedule, Step, reminders_record, subject_key, user_recipient

from . import receipts
from .models import (
    Channel,
    Grievance,
    GrievanceAttachment,
    GrievanceEvent,
    GrievanceMessage,
    Side,
    Status,
    add_months,
)

# The one list of allowed status changes.
TRANSITIONS = {
    Status.RECEIVED: {Status.ACKNOWLEDGED, Status.CLOSED},
    Status.ACKNOWLEDGED: {Status.UNDER_REVIEW, Status.REFERRED, Status.CLOSED},
    Status.UNDER_REVIEW: {Status.REFERRED, Status.CLOSED},
    Status.REFERRED: {Status.CLOSED},
    Status.CLOSED: set(),
}


@dataclass(frozen=True)
class Intake:
    """What the grievant (or the partner who met them) tells us."""

    language: str
    description: str
    categories: list[str]
    factory: object | None = None
    workplace: str = ""
    country: str = ""
    wants_contact: bool = False
    contact_method: str = ""
    contact_details: str = ""
    attachments: tuple = ()  # core.uploads.CleanFile


def _locked(grievance: Grievance) -> Grievance:
    return Grievance.objects.select_for_update().get(pk=grievance.pk)


def _transition(grievance: Grievance, to: str) -> None:
    if to not in TRANSITIONS[grievance.status]:
        raise DomainError(
            _("A grievance that is “%(status)s” cannot become “%(target)s”.")
            % {"status": grievance.get_status_display(), "target": Status(to).label}
        )
    grievance.status = to


def _record(grievance: Grievance, kind: str, by, note: str = "") -> None:
    GrievanceEvent.objects.create(grievance=grievance, kind=kind, actor=by, note=note[:300])


def _next_reference(year: int) -> str:
    prefix = f"G-{year}-"
    last = (
        Grievance.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def grievance_submit(
    *,
    intake: Intake,
    channel: str = Channel.WEB,
    partner=None,
    by=None,
    today: date | None = None,
) -> tuple[Grievance, str]:
    """Record a grievance; returns it and its receipt code, which is not stored anywhere."""
    if not intake.description.strip():
        raise DomainError(_("Please tell us what happened."), field="description")
    if not intake.factory and not intake.workplace.strip():
        raise DomainError(_("Please choose or write the name of the workplace."), field="workplace")
    if intake.wants_contact and not intake.contact_details.strip():
        raise DomainError(
            _("Please write how we can contact you, or choose not to be contacted."),
            field="contact_details",
        )
    today = today or timezone.localdate()
    ack_due, feedback_due = Grievance.deadlines_from(today)
    for _attempt in range(5):
        lookup, code, secret_hash = receipts.new_code()
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:  # one reference number at a time
                    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('grievance-reference'))")
                grievance = Grievance.objects.create(
                    reference=_next_reference(today.year),
                    channel=channel,
                    language=intake.language,
                    factory=intake.factory,
                    workplace=intake.workplace.strip()[:300],
                    country=intake.country or (intake.factory.country if intake.factory else ""),
                    categories=list(dict.fromkeys(intake.categories)),
                    description=intake.description.strip(),
                    wants_contact=intake.wants_contact,
                    contact_method=intake.contact_method if intake.wants_contact else "",
                    contact_details=intake.contact_details.strip() if intake.wants_contact else "",
                    receipt_lookup=lookup,
                    receipt_hash=secret_hash,
                    partner=partner,
                    logged_by=by,
                    received_on=today,
                    ack_due=ack_due,
                    feedback_due=feedback_due,
                )
                for clean in intake.attachments:
                    attachment = GrievanceAttachment(
                        grievance=grievance,
                        content_type=clean.content_type,
                        size=clean.size,
                    )
                    attachment.file.save(
                        f"upload.{clean.extension}", ContentFile(clean.content), save=False
                    )
                    attachment.save()
                if partner is not None:
                    _record(grievance, GrievanceEvent.Kind.LOGGED, by)
        except IntegrityError:
            continue  # a lookup id or reference taken meanwhile: draw again
        return grievance, code
    raise DomainError(_("The grievance could not be recorded. Please try again."))


def grievance_open_with_code(code: str) -> Grievance | None:
    """The grievance this receipt code opens, or None — the same None whichever part is
    wrong. Throttling is the caller's (it knows the client)."""
    parts = receipts.split(code)
    if parts is None:
        receipts.secret_matches("", None)
        return None
    lookup, secret = parts
    grievance = Grievance.objects.filter(receipt_lookup=lookup, anonymised_at__isnull=True).first()
    if not receipts.secret_matches(secret, grievance.receipt_hash if grievance else None):
        return None
    return grievance


def grievance_post_message(
    *, grievance: Grievance, body: str, side: str, by=None, visible_to_grievant: bool = True
) -> GrievanceMessage:
    body = body.strip()
    if not body:
        raise DomainError(_("Please write a message."), field="body")
    if grievance.anonymised_at:
        raise DomainError(_("This grievance was closed and its messages removed."))
    if side == Side.GRIEVANT:
        by, visible_to_grievant = None, True
    return GrievanceMessage.objects.create(
        grievance=grievance,
        side=side,
        author=by,
        body=body,
        visible_to_grievant=visible_to_grievant,
        sent_on=timezone.localdate(),
    )


def grievance_assign(*, grievance: Grievance, assignee, by) -> Grievance:
    if assignee is not None and not (assignee.is_ew_staff and assignee.is_active):
        raise DomainError(_("Grievances can only be assigned to Electronics Watch staff."))
    with transaction.atomic():
        grievance = _locked(grievance)
        grievance.assignee = assignee
        grievance.save(update_fields=["assignee"])
        _record(grievance, GrievanceEvent.Kind.ASSIGNED, by, str(assignee or "-"))
    return grievance


def grievance_classify(
    *, grievance: Grievance, code_standards, ilo_indicators: list[str], factory, by
) -> Grievance:
    with transaction.atomic():
        grievance = _locked(grievance)
        grievance.ilo_indicators = list(dict.fromkeys(ilo_indicators))
        grievance.factory = factory
        if factory is not None and not grievance.country:
            grievance.country = factory.country
        grievance.save(update_fields=["ilo_indicators", "factory", "country"])
        grievance.code_standards.set(code_standards)
        _record(grievance, GrievanceEvent.Kind.CLASSIFIED, by)
    return grievance


def grievance_translate(*, grievance: Grievance, translation: str, by) -> Grievance:
    """Save staff's translation of the worker's words (empty clears it). The text is
    encrypted like the words themselves; the event records who, never what."""
    if grievance.anonymised_at:
        raise DomainError(_("This grievance was anonymised: there is nothing to translate."))
    with transaction.atomic():
        grievance = _locked(grievance)
        grievance.description_translation = translation.strip()
        grievance.save(update_fields=["description_translation"])
        _record(grievance, GrievanceEvent.Kind.TRANSLATED, by)
    return grievance


def grievance_acknowledge(*, grievance: Grievance, by, message: str = "") -> Grievance:
    """Acknowledge receipt; the 3-month feedback clock now runs from today."""
    with transaction.atomic():
        grievance = _locked(grievance)
        _transition(grievance, Status.ACKNOWLEDGED)
        grievance.acknowledged_on = timezone.localdate()
        grievance.feedback_due = Grievance.deadlines_from(
            grievance.received_on, grievance.acknowledged_on
        )[1]
        grievance.save(update_fields=["status", "acknowledged_on", "feedback_due"])
        _record(grievance, GrievanceEvent.Kind.ACKNOWLEDGED, by)
        if message.strip():
            grievance_post_message(grievance=grievance, body=message, side=Side.STAFF, by=by)
    return grievance


def grievance_start_review(*, grievance: Grievance, by) -> Grievance:
    with transaction.atomic():
        grievance = _locked(grievance)
        _transition(grievance, Status.UNDER_REVIEW)
        grievance.save(update_fields=["status"])
        _record(grievance, GrievanceEvent.Kind.REVIEW_STARTED, by)
    return grievance


def grievance_refer(*, grievance: Grievance, referral: str, by) -> Grievance:
    """Hand over to a remediation case (the case itself comes with the remediation issue)."""
    with transaction.atomic():
        grievance = _locked(grievance)
        _transition(grievance, Status.REFERRED)
        grievance.referral = referral.strip()[:200]
        grievance.save(update_fields=["status", "referral"])
        _record(grievance, GrievanceEvent.Kind.REFERRED, by, grievance.referral)
    return grievance


def grievance_check_closable(*, grievance: Grievance, feedback: str) -> None:
    """Refuse a closure before anyone confirms it."""
    if not feedback.strip():
        raise DomainError(_("Write the feedback the worker will read."), field="feedback")
    if Status.CLOSED not in TRANSITIONS[grievance.status]:
        _transition(grievance, Status.CLOSED)  # raises the message naming both statuses
    if grievance.anonymised_at:
        raise DomainError(_("This grievance was closed and its messages removed."))


def grievance_close(*, grievance: Grievance, feedback: str, by) -> Grievance:
    """Close with feedback, which the grievant reads in the thread."""
    with transaction.atomic():
        grievance = _locked(grievance)
        grievance_check_closable(grievance=grievance, feedback=feedback)
        _transition(grievance, Status.CLOSED)
        grievance.closed_on = timezone.localdate()
        grievance.save(update_fields=["status", "closed_on"])
        grievance_post_message(grievance=grievance, body=feedback, side=Side.STAFF, by=by)
        _record(grievance, GrievanceEvent.Kind.CLOSED, by)
    return grievance


# --- Reminders ---------------------------------------------------------------------------

# Two deadlines, one schedule each: two days before, on the day, then every day while late.
_STEPS = (Step(-2, "due_soon"), Step(0, "due_today"), Step(1, "overdue"))
ACKNOWLEDGEMENT_DUE = Schedule("grievances.acknowledgement_due", steps=_STEPS, repeat_every=1)
FEEDBACK_DUE = Schedule("grievances.feedback_due", steps=_STEPS, repeat_every=1)
_DEADLINE_NAMES = {ACKNOWLEDGEMENT_DUE.name: "acknowledgement", FEEDBACK_DUE.name: "feedback"}


def grievance_reminders_sweep(*, today: date | None = None) -> int:
    """Queue the deadline reminders due for the assignee (or, unassigned, every EW staff
    member); returns how many e-mails were queued.

    Through the reminder ledger (`core.reminders`), in one transaction with the e-mails: a
    rerun queues nothing, and after days without a sweep the latest reminder that fell due
    meanwhile goes out once, the ones it supersedes never. A fixed number of queries
    whatever the rows.
    """
    from affiliates.models import User
    from core.outbox import Message, outbox_enqueue

    today = today or timezone.localdate()
    with transaction.atomic():
        grievances = {
            g.pk: g
            for g in Grievance.objects.open()
            .filter(
                Q(status=Status.RECEIVED, ack_due__lte=ACKNOWLEDGEMENT_DUE.horizon(today))
                | Q(feedback_due__lte=FEEDBACK_DUE.horizon(today))
            )
            .select_related("assignee")
        }
        staff = []
        if any(g.assignee is None or not g.assignee.is_active for g in grievances.values()):
            staff = list(User.objects.filter(is_ew_staff=True, is_active=True))
        users = {user.pk: user for user in staff}
        candidates = []
        for grievance in grievances.values():
            assignee = grievance.assignee
            recipients = [assignee] if assignee is not None and assignee.is_active else staff
            subject = subject_key(Grievance, grievance.pk)
            for user in recipients:
                users[user.pk] = user
                if grievance.status == Status.RECEIVED:
                    candidates.append(
                        ACKNOWLEDGEMENT_DUE.candidate(
                            subject, grievance.ack_due, user_recipient(user.pk)
                        )
                    )
                candidates.append(
                    FEEDBACK_DUE.candidate(subject, grievance.feedback_due, user_recipient(user.pk))
                )
        rows = reminders_record(
            candidates, schedules=[ACKNOWLEDGEMENT_DUE, FEEDBACK_DUE], today=today
        )
        messages = []
        for row in rows:
            grievance, user = grievances[row.subject_pk], users[row.recipient_user_pk]
            messages.append(
                Message(
                    key=f"grievance-reminder:{row.pk}",
                    recipient=user.email,
                    template_prefix="grievances/email/reminder",
                    # The reference and dates only: never what the grievance says.
                    context={
                        "reference": grievance.reference,
                        "deadline": _DEADLINE_NAMES[row.schedule],
                        "kind": row.kind,
                        "due": row.deadline,
                        "days_left": (row.deadline - today).days,
                        "days_overdue": (today - row.deadline).days,
                        "link": settings.SITE_URL + grievance.get_absolute_url(),
                    },
                    language=user.language,
                )
            )
        return outbox_enqueue(messages, skip_known=False)


# --- Retention ---------------------------------------------------------------------------


def grievance_anonymise(*, grievance: Grievance, by=None) -> Grievance:
    """Remove everything the worker wrote or sent; keep status, dates, workplace, categories
    and classification so the counts stay right. The receipt code stops working."""
    with transaction.atomic():
        grievance = _locked(grievance)
        files = [a.file.name for a in grievance.attachments.all()]
        grievance.attachments.all().delete()
        grievance.messages.all().delete()
        grievance.description = ""
        grievance.description_translation = ""
        grievance.contact_details = ""
        grievance.contact_method = ""
        grievance.wants_contact = False
        grievance.receipt_lookup = None
        grievance.receipt_hash = ""
        grievance.anonymised_at = timezone.now()
        grievance.save()
        _record(grievance, GrievanceEvent.Kind.ANONYMISED, by)
        # The audit trail goes with the text: no event of the grievance, its messages or its
        # attachments outlives retention (core/audit.py).
        audit.forget(Grievance, pgh_obj_id=grievance.pk)
        audit.forget(GrievanceMessage, grievance_id=grievance.pk)
        audit.forget(GrievanceAttachment, grievance_id=grievance.pk)
        storage = GrievanceAttachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return grievance


def grievance_anonymise_expired(*, today: date | None = None) -> int:
    """Anonymise grievances closed more than `EW_GRIEVANCE_RETENTION_MONTHS` ago."""
    today = today or timezone.localdate()
    cutoff = add_months(today, -settings.EW_GRIEVANCE_RETENTION_MONTHS)
    expired = Grievance.objects.filter(
        status=Status.CLOSED, closed_on__lt=cutoff, anonymised_at__isnull=True
    )
    count = 0
    for grievance in expired.only("pk").iterator():
        grievance_anonymise(grievance=grievance)
        count += 1
    return count
