from django.views.generic import TemplateView

from affiliates.mixins import PartnerRequiredMixin


class PartnerDashboardView(PartnerRequiredMixin, TemplateView):
    template_name = "monitoring/partner_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.partner
        return context
