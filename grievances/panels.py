"""What grievances add to lower apps' pages (core/panels.py): the partner dashboard's open
grievances by how long they have waited."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import bar_chart

from .models import Grievance


def partner_dashboard_panel(request, partner):
    """The partner's open grievances by age (one query), as a chart and its table."""
    today = timezone.localdate()
    week, month = today - timedelta(days=7), today - timedelta(days=30)
    counts = (
        Grievance.objects.visible_to(request.reader)
        .open()
        .aggregate(
            recent=Count("pk", filter=Q(received_on__gte=week)),
            weeks=Count("pk", filter=Q(received_on__lt=week, received_on__gte=month)),
            old=Count("pk", filter=Q(received_on__lt=month)),
            oldest=Min("received_on"),
        )
    )
    rows = [
        (_("Less than 7 days"), counts["recent"]),
        (_("7 to 30 days"), counts["weeks"]),
        (_("More than 30 days"), counts["old"]),
    ]
    title = _("Open grievances, by how long they have waited")
    return render_to_string(
        "grievances/includes/partner_dashboard_panel.html",
        {
            "title": title,
            "rows": rows if any(n for _label, n in rows) else [],
            "chart": bar_chart(
                rows, title=title, unit_label=_("Grievances"), chart_id="partner-grievances-chart"
            ),
            "oldest_days": (today - counts["oldest"]).days if counts["oldest"] else None,
        },
        request=request,
    )
