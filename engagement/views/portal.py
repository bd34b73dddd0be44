"""The company portal's home: what the company is asked to do, in one place."""

from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from affiliates.mixins import CompanyRequiredMixin
from suppliers.models import Supplier


class CompanyHomeView(CompanyRequiredMixin, TemplateView):
    template_name = "engagement/company_home.html"

    def get_context_data(self, **kwargs):
        kwargs["company"] = get_object_or_404(Supplier, pk=self.company_id)
        return super().get_context_data(**kwargs)
