"""The company portal's home: what the company is asked to do, in one place.

Each part of the portal adds its own section to `HOME_SECTIONS`: a function of the view
that returns a `HomeSection` (a template and its context) or None when it has nothing to
show. The home page includes them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from affiliates.mixins import CompanyRequiredMixin
from remediation.models import RemediationAction
from suppliers.models import Disclosure, Supplier

from ..models import Commitment
from ..services.replies import company_finding_replies

HOME_LIST_LENGTH = 10


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: dict = field(default_factory=dict)


def findings_section(view) -> HomeSection:
    """Findings shared with the company that await its answer, nearest deadline first."""
    today = timezone.localdate()
    replies = (
        company_finding_replies(view.reader)
        .awaiting_answer()
        .order_by("right_of_reply__due_date", "pk")
    )
    rows = list(replies[:HOME_LIST_LENGTH])
    count = len(rows) if len(rows) < HOME_LIST_LENGTH else replies.count()
    return HomeSection(
        "engagement/portal/home_findings.html",
        {"replies": rows, "count": count, "today": today},
    )


def disclosures_section(view) -> HomeSection:
    """Open disclosure requests (requested or returned), soonest due first."""
    with scopes_disabled():
        requests = (
            Disclosure.objects.of_contractor(view.company_id)
            .awaiting_contractor()
            .select_related("contract", "affiliate")
            .order_by("due_date", "pk")
        )
        rows = list(requests[:HOME_LIST_LENGTH])
        count = len(rows) if len(rows) < HOME_LIST_LENGTH else requests.count()
    return HomeSection(
        "engagement/portal/home_disclosures.html",
        {"disclosures": rows, "count": count, "today": timezone.localdate()},
    )


def actions_section(view) -> HomeSection:
    """Actions the company owns that are still to be done (planned or claim rejected),
    overdue first."""
    today = timezone.localdate()
    actions = (
        RemediationAction.objects.visible_to(view.reader)
        .open()
        .in_active_cases()
        .select_related("case__factory")
        .order_by("due_date", "pk")
    )
    rows = list(actions[:HOME_LIST_LENGTH])
    count = len(rows) if len(rows) < HOME_LIST_LENGTH else actions.count()
    return HomeSection(
        "engagement/portal/home_actions.html",
        {
            "actions": rows,
            "count": count,
            "overdue_count": actions.filter(due_date__lt=today).count(),
            "today": today,
        },
    )


def commitments_section(view) -> HomeSection | None:
    """Open commitments the company made in a multi-stakeholder dialogue; none, no section."""
    commitments = (
        Commitment.objects.visible_to(view.reader)
        .owned_by_company(view.company_id)
        .open()
        .select_related("dialogue")
        .order_by("due_on", "pk")
    )
    rows = list(commitments[:HOME_LIST_LENGTH])
    if not rows:
        return None
    count = len(rows) if len(rows) < HOME_LIST_LENGTH else commitments.count()
    return HomeSection(
        "engagement/portal/home_commitments.html",
        {"commitments": rows, "count": count, "today": timezone.localdate()},
    )


# What the company is asked to do, in this order.
HOME_SECTIONS: list[Callable[..., HomeSection | None]] = [
    findings_section,
    disclosures_section,
    actions_section,
    commitments_section,
]


class CompanyHomeView(CompanyRequiredMixin, TemplateView):
    template_name = "engagement/company_home.html"

    def get_context_data(self, **kwargs):
        kwargs["company"] = get_object_or_404(Supplier, pk=self.company_id)
        kwargs["home_sections"] = [
            section for make in HOME_SECTIONS if (section := make(self)) is not None
        ]
        return super().get_context_data(**kwargs)
