"""The lead monitoring partner's remediation pages (under /partner/cases/): the cases its
organisation leads, without internal entries. What it posts goes through `shared`."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView

from affiliates.mixins import PartnerRequiredMixin
from core.exports import ExportMixin
from core.views import ListView
from monitoring.models import Finding

from ..compensation import compensations_with_payments
from ..forms import RejectClaimForm, UpdateForm
from ..models import CaseUpdate, RemediationCase
from .shared import (
    actions_with_progress,
    case_columns,
    companies,
    employer_pays,
    prefetch_updates,
)


class PartnerCaseListView(ExportMixin, PartnerRequiredMixin, ListView):
    export_columns = case_columns()

    template_name = "remediation/partner_cases.html"
    context_object_name = "cases"
    paginate_by = 50

    def get_queryset(self):
        return (
            RemediationCase.objects.visible_to(self.reader)
            .with_action_counts()
            .select_related("factory")
            .order_by("-opened_on", "-pk")
        )


class PartnerCaseDetailView(PartnerRequiredMixin, DetailView):
    template_name = "remediation/partner_case.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return get_object_or_404(
            RemediationCase.objects.visible_to(self.reader)
            .select_related("factory", "staff_lead")
            .prefetch_related(
                Prefetch(
                    "findings",
                    queryset=Finding.objects.visible_to(self.reader).select_related(
                        "report", "standard"
                    ),
                ),
                Prefetch("companies", queryset=companies()),
                Prefetch("actions", queryset=actions_with_progress(self.reader)),
                Prefetch("compensations", queryset=compensations_with_payments()),
                "escalations",
                prefetch_updates(CaseUpdate.objects.visible_to(self.reader)),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            audience="partner",
            today=today,
            **employer_pays(self.object.compensations.all(), today),
            update_form=UpdateForm(partner_view=True),
            reject_form=RejectClaimForm(),
            **kwargs,
        )
