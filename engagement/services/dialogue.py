"""Multi-stakeholder dialogue and workers' organisations: the writes, each checked here.

- an organisation credits only cases and grievances at the factories it is linked to;
- a single meeting has one meeting; a series as many as it needs;
- a participant is exactly one party, once per dialogue; a commitment's owner is a
  participant of the same dialogue; a participant who owns commitments stays;
- commitments go open → done (with the day) or dropped, and back to open (`TRANSITIONS`).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import Commitment, Dialogue, DialogueMeeting, Organisation, Participant

CommitmentStatus = Commitment.Status

TRANSITIONS = {
    CommitmentStatus.OPEN: {CommitmentStatus.DONE, CommitmentStatus.DROPPED},
    CommitmentStatus.DONE: {CommitmentStatus.OPEN},
    CommitmentStatus.DROPPED: {CommitmentStatus.OPEN},
}


def _require_staff(by) -> None:
    if not getattr(by, "is_ew_staff", False):
        raise DomainError(_("Only Electronics Watch staff record dialogues."))


# --- Organisations -----------------------------------------------------------------------


def organisation_save(
    *,
    organisation: Organisation | None = None,
    kind: str,
    name: str,
    country: str,
    factories=(),
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    notes: str = "",
    credited_cases=None,
    credited_grievances=None,
    by,
) -> Organisation:
    """Create or change a trade union or worker representative body. Cases and grievances
    credit it only when they are at one of its factories; `None` leaves the credits as they
    are."""
    _require_staff(by)
    if kind not in Organisation.Kind.values:
        raise DomainError(_("Choose the kind of organisation."), field="kind")
    if not name.strip():
        raise DomainError(_("Give the organisation's name."), field="name")
    factory_ids = {factory.pk for factory in factories}
    for case in credited_cases or ():
        if case.factory_id not in factory_ids:
            raise DomainError(
                _(
                    "Case %(reference)s is at a factory this organisation is not linked to: "
                    "link the factory first."
                )
                % {"reference": case.reference},
                field="credited_cases",
            )
    for grievance in credited_grievances or ():
        if grievance.factory_id not in factory_ids:
            raise DomainError(
                _(
                    "Grievance %(reference)s is not at a factory this organisation is linked "
                    "to: link the factory first."
                )
                % {"reference": grievance.reference},
                field="credited_grievances",
            )
    with transaction.atomic():
        organisation = organisation or Organisation()
        organisation.kind = kind
        organisation.name = name.strip()
        organisation.country = country
        organisation.contact_name = contact_name.strip()
        organisation.contact_email = contact_email.strip()
        organisation.contact_phone = contact_phone.strip()
        organisation.notes = notes.strip()
        organisation.save()
        organisation.factories.set(list(factories))
        if credited_cases is not None:
            organisation.credited_cases.set(list(credited_cases))
        if credited_grievances is not None:
            organisation.credited_grievances.set(list(credited_grievances))
        # Unlinking a factory takes back the credits of what happened there.
        organisation.credited_cases.remove(
            *organisation.credited_cases.exclude(factory_id__in=factory_ids)
        )
        organisation.credited_grievances.remove(
            *organisation.credited_grievances.exclude(factory_id__in=factory_ids)
        )
    return organisation


# --- Dialogues and meetings ---------------------------------------------------------------


def dialogue_save(
    *,
    dialogue: Dialogue | None = None,
    title: str,
    format: str,
    purpose: str = "",
    case=None,
    companies=(),
    by,
) -> Dialogue:
    _require_staff(by)
    if not title.strip():
        raise DomainError(_("Give the dialogue a title."), field="title")
    if format not in Dialogue.Format.values:
        raise DomainError(_("Choose a single meeting or a series."), field="format")
    with transaction.atomic():
        if dialogue is not None:
            dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
            if format == Dialogue.Format.MEETING and dialogue.meetings.count() > 1:
                raise DomainError(
                    _("This dialogue has several meetings: it stays a series."), field="format"
                )
        dialogue = dialogue or Dialogue(created_by=by)
        dialogue.title = title.strip()
        dialogue.format = format
        dialogue.purpose = purpose.strip()
        dialogue.case = case
        dialogue.save()
        dialogue.companies.set(list(companies))
    return dialogue


def meeting_save(
    *,
    dialogue: Dialogue,
    meeting: DialogueMeeting | None = None,
    held_on: date,
    agenda: str = "",
    minutes_shared: str = "",
    minutes_confidential: str = "",
    by,
) -> DialogueMeeting:
    """Add or change a meeting. A single-meeting dialogue has one; minutes need a meeting
    that took place."""
    _require_staff(by)
    if held_on is None:
        raise DomainError(_("Give the meeting's date."), field="held_on")
    if (minutes_shared.strip() or minutes_confidential.strip()) and held_on > (
        timezone.localdate()
    ):
        raise DomainError(
            _("Minutes are for a meeting that took place: the date is in the future."),
            field="held_on",
        )
    with transaction.atomic():
        dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
        if (
            meeting is None
            and dialogue.format == Dialogue.Format.MEETING
            and dialogue.meetings.exists()
        ):
            raise DomainError(
                _(
                    "This dialogue is a single meeting and has it already; make it a series "
                    "to add another."
                )
            )
        meeting = meeting or DialogueMeeting(dialogue=dialogue)
        meeting.held_on = held_on
        meeting.agenda = agenda.strip()
        meeting.minutes_shared = minutes_shared.strip()
        meeting.minutes_confidential = minutes_confidential.strip()
        meeting.save()
    return meeting


# --- Participants -------------------------------------------------------------------------

_PARTY_FIELD = {
    Participant.Kind.AFFILIATE: "affiliate",
    Participant.Kind.COMPANY: "company",
    Participant.Kind.PARTNER: "partner",
    Participant.Kind.ORGANISATION: "organisation",
    Participant.Kind.PERSON: "name",
}


def participant_add(
    *,
    dialogue: Dialogue,
    kind: str,
    affiliate=None,
    company=None,
    partner=None,
    organisation=None,
    name: str = "",
    role: str = "",
    contact_email: str = "",
    by,
) -> Participant:
    """Add one party: the one the kind names, and nothing else."""
    _require_staff(by)
    if kind not in Participant.Kind.values:
        raise DomainError(_("Choose the kind of participant."), field="kind")
    parties = {
        "affiliate": affiliate,
        "company": company,
        "partner": partner,
        "organisation": organisation,
        "name": name.strip() or None,
    }
    wanted = _PARTY_FIELD[Participant.Kind(kind)]
    if parties[wanted] is None:
        raise DomainError(_("Choose the participant of this kind."), field=wanted)
    values = {field: (value if field == wanted else None) for field, value in parties.items()}
    values["name"] = values["name"] or ""
    try:
        with transaction.atomic():
            return Participant.objects.create(
                dialogue=dialogue, role=role.strip(), contact_email=contact_email.strip(), **values
            )
    except IntegrityError as error:
        raise DomainError(_("This participant takes part already."), field=wanted) from error


def participant_check_removable(participant: Participant) -> None:
    if participant.commitments.exists():
        raise DomainError(
            _(
                "%(participant)s owns commitments in this dialogue: give them to another "
                "participant or drop them first."
            )
            % {"participant": participant.full_label()}
        )


def participant_remove(*, participant: Participant, by) -> None:
    _require_staff(by)
    with transaction.atomic():
        participant_check_removable(participant)
        participant.delete()


# --- Commitments --------------------------------------------------------------------------


def commitment_save(
    *,
    dialogue: Dialogue,
    commitment: Commitment | None = None,
    text: str,
    owner: Participant,
    due_on: date,
    by,
) -> Commitment:
    _require_staff(by)
    if not text.strip():
        raise DomainError(_("Write what was committed."), field="text")
    if owner is None or owner.dialogue_id != dialogue.pk:
        raise DomainError(
            _("The owner of a commitment must take part in the dialogue."), field="owner"
        )
    if due_on is None:
        raise DomainError(_("Give the due date."), field="due_on")
    with transaction.atomic():
        commitment = commitment or Commitment(dialogue=dialogue, created_by=by)
        commitment.text = text.strip()
        commitment.owner = owner
        commitment.due_on = due_on
        commitment.save()
    return commitment


def commitment_set_status(
    *, commitment: Commitment, status: str, done_on: date | None = None, by
) -> Commitment:
    """Done (on a day, today by default, never in the future), dropped, or open again."""
    _require_staff(by)
    if status not in CommitmentStatus.values:
        raise DomainError(_("Choose a status from the list."), field="status")
    with transaction.atomic():
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if status not in TRANSITIONS[CommitmentStatus(commitment.status)]:
            raise DomainError(
                _("A commitment that is “%(current)s” cannot become “%(new)s”.")
                % {
                    "current": commitment.get_status_display(),
                    "new": CommitmentStatus(status).label,
                },
                field="status",
            )
        if status == CommitmentStatus.DONE:
            done_on = done_on or timezone.localdate()
            if done_on > timezone.localdate():
                raise DomainError(_("The date cannot be in the future."), field="done_on")
            commitment.done_on = done_on
        else:
            commitment.done_on = None
        commitment.status = status
        commitment.save()
    return commitment
