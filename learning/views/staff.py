"""EW staff's overview of capacity building across the network."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from affiliates.mixins import StaffRequiredMixin
from affiliates.models import Affiliate

from ..models import PostReport
from ..services import overview


class StaffOverviewView(StaffRequiredMixin, TemplateView):
    """Which affiliates use which resources, attendance, self-assessment coverage, and the
    questions waiting for an answer; `?affiliate=<slug>` narrows the resource usage."""

    template_name = "learning/staff/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.request.GET.get("affiliate", "")
        chosen = get_object_or_404(Affiliate, slug=slug) if slug else None
        context.update(
            usage_days=overview.USAGE_DAYS,
            affiliates=Affiliate.objects.filter(is_active=True)
            .order_by("name")
            .only("slug", "name"),
            chosen=chosen,
            usage=overview.resource_usage(affiliate=chosen),
            past_events=overview.event_attendance(),
            upcoming_events=overview.upcoming_events(),
            coverage=overview.assessment_coverage(),
            waiting=overview.threads_waiting(),
            reports_waiting=PostReport.objects.filter(handled=False).count(),
            now=timezone.now(),
        )
        return context
