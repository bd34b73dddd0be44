"""Reads for the dashboards: what the staff and an affiliate see of remediation, in a fixed
number of queries whatever the number of cases, through `visible_to(reader)`."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from .models import CaseStatus, RemediationAction, RemediationCase


def staff_dashboard(reader, today=None) -> dict:
    """What the staff dashboard shows of remediation, in a fixed number of queries."""
    today = today or timezone.localdate()
    cases = RemediationCase.objects.visible_to(reader)
    actions = RemediationAction.objects.visible_to(reader)
    by_status = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    overdue = (
        actions.overdue(today)
        .in_active_cases()
        .select_related("case__factory")
        .order_by("due_date", "pk")[:10]
    )
    stalled = (
        cases.filter(status=CaseStatus.STALLED)
        .select_related("factory")
        .order_by("status_changed_at")[:10]
    )
    return {
        "case_statuses": [
            (value, label, by_status.get(value, 0)) for value, label in CaseStatus.choices
        ],
        "overdue_actions": list(overdue),
        "overdue_action_count": actions.overdue(today).in_active_cases().count(),
        "stalled_cases": list(stalled),
        "today": today,
    }


def affiliate_dashboard(reader, today=None) -> dict:
    """The active cases the affiliate reads, joined ones first, and the overdue actions of
    the plans it reads (those of the cases it joined)."""
    today = today or timezone.localdate()
    affiliate = reader.affiliate
    cases = list(
        RemediationCase.objects.visible_to(reader)
        .active()
        .with_participation_of(affiliate)
        .with_action_counts(today)
        .select_related("factory")
        .order_by("-joined", "-fast_track", "-opened_on")[:10]
    )
    overdue = list(
        RemediationAction.objects.visible_to(reader)
        .overdue(today)
        .in_active_cases()
        .select_related("case__factory")
        .order_by("due_date", "pk")[:10]
    )
    return {"cases": cases, "overdue_actions": overdue, "today": today}
