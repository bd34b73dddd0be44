"""The right of reply as companies meet it: the e-mail telling a company's contacts that
findings await their answer, the reminders before the deadline, the daily sweep, and what the
portal counts. The rules themselves (who is concerned, when a finding may be shared and
answered, lapse) live with the findings, in `monitoring.replies`.

E-mails name the factory, the number of findings and the deadline, never what the findings
say: the contact reads them in the portal, after signing in with two-factor authentication.

Reminders go through the reminder ledger (`core.reminders`) to each active contact of a
company whose right of reply still has a finding it can answer: 7 days before the deadline
and on the day, once per step, contact and deadline.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value
from django.urls import reverse
from django.utils import timezone

from core.reminders import (
    Schedule,
    Step,
    reminders_record,
    subject_expression,
    user_recipient_expression,
)
from monitoring.models import FindingReply, RightOfReply
from monitoring.replies import rights_of_reply_lapse

from ..models import CompanyContact

REPLY_DUE = Schedule(
    "engagement.reply_due",
    steps=(Step(-7, "due_soon"), Step(0, "due_today")),
)


# What a company's pages never load: testimony and the partner's narrative stay in the
# database, so no template or serializer can show them by mistake.
_NEVER_LOADED = (
    "finding__confidential_text",
    "finding__evidence_summary",
    "right_of_reply__report__summary",
)


def company_finding_replies(reader):
    """The findings shared with the reader's company, with what their pages show."""
    return (
        FindingReply.objects.visible_to(reader)
        .select_related(
            "right_of_reply__report__factory",
            "finding__standard",
            "finding__sub_standard",
        )
        .defer(*_NEVER_LOADED)
    )


def company_rights_of_reply(reader):
    """The reader's company's rights of reply, each with its shared findings."""
    replies = FindingReply.objects.select_related(
        "finding__standard", "finding__sub_standard"
    ).defer("finding__confidential_text", "finding__evidence_summary")
    return (
        RightOfReply.objects.visible_to(reader)
        .select_related("report__factory", "company")
        .defer("report__summary")
        .prefetch_related(Prefetch("replies", queryset=replies))
    )


def awaiting_answer(company_id: int) -> int:
    """How many findings shared with the company await its answer (the portal's home)."""
    return (
        FindingReply.objects.filter(right_of_reply__company_id=company_id).awaiting_answer().count()
    )


def _portal_link() -> str:
    return settings.SITE_URL + reverse("engagement:company_findings")


def _contacts_of(company_ids) -> list[CompanyContact]:
    return list(
        CompanyContact.objects.filter(company_id__in=company_ids, user__is_active=True)
        .select_related("user", "company")
        .order_by("pk")
    )


def notify_shared(rights: list[RightOfReply]) -> int:
    """E-mail each contact of each company that findings await its answer; inside the
    sharing transaction, sent after commit. Returns how many were queued."""
    from core.outbox import Message, outbox_enqueue

    if not rights:
        return 0
    counts = dict(
        RightOfReply.objects.filter(pk__in=[r.pk for r in rights])
        .annotate(n=Count("replies"))
        .values_list("pk", "n")
    )
    right_of = {right.company_id: right for right in rights}
    factory = rights[0].report.factory
    link = _portal_link()
    messages = [
        Message(
            key=f"reply-requested:{right_of[contact.company_id].pk}:{contact.user_id}",
            recipient=contact.user.email,
            template_prefix="engagement/email/reply_requested",
            context={
                "company": contact.company,
                "factory": factory,
                "findings": counts[right_of[contact.company_id].pk],
                "due_date": right_of[contact.company_id].due_date,
                "link": link,
            },
            language=contact.user.language,
        )
        for contact in _contacts_of(right_of)
    ]
    return outbox_enqueue(messages)


def _candidates(today: date):
    """Each right of reply with a finding its company can still answer, once per active
    contact: a query the ledger's statement runs."""
    open_replies = FindingReply.objects.filter(
        right_of_reply=OuterRef("pk"),
        answered_at__isnull=True,
        finding__published_at__isnull=True,
    )
    return RightOfReply.objects.filter(
        Exists(open_replies),
        lapsed_at__isnull=True,
        due_date__gte=today,
        due_date__lte=REPLY_DUE.horizon(today),
        company__contacts__user__is_active=True,
    ).values(
        schedule=Value(REPLY_DUE.name),
        subject=subject_expression(RightOfReply),
        deadline=F("due_date"),
        recipient=user_recipient_expression("company__contacts__user_id"),
    )


def reply_reminders_sweep(*, today: date | None = None) -> int:
    """Queue today's reminders to company contacts; returns how many e-mails were queued.
    One transaction; a rerun queues nothing twice (the ledger)."""
    from affiliates.models import User
    from core.outbox import Message, outbox_enqueue

    today = today or timezone.localdate()
    with transaction.atomic():
        rows = reminders_record(_candidates(today), schedules=[REPLY_DUE], today=today)
        if not rows:
            return 0
        rights = {
            right.pk: right
            for right in RightOfReply.objects.filter(pk__in={row.subject_pk for row in rows})
            .select_related("report__factory", "company")
            .annotate(
                open_count=Count(
                    "replies",
                    filter=Q(
                        replies__answered_at__isnull=True,
                        replies__finding__published_at__isnull=True,
                    ),
                )
            )
        }
        users = User.objects.in_bulk({row.recipient_user_pk for row in rows})
        link = _portal_link()
        messages = []
        for row in rows:
            right, user = rights.get(row.subject_pk), users.get(row.recipient_user_pk)
            if right is None or user is None:
                continue
            messages.append(
                Message(
                    key=f"reply-reminder:{row.pk}",
                    recipient=user.email,
                    template_prefix="engagement/email/reply_reminder",
                    context={
                        "company": right.company,
                        "factory": right.report.factory,
                        "findings": right.open_count,
                        "due_date": right.due_date,
                        "kind": row.kind,
                        "days": (row.deadline - today).days,
                        "link": link,
                    },
                    language=user.language,
                )
            )
        return outbox_enqueue(messages, skip_known=False)


def rights_of_reply_sweep(*, today: date | None = None) -> dict[str, int]:
    """The daily sweep (Celery beat): record the deadlines passed without an answer, then
    remind the contacts of the deadlines ahead."""
    today = today or timezone.localdate()
    lapsed = rights_of_reply_lapse(today=today)
    reminded = reply_reminders_sweep(today=today)
    return {"lapsed": lapsed, "reminded": reminded}
