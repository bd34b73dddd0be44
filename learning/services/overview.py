"""EW staff's view of capacity building across the network: which affiliates use which
resources, attendance at events, self-assessment coverage, and questions waiting for an
answer. Staff read every affiliate's name; each block is a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Affiliate

from ..models import Assessment, Event, Registration, ResourceUse, Thread

USAGE_DAYS = 90
ROWS = 15


@dataclass
class Coverage:
    affiliates: int
    completed: int
    drafting: int
    never: list[str]
    never_count: int


def resource_usage(*, days: int = USAGE_DAYS, affiliate: Affiliate | None = None) -> list[dict]:
    """The most used resources of the last `days`: views, downloads, and which affiliates."""
    uses = ResourceUse.objects.filter(day__gte=timezone.localdate() - timedelta(days=days))
    if affiliate is not None:
        uses = uses.filter(affiliate=affiliate)
    rows = (
        uses.values("resource_id")
        .annotate(
            views=Sum("views"),
            downloads=Sum("downloads"),
            affiliate_count=Count("affiliate", distinct=True),
            affiliate_names=ArrayAgg("affiliate__name", distinct=True, order_by="affiliate__name"),
        )
        .order_by("-views", "-downloads", "resource_id")[:ROWS]
    )
    rows = list(rows)
    from ..models import Resource

    resources = Resource.objects.prefetch_related("versions").in_bulk(
        [row["resource_id"] for row in rows]
    )
    for row in rows:
        row["resource"] = resources.get(row["resource_id"])
        row["shown_names"] = row["affiliate_names"][:5]
        row["more_names"] = max(len(row["affiliate_names"]) - 5, 0)
    return [row for row in rows if row["resource"] is not None]


def event_attendance(*, limit: int = ROWS) -> list[Event]:
    """Recent past events with their registrations counted by outcome, newest first."""
    return list(
        Event.objects.past()
        .exclude(status=Event.Status.CANCELLED)
        .annotate(
            attended=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.ATTENDED)
            ),
            absent=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.ABSENT)
            ),
            unmarked=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)
            ),
        )
        .order_by("-starts_at")[:limit]
    )


def upcoming_events(*, limit: int = ROWS) -> list[Event]:
    return list(
        Event.objects.upcoming()
        .filter(status=Event.Status.SCHEDULED)
        .with_counts()
        .order_by("starts_at")[:limit]
    )


def assessment_coverage() -> Coverage:
    """How many active affiliates have completed a self-assessment, are drafting one, or never
    started; the names of some that never did, for staff to follow up."""
    with scopes_disabled():
        completed = Assessment.objects.filter(
            affiliate=OuterRef("pk"), status=Assessment.Status.COMPLETED
        )
        drafting = Assessment.objects.filter(
            affiliate=OuterRef("pk"), status=Assessment.Status.DRAFT
        )
        affiliates = Affiliate.objects.filter(is_active=True).annotate(
            has_completed=Exists(completed), has_draft=Exists(drafting)
        )
        counts = affiliates.aggregate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(has_completed=True)),
            drafting=Count("pk", filter=Q(has_draft=True, has_completed=False)),
        )
        never = affiliates.filter(has_completed=False, has_draft=False).order_by("name")
        names = list(never.values_list("name", flat=True)[:ROWS])
    never_count = counts["total"] - counts["completed"] - counts["drafting"]
    return Coverage(
        affiliates=counts["total"],
        completed=counts["completed"],
        drafting=counts["drafting"],
        never=names,
        never_count=never_count,
    )


def threads_waiting(*, limit: int = ROWS) -> list[Thread]:
    """Questions nobody has answered yet, the oldest first."""
    return list(
        Thread.objects.with_counts()
        .waiting_for_answer()
        .select_related("topic", "author", "author_affiliate", "author_partner")
        .order_by("created_at")[:limit]
    )
