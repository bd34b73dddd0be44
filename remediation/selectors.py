"""Reads for the dashboards: what the staff and an affiliate see of remediation, in a fixed
number of queries whatever the number of cases, through `visible_to(reader)`.

Each dashboard's part is in two steps: `*_figures()` counts and chooses the rows (plain values
that the dashboards keep in the read-model cache, core/readmodel.py), then the rows shown are
read by their ids, again through `visible_to(reader)`, with what their lines show."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from .models import CaseStatus, RemediationAction, RemediationCase

SHOWN = 10


def _in_order(queryset, ids: list[int]) -> list:
    """The rows of `queryset` with these ids, in the order of `ids` (one query)."""
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def _overdue_actions(reader, today):
    return RemediationAction.objects.visible_to(reader).overdue(today).in_active_cases()


def staff_dashboard_figures(reader, today) -> dict:
    """The staff's counts and the ids of the rows shown (plain values)."""
    cases = RemediationCase.objects.visible_to(reader)
    overdue = _overdue_actions(reader, today)
    return {
        "by_status": dict(cases.order_by().values_list("status").annotate(n=Count("pk"))),
        "overdue_action_count": overdue.count(),
        "overdue_action_ids": list(
            overdue.order_by("due_date", "pk").values_list("pk", flat=True)[:SHOWN]
        ),
        "stalled_case_ids": list(
            cases.filter(status=CaseStatus.STALLED)
            .order_by("status_changed_at", "pk")
            .values_list("pk", flat=True)[:SHOWN]
        ),
    }


def staff_dashboard(reader, today=None, figures: dict | None = None) -> dict:
    """What the staff dashboard shows of remediation, in a fixed number of queries."""
    today = today or timezone.localdate()
    if figures is None:
        figures = staff_dashboard_figures(reader, today)
    by_status = figures["by_status"]
    return {
        "case_statuses": [
            (value, label, by_status.get(value, 0)) for value, label in CaseStatus.choices
        ],
        "overdue_actions": _in_order(
            RemediationAction.objects.visible_to(reader).select_related("case__factory"),
            figures["overdue_action_ids"],
        ),
        "overdue_action_count": figures["overdue_action_count"],
        "stalled_cases": _in_order(
            RemediationCase.objects.visible_to(reader).select_related("factory"),
            figures["stalled_case_ids"],
        ),
        "today": today,
    }


def affiliate_dashboard_figures(reader, today) -> dict:
    """The ids of the active cases the affiliate reads, joined ones first, and of the overdue
    actions of the plans it reads (those of the cases it joined): plain values."""
    cases = (
        RemediationCase.objects.visible_to(reader)
        .active()
        .with_participation_of(reader.affiliate)
        .order_by("-joined", "-fast_track", "-opened_on", "-pk")
    )
    overdue = _overdue_actions(reader, today).order_by("due_date", "pk")
    return {
        "case_ids": list(cases.values_list("pk", flat=True)[:SHOWN]),
        "overdue_action_ids": list(overdue.values_list("pk", flat=True)[:SHOWN]),
    }


def affiliate_dashboard(reader, today=None, figures: dict | None = None) -> dict:
    """The active cases the affiliate reads, joined ones first, and the overdue actions of
    the plans it reads (those of the cases it joined)."""
    today = today or timezone.localdate()
    if figures is None:
        figures = affiliate_dashboard_figures(reader, today)
    cases = _in_order(
        RemediationCase.objects.visible_to(reader)
        .with_participation_of(reader.affiliate)
        .with_action_counts(today)
        .select_related("factory"),
        figures["case_ids"],
    )
    overdue = _in_order(
        RemediationAction.objects.visible_to(reader).select_related("case__factory"),
        figures["overdue_action_ids"],
    )
    return {"cases": cases, "overdue_actions": overdue, "today": today}
