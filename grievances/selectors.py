"""What affiliates may learn about grievances: how many, per factory, above a threshold."""

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth

from core import periods

from .models import Grievance


def grievance_counts_by_factory(factory_ids, *, received_between=None) -> dict[int, int]:
    """{factory id: number of grievances}, only where the number is at least
    `EW_GRIEVANCE_COUNT_THRESHOLD`: a small count could point at the few who complained.
    `received_between` (first day, last day) counts only the grievances of a period."""
    grievances = Grievance.objects.filter(factory_id__in=list(factory_ids))
    if received_between is not None:
        grievances = grievances.filter(received_on__range=received_between)
    rows = (
        grievances.values("factory_id")
        .annotate(count=Count("pk"))
        .filter(count__gte=settings.EW_GRIEVANCE_COUNT_THRESHOLD)
        .order_by()
    )
    return {row["factory_id"]: row["count"] for row in rows}


def grievance_counts_for_period(factory_ids, start, end) -> dict[int, int]:
    """{factory id: grievances received in a reportable period (core.periods)}, shown only
    where no other reportable period lets a small count be computed by subtraction.

    A count is shown when it reaches the threshold and, for every period nested inside it
    whose own count is shown, the difference is zero or reaches the threshold too. Periods
    nest or are disjoint, so any two shown counts differ by 0 or by at least the threshold.
    """
    period = periods.as_period(start, end)
    if period is None:
        raise ValueError(f"not a reportable period: {start}–{end}")
    threshold = settings.EW_GRIEVANCE_COUNT_THRESHOLD
    rows = (
        Grievance.objects.filter(factory_id__in=list(factory_ids), received_on__range=(start, end))
        .annotate(month=TruncMonth("received_on"))
        .values("factory_id", "month")
        .annotate(count=Count("pk"))
        .order_by()
    )
    monthly: dict[int, dict[int, int]] = {}
    for row in rows:
        month = periods.month_index(row["month"])
        monthly.setdefault(row["factory_id"], {})[month] = row["count"]
    shown = {}
    for factory_id, months in monthly.items():
        if _shown(period, months, threshold, {}):
            shown[factory_id] = _count(period, months)
    return shown


def _count(period, months: dict[int, int]) -> int:
    return sum(count for month, count in months.items() if period[0] <= month <= period[1])


def _shown(period, months, threshold, memo) -> bool:
    if period not in memo:
        total = _count(period, months)
        memo[period] = total >= threshold and not any(
            0 < total - _count(inner, months) < threshold and _shown(inner, months, threshold, memo)
            for inner in periods.nested(period)
        )
    return memo[period]


def grievance_count_context(factory_id: int) -> dict:
    """Template context for `grievances/includes/factory_grievance_count.html`."""
    return {
        "grievance_count": grievance_counts_by_factory([factory_id]).get(factory_id),
        "grievance_count_threshold": settings.EW_GRIEVANCE_COUNT_THRESHOLD,
    }


# Staff's factory picker returns at most this many: narrower words find one further down.
FACTORY_SEARCH_LIMIT = 15


def factories_matching(query: str | None) -> tuple[list, bool]:
    """(active factories whose name or region contains `query`, whether there were more).
    Fewer than two characters match nothing."""
    from django.db.models import Q

    from suppliers.models import Factory

    query = (query or "").strip()[:100]
    if len(query) < 2:
        return [], False
    found = list(
        Factory.objects.active()
        .filter(Q(name__icontains=query) | Q(region__icontains=query))
        .only("pk", "name", "region", "country")
        .order_by("name", "pk")[: FACTORY_SEARCH_LIMIT + 1]
    )
    return found[:FACTORY_SEARCH_LIMIT], len(found) > FACTORY_SEARCH_LIMIT
