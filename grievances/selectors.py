"""What affiliates may learn about grievances: how many, per factory, above a threshold."""

from django.conf import settings
from django.db.models import Count

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


def grievance_count_context(factory_id: int) -> dict:
    """Template context for `grievances/includes/factory_grievance_count.html`."""
    return {
        "grievance_count": grievance_counts_by_factory([factory_id]).get(factory_id),
        "grievance_count_threshold": settings.EW_GRIEVANCE_COUNT_THRESHOLD,
    }
