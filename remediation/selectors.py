"""Reads for the dashboards: what the staff and an affiliate see of remediation, in a fixed
number of queries whatever the number of cases, through `visible_to(reader)`.

The results are plain values (the dashboards keep them in the read-model cache,
core/readmodel.py): counts, and the few rows listed as `DashboardCase` / `DashboardAction`,
with what their lines show. And `case_page_rows`: what a page of the cases API shows of each
case's plan, timeline and participants, read as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from monitoring.models import Finding
from suppliers.models import Factory

from .compensation import compensations_with_payments
from .models import CaseStatus, CaseUpdate, Participation, RemediationAction, RemediationCase

SHOWN = 10


@dataclass(frozen=True)
class DashboardCase:
    pk: int
    reference: str
    title: str
    factory_name: str
    status_label: str
    status_changed_at: datetime | None
    joined: bool = False
    overdue_count: int = 0


@dataclass(frozen=True)
class DashboardAction:
    pk: int
    case_id: int
    case_reference: str
    factory_name: str
    description: str
    owner_name: str
    due_date: date


def _case(case) -> DashboardCase:
    return DashboardCase(
        pk=case.pk,
        reference=case.reference,
        title=case.title,
        factory_name=case.factory_name if hasattr(case, "factory_name") else case.factory.name,
        status_label=str(case.get_status_display()),
        status_changed_at=case.status_changed_at,
        joined=bool(getattr(case, "joined", False)),
        overdue_count=getattr(case, "overdue_count", 0) or 0,
    )


def _actions(actions) -> list[DashboardAction]:
    return [
        DashboardAction(
            pk=action.pk,
            case_id=action.case_id,
            case_reference=action.case.reference,
            factory_name=action.case.factory.name,
            description=action.description,
            owner_name=action.owner_name,
            due_date=action.due_date,
        )
        for action in actions.select_related("case__factory").order_by("due_date", "pk")[:SHOWN]
    ]


def staff_dashboard(reader, today=None) -> dict:
    """What the staff dashboard shows of remediation, in a fixed number of queries."""
    today = today or timezone.localdate()
    cases = RemediationCase.objects.visible_to(reader)
    overdue = RemediationAction.objects.visible_to(reader).overdue(today).in_active_cases()
    by_status = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    stalled = (
        cases.filter(status=CaseStatus.STALLED)
        .select_related("factory")
        .order_by("status_changed_at", "pk")[:SHOWN]
    )
    return {
        "case_statuses": [
            (value, str(label), by_status.get(value, 0)) for value, label in CaseStatus.choices
        ],
        "overdue_actions": _actions(overdue),
        "overdue_action_count": overdue.count(),
        "stalled_cases": [_case(case) for case in stalled],
        "today": today,
    }


def affiliate_dashboard(reader, today=None) -> dict:
    """The active cases the affiliate reads, joined ones first, and the overdue actions of
    the plans it reads (those of the cases it joined)."""
    today = today or timezone.localdate()
    affiliate = reader.affiliate
    cases = (
        RemediationCase.objects.visible_to(reader)
        .active()
        .with_participation_of(affiliate)
        .with_action_counts(today)
        # The factory's name by a subquery, read for the SHOWN rows after the LIMIT: joined,
        # every site of the registry would be hashed for the thousands of candidate cases.
        .annotate(
            factory_name=Subquery(
                Factory.objects.filter(pk=OuterRef("factory_id")).values("name")[:1]
            )
        )
        .order_by("-joined", "-fast_track", "-opened_on", "-pk")[:SHOWN]
    )
    overdue = RemediationAction.objects.visible_to(reader).overdue(today).in_active_cases()
    return {
        "cases": [_case(case) for case in cases],
        "overdue_actions": _actions(overdue),
        "today": today,
    }


# --- A page of the cases API ----------------------------------------------------------------

_UPDATE_COLUMNS = {
    "staff": ("id", "case_id", "audience", "text", "author__email", "created_at"),
    # Whether the author may be named to a partner (`PartnerCaseUpdateSerializer`).
    "partner": (
        "id",
        "case_id",
        "audience",
        "text",
        "author__email",
        "author__is_ew_staff",
        "author__partner_membership",
        "created_at",
    ),
    "affiliate": ("id", "case_id", "text", "created_at"),
}


def _by_case(rows) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["case_id"], []).append(row)
    return grouped


def _by_case_id(instances) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for instance in instances:
        grouped.setdefault(instance.case_id, []).append(instance)
    return grouped


def case_page_rows(reader, cases) -> None:
    """Give each case of an API page what its reader's shape shows of the plan, the timeline
    and the participants (`remediation.serializers`), read through their own
    `visible_to(reader)` as plain rows (dicts of `values()`: some 900 model instances a staff
    page no longer builds), in a fixed number of queries: `visible_actions`,
    `visible_updates`, and for staff `participant_rows`; for an affiliate, only in the cases
    it joined (the others show their summary), also `finding_ids` (staff's and partners' are
    read with the case, `CaseQuerySet.with_finding_ids`); and `compensation_rows`, as
    instances with their payments (their figures are computed from them), read for the page
    at once rather than through a prefetch's related manager per case."""
    cases = list(cases)
    if reader.is_affiliate:
        shown = [case for case in cases if case.joined]
        kind = "affiliate"
    else:
        shown = cases
        kind = "staff" if reader.is_staff else "partner"
    ids = [case.pk for case in shown]
    actions = updates = participants = findings = compensations = {}
    if ids:
        actions = _by_case(
            RemediationAction.objects.visible_to(reader).filter(case_id__in=ids).values()
        )
        updates = _by_case(
            CaseUpdate.objects.visible_to(reader)
            .filter(case_id__in=ids)
            .values(*_UPDATE_COLUMNS[kind])
        )
        if reader.is_staff:
            participants = _by_case(
                Participation.objects.filter(case_id__in=ids).values(
                    "case_id", "affiliate__slug", "invited_on", "joined_on"
                )
            )
            for rows in participants.values():
                for row in rows:
                    row["has_joined"] = row["joined_on"] is not None
        if reader.is_affiliate:
            findings = {}
            for case_id, finding_id in (
                Finding.objects.visible_to(reader)
                .filter(remediation_cases__in=ids)
                .order_by("pk")
                .values_list("remediation_cases", "pk")
            ):
                findings.setdefault(case_id, []).append(finding_id)
        compensations = _by_case_id(
            compensations_with_payments(with_steps=False).filter(case_id__in=ids)
        )
    for case in shown:
        case.visible_actions = actions.get(case.pk, [])
        case.visible_updates = updates.get(case.pk, [])
        case.compensation_rows = compensations.get(case.pk, [])
        if reader.is_staff:
            case.participant_rows = participants.get(case.pk, [])
        if reader.is_affiliate:
            case.finding_ids = findings.get(case.pk, [])
