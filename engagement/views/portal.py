"""The company portal's home: what the company is asked to do, in one place.

Each part of the portal adds its own section to `HOME_SECTIONS`: a function of the view
that returns a `HomeSection` (a template and its context) or None when it has nothing to
show. The home page includes them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from affiliates.mixins import CompanyRequiredMixin
from core.charts import bar_chart
from remediation.models import RemediationAction
from suppliers.models import Disclosure, Supplier

from ..models import Commitment
from ..services.replies import company_finding_replies

HOME_LIST_LENGTH = 10


@dataclass(frozen=True)
class HomeSection:
    template: str
    context: dict = field(default_factory=dict)


def due_chart_section(view) -> HomeSection:
    """What the company must act on, counted and charted first: findings to answer, actions
    overdue or due, disclosure requests overdue or open (three counting queries)."""
    today = timezone.localdate()
    soon = today + timedelta(days=30)
    findings = company_finding_replies(view.reader).awaiting_answer().count()
    actions = (
        RemediationAction.objects.visible_to(view.reader)
        .open()
        .in_active_cases()
        .aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            soon=Count("pk", filter=Q(due_date__gte=today, due_date__lte=soon)),
            later=Count("pk", filter=Q(due_date__gt=soon)),
        )
    )
    with scopes_disabled():
        disclosures = (
            Disclosure.objects.of_contractor(view.company_id)
            .awaiting_contractor()
            .aggregate(
                overdue=Count("pk", filter=Q(due_date__lt=today)),
                open=Count("pk", filter=Q(due_date__gte=today)),
            )
        )
    rows = [
        (_("Findings awaiting your answer"), findings),
        (_("Corrective actions overdue"), actions["overdue"]),
        (_("Corrective actions due within 30 days"), actions["soon"]),
        (_("Corrective actions due later"), actions["later"]),
        (_("Disclosure requests overdue"), disclosures["overdue"]),
        (_("Disclosure requests not yet due"), disclosures["open"]),
    ]
    title = _("What your company must act on")
    return HomeSection(
        "engagement/portal/home_chart.html",
        {
            "title": title,
            "rows": rows if any(n for _label, n in rows) else [],
            "chart": bar_chart(rows, title=title, chart_id="company-due-chart"),
        },
    )


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
    due_chart_section,
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
