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
from ..forms import CaseStatusFilterForm, RejectClaimForm, UpdateForm
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
        visible = RemediationCase.objects.visible_to(self.reader)
        # The statuses the organisation's cases hold, counted once until the data change.
        self.filters = CaseStatusFilterForm(
            self.request.GET, cases=visible, cache_parts=("partner", self.reader.partner_id)
        )
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.status = data.get("status") or ""
        cases = visible.filter(status=self.status) if self.status else visible
        return cases.with_action_counts().select_related("factory").order_by("-opened_on", "-pk")

    def get_paginator(self, *args, **kwargs):
        # The capped count of the organisation's cases with the status filtered on: kept
        # until the data change, per partner; the rows are read live.
        paginator = super().get_paginator(*args, **kwargs)
        paginator.cache_count(
            "remediation.partner_cases.count", ("partner", self.reader.partner_id, self.status)
        )
        return paginator

    def get_context_data(self, **kwargs):
        # `filter_form` too: an export with a bad filter is refused (core/exports.py).
        return super().get_context_data(filters=self.filters, filter_form=self.filters, **kwargs)


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
