"""Industry engagement's daily sweep, through the reminder ledger (`core.reminders`):

- an RBA referral still awaiting the RBA's response reminds the staff member who referred
  it on the day the response is due, and once more the day after (`REFERRAL_RESPONSE_DUE`:
  no repeat, so a referral past its due date reminds once);
- an open dialogue commitment reminds its owner 7 days before its due date, on the day, the
  day after and then weekly while open (`COMMITMENT_DUE`): an affiliate's admins, a
  company's contacts on the platform, or else the participant's contact address (an
  organisation's own address when the participant has none).

One transaction writes the ledger rows and queues their e-mails; a rerun adds nothing, and
a day beat missed is caught up once (see `core.reminders`). A fixed number of queries
however many referrals and commitments.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership, User
from core.outbox import Message, outbox_enqueue
from core.reminders import (
    Schedule,
    Step,
    reminders_record,
    subject_expression,
    user_recipient_expression,
)

from ..models import Commitment, RbaReferral

REFERRAL_RESPONSE_DUE = Schedule(
    "engagement.rba_response_due",
    steps=(Step(0, "due_today"), Step(1, "overdue")),
    remind_on_sight=True,  # a referral recorded late, past its due date, reminds at once
)
COMMITMENT_DUE = Schedule(
    "engagement.commitment_due",
    steps=(Step(-7, "due_soon"), Step(0, "due_today"), Step(1, "overdue")),
    repeat_every=7,
    remind_on_sight=True,
)


def _referral_candidates(today: date):
    return (
        RbaReferral.objects.filter(
            status=RbaReferral.Status.OPEN,
            response_due__lte=REFERRAL_RESPONSE_DUE.horizon(today),
            referred_by__is_active=True,
        )
        .values(
            schedule=Value(REFERRAL_RESPONSE_DUE.name),
            subject=subject_expression(RbaReferral),
            deadline=F("response_due"),
            recipient=user_recipient_expression("referred_by_id"),
        )
        .order_by()
    )


def _commitment_candidates(today: date):
    commitments = Commitment.objects.filter(
        status=Commitment.Status.OPEN, due_on__lte=COMMITMENT_DUE.horizon(today)
    )
    columns = {
        "schedule": Value(COMMITMENT_DUE.name),
        "subject": subject_expression(Commitment),
        "deadline": F("due_on"),
    }
    admins = commitments.filter(
        owner__affiliate__is_active=True,
        owner__affiliate__memberships__role__in=Membership.ADMIN_ONLY,
        owner__affiliate__memberships__user__is_active=True,
    ).values(
        **columns,
        recipient=user_recipient_expression("owner__affiliate__memberships__user_id"),
    )
    contacts = commitments.filter(
        owner__company__isnull=False, owner__company__contacts__user__is_active=True
    ).values(**columns, recipient=user_recipient_expression("owner__company__contacts__user_id"))
    address = Coalesce(
        NullIf(F("owner__contact_email"), Value("")),
        NullIf(F("owner__organisation__contact_email"), Value("")),
    )
    others = (
        commitments.filter(owner__affiliate__isnull=True, owner__company__isnull=True)
        .annotate(address=address)
        .filter(address__isnull=False)
        .values(**columns, recipient=F("address"))
    )
    return admins.order_by().union(contacts.order_by(), others.order_by(), all=True)


def engagement_reminders_sweep(*, today: date | None = None) -> int:
    """Queue today's referral and commitment reminders; returns how many were queued."""
    today = today or timezone.localdate()
    # Across affiliates (their admins are among the recipients): the explicit bypass.
    with transaction.atomic(), scopes_disabled():
        referral_rows = reminders_record(
            _referral_candidates(today), schedules=[REFERRAL_RESPONSE_DUE], today=today
        )
        commitment_rows = reminders_record(
            _commitment_candidates(today), schedules=[COMMITMENT_DUE], today=today
        )
        messages = _referral_messages(referral_rows, today) + _commitment_messages(
            commitment_rows, today
        )
        return outbox_enqueue(messages, skip_known=False)


def _referral_messages(rows, today: date) -> list[Message]:
    referrals = {
        referral.pk: referral
        for referral in RbaReferral.objects.filter(
            pk__in={row.subject_pk for row in rows}
        ).select_related("case__factory", "referred_by")
    }
    messages = []
    for row in rows:
        referral = referrals.get(row.subject_pk)
        if referral is None:  # deleted since the ledger statement ran
            continue
        messages.append(
            Message(
                key=f"rba-referral-reminder:{row.pk}",
                recipient=referral.referred_by.email,
                template_prefix="engagement/email/referral_reminder",
                context={
                    "referral": referral,
                    "case": referral.case,
                    "kind": row.kind,
                    "days": abs((row.deadline - today).days),
                    "link": settings.SITE_URL + referral.get_absolute_url(),
                },
                language=referral.referred_by.language,
            )
        )
    return messages


def _commitment_messages(rows, today: date) -> list[Message]:
    commitments = {
        commitment.pk: commitment
        for commitment in Commitment.objects.filter(
            pk__in={row.subject_pk for row in rows}
        ).select_related("dialogue__created_by", "owner__affiliate", "owner__company")
    }
    users = User.objects.in_bulk(
        {row.recipient_user_pk for row in rows if row.recipient_user_pk is not None}
    )
    messages = []
    for row in rows:
        commitment = commitments.get(row.subject_pk)
        if commitment is None:
            continue
        owner = commitment.owner
        link = ""
        if row.recipient_user_pk is not None:
            user = users.get(row.recipient_user_pk)
            if user is None:
                continue
            recipient, language = user.email, user.language
            if owner.affiliate_id:
                link = settings.SITE_URL + reverse(
                    "engagement:affiliate_dialogue",
                    kwargs={"affiliate_slug": owner.affiliate.slug, "pk": commitment.dialogue_id},
                )
            elif owner.company_id:
                link = settings.SITE_URL + reverse(
                    "engagement:company_dialogue", kwargs={"pk": commitment.dialogue_id}
                )
        else:
            recipient, language = row.recipient, settings.LANGUAGE_CODE
        messages.append(
            Message(
                key=f"commitment-reminder:{row.pk}",
                recipient=recipient,
                template_prefix="engagement/email/commitment_reminder",
                context={
                    "commitment": commitment,
                    "dialogue": commitment.dialogue,
                    # The owner is the recipient's own party: its name is no secret to it.
                    "owner": owner.full_label(),
                    "kind": row.kind,
                    "days": abs((row.deadline - today).days),
                    "link": link,
                    "staff": commitment.dialogue.created_by,
                },
                language=language or settings.LANGUAGE_CODE,
            )
        )
    return messages
