"""Reads for the dashboards: what the staff and an affiliate see of remediation, in a fixed
number of queries whatever the number of cases."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from .models import CaseStatus, RemediationAction, RemediationCase


def staff_dashboard(today=None) -> dict:
    """What the staff dashboard shows of remediation, in a fixed number of queries."""
    today = today or timezone.localdate()
    by_status = dict(
        RemediationCase.objects.order_by().values_list("status").annotate(n=Count("pk"))
    )
    overdue = (
        RemediationAction.objects.overdue(today)
        .in_active_cases()
        .select_related("case__factory")
        .order_by("due_date", "pk")[:10]
    )
    stalled = (
        RemediationCase.objects.filter(status=CaseStatus.STALLED)
        .select_related("factory")
        .order_by("status_changed_at")[:10]
    )
    return {
        "case_statuses": [
            (value, label, by_status.get(value, 0)) for value, label in CaseStatus.choices
        ],
        "overdue_actions": list(overdue),
        "overdue_action_count": RemediationAction.objects.overdue(today).in_active_cases().count(),
        "stalled_cases": list(stalled),
        "today": today,
    }


def affiliate_dashboard(affiliate, today=None) -> dict:
    today = today or timezone.localdate()
    cases = list(
        RemediationCase.objects.visible_to_affiliate(affiliate)
        .active()
        .with_participation_of(affiliate)
        .with_action_counts(today)
        .select_related("factory")
        .order_by("-joined", "-fast_track", "-opened_on")[:10]
    )
    overdue = list(
        RemediationAction.objects.overdue(today)
        .in_active_cases()
        .filter(case__in=RemediationCase.objects.joined_by(affiliate))
        .select_related("case__factory")
        .order_by("due_date", "pk")[:10]
    )
    return {"cases": cases, "overdue_actions": overdue, "today": today}
