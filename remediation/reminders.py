"""The daily remediation sweep: action reminders through the reminder ledger, and the weekly
digest for the affiliates that joined a case.

An open action of a running case is reminded to its contact and to the case's staff lead
7 days before its due date, on the day, the day after, then every 7 days while it stays
open (`ACTION_DUE`). The ledger (`core.reminders`) holds one row per action, due date, step
and recipient, written in the same transaction as the e-mails; after days without a sweep
the latest step that fell due goes out once, worded for the day it is sent, and an action
that enters the schedule late gets its current step at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core.reminders import (
    Schedule,
    Step,
    reminders_record,
    subject_expression,
    user_recipient_expression,
)

from .models import (
    ACTIVE_CASE_STATUSES,
    OPEN_ACTION_STATUSES,
    Participation,
    RemediationAction,
)

ACTION_DUE = Schedule(
    "remediation.action_due",
    steps=(Step(-7, "due_soon"), Step(0, "due_today"), Step(1, "overdue")),
    repeat_every=7,
    # An action entered or reopened within 7 days of its due date, or after it, is
    # reminded at once (today's "due within 7 days"), not from its next step on.
    remind_on_sight=True,
)
DIGEST_HORIZON = timedelta(days=7)
# What one e-mail lists at most (a lead's reminders: of each kind; a digest: in all), then
# "N more" and the link to the cases. At network scale one lead's day can hold 80,000 actions
# and an affiliate's week 6,000: listed in full, the e-mail ran to 47 MB (beyond what mail
# servers take) and rendering them was most of the sweep's minute.
EMAIL_LIST_LIMIT = 50


def _candidates(today: date):
    """Every open action of a running case, once for its contact and once for the case's
    lead: a query the ledger's statement runs, whatever the number of actions."""
    actions = RemediationAction.objects.filter(
        status__in=OPEN_ACTION_STATUSES,
        case__status__in=ACTIVE_CASE_STATUSES,
        due_date__lte=ACTION_DUE.horizon(today),
    )
    columns = {
        "schedule": Value(ACTION_DUE.name),
        "subject": subject_expression(RemediationAction),
        "deadline": F("due_date"),
    }
    contacts = actions.exclude(contact_email="").values(**columns, recipient=F("contact_email"))
    leads = actions.filter(case__staff_lead__is_active=True).values(
        **columns, recipient=user_recipient_expression("case__staff_lead_id")
    )
    return contacts.union(leads, all=True)


def reminders_sweep(*, today: date | None = None) -> int:
    """Queue today's action reminders and, on the digest weekday, the affiliates' weekly
    digests; returns how many e-mails were queued. One transaction: a sweep killed half-way
    leaves nothing behind, and the next run does all of it. A day missed by beat is caught up
    by the next run (see `core.reminders`). A fixed number of queries however many cases and
    actions."""
    from core.outbox import Message, outbox_enqueue

    today = today or timezone.localdate()
    with transaction.atomic():
        rows = reminders_record(_candidates(today), schedules=[ACTION_DUE], today=today)
        actions = RemediationAction.objects.filter(
            pk__in={row.subject_pk for row in rows}
        ).select_related("case__factory", "case__staff_lead")
        action_of = {action.pk: action for action in actions}
        # An action deleted since the ledger statement ran has nothing left to remind of.
        rows = [row for row in rows if row.subject_pk in action_of]
        rows.sort(key=lambda r: (action_of[r.subject_pk].case_id, r.deadline, r.subject_pk))
        messages = []
        by_lead = defaultdict(list)
        for row in rows:
            action = action_of[row.subject_pk]
            if row.recipient_user_pk is not None:
                by_lead[row.recipient_user_pk].append((row, action))
                continue
            messages.append(
                Message(
                    key=f"action-reminder:{row.pk}",
                    recipient=row.recipient,
                    template_prefix="remediation/email/action_reminder",
                    context={
                        "action": action,
                        "case": action.case,
                        "kind": row.kind,
                        "days": abs((row.deadline - today).days),
                        "today": today,
                        "staff_lead": action.case.staff_lead,
                    },
                    language=action.contact_language,
                )
            )
        cases_link = settings.SITE_URL + reverse("remediation:staff_cases")
        for items in by_lead.values():
            lead = items[0][1].case.staff_lead
            shown = _first_of_each_kind(items)
            totals = Counter(row.kind for row, _action in items)
            messages.append(
                Message(
                    key=f"action-reminders-lead:{lead.pk}:{min(row.pk for row, _a in items)}",
                    recipient=lead.email,
                    template_prefix="remediation/email/lead_reminders",
                    context={
                        "items": [
                            {
                                "action": action,
                                "case": action.case,
                                "kind": row.kind,
                                "days": abs((row.deadline - today).days),
                                "link": settings.SITE_URL + action.case.get_absolute_url(),
                                "kind_total": totals[row.kind],  # listed or not
                            }
                            for row, action in shown
                        ],
                        "count": len(items),
                        "more": len(items) - len(shown),
                        "cases_link": cases_link,
                        "today": today,
                    },
                    language=lead.language,
                )
            )
        queued = outbox_enqueue(messages, skip_known=False)
        if today.weekday() == settings.EW_DIGEST_WEEKDAY:
            queued += _queue_weekly_digests(today)
    return queued


def _first_of_each_kind(items):
    """The (row, action) pairs a lead's e-mail lists: the first `EMAIL_LIST_LIMIT` of each
    kind (overdue, due today, due within 7 days), in their order."""
    seen: dict[str, int] = defaultdict(int)
    shown = []
    for row, action in items:
        if seen[row.kind] < EMAIL_LIST_LIMIT:
            seen[row.kind] += 1
            shown.append((row, action))
    return shown


def _digest_context(affiliate, case_ids, actions_of, today: date, settings_link: str):
    """What an affiliate's digest lists: the open actions due within the horizon in the
    running cases it joined, case by case, the first `EMAIL_LIST_LIMIT` of them (the count
    says how many in all); None when there is nothing."""
    items = []
    count = 0
    for case_id in sorted(case_ids):
        actions = actions_of.get(case_id)
        if not actions:
            continue
        count += len(actions)
        room = EMAIL_LIST_LIMIT - len(items)
        if room <= 0:
            continue
        link = settings.SITE_URL + actions[0].case.get_affiliate_url(affiliate.slug)
        items.extend(
            {
                "action": action,
                "case": action.case,
                "overdue": action.due_date < today,
                "link": link,
            }
            for action in actions[:room]
        )
    if not items:
        return None
    return {
        "affiliate": affiliate,
        "items": items,
        "count": count,
        "more": count - len(items),
        "today": today,
        "settings_link": settings_link,
        "cases_link": settings.SITE_URL
        + reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": affiliate.slug}),
    }


def _queue_weekly_digests(today: date) -> int:
    """Every member of an affiliate that joined active cases gets, once a week, what is
    overdue or due within 7 days in those cases, unless they muted digests. Not a deadline
    reminder: the outbox key (affiliate, user, ISO week) keeps it to one a week."""
    from affiliates.models import Membership
    from core.outbox import Message, outbox_enqueue

    participations = list(
        Participation.objects.filter(
            joined_on__isnull=False, case__status__in=ACTIVE_CASE_STATUSES
        ).values_list("affiliate_id", "case_id")
    )
    if not participations:
        return 0
    cases_of: dict[int, set[int]] = defaultdict(set)
    for affiliate_id, case_id in participations:
        cases_of[affiliate_id].add(case_id)
    actions_of: dict[int, list[RemediationAction]] = defaultdict(list)
    for action in (
        RemediationAction.objects.open()
        .filter(
            case_id__in={case_id for _a, case_id in participations},
            due_date__lte=today + DIGEST_HORIZON,
        )
        .select_related("case__factory")
        .order_by("due_date", "pk")
    ):
        actions_of[action.case_id].append(action)
    with scopes_disabled():
        memberships = list(
            Membership.objects.filter(
                affiliate_id__in=cases_of,
                affiliate__is_active=True,
                user__is_active=True,
                user__mute_case_digests=False,
            ).select_related("user", "affiliate")
        )
    year, week, _day = today.isocalendar()
    settings_link = settings.SITE_URL + reverse("affiliates:account")
    # One context per affiliate, shared by its members: the outbox renders it once per
    # language, and what it lists does not depend on who reads it.
    contexts: dict[int, dict | None] = {}
    messages = []
    for membership in memberships:
        affiliate_id = membership.affiliate_id
        if affiliate_id not in contexts:
            contexts[affiliate_id] = _digest_context(
                membership.affiliate, cases_of[affiliate_id], actions_of, today, settings_link
            )
        context = contexts[affiliate_id]
        if context is None:
            continue
        messages.append(
            Message(
                key=f"case-digest:{affiliate_id}:{membership.user_id}:{year}-W{week:02d}",
                recipient=membership.user.email,
                template_prefix="remediation/email/digest",
                context=context,
                language=membership.user.language,
            )
        )
    return outbox_enqueue(messages)
