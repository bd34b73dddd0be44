"""Affiliates' remediation pages (under /a/<affiliate_slug>/cases/): the summary of the
cases at factories in the supply chain or it was invited to; once joined, the plan, the
affiliates' timeline, the engagement log and the letter to the contractor."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import AffiliateViewMixin
from core.errors import DomainError
from core.exports import ExportMixin
from core.views import ListView, ServiceActionMixin
from monitoring.models import Finding

from .. import services
from ..compensation import compensations_with_payments
from ..forms import CaseStatusFilterForm, EngagementForm, LetterForm
from ..models import CaseUpdate, Engagement, Participation, RemediationCase
from .shared import (
    actions_with_progress,
    case_columns,
    download,
    employer_pays,
    form_error,
)


class AffiliateCaseMixin(AffiliateViewMixin):
    def visible_cases(self):
        return RemediationCase.objects.visible_to(self.reader)

    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                self.visible_cases()
                .with_participation_of(self.affiliate)
                .select_related("factory"),
                pk=self.kwargs["pk"],
            )
        return self._case

    def get_success_url(self):
        return reverse(
            "remediation:affiliate_case",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.get_case().pk},
        )

    def require_joined(self) -> RemediationCase:
        case = self.get_case()
        if not case.joined:
            raise DomainError(_("Join the case first."))
        return case


class AffiliateCaseListView(ExportMixin, AffiliateCaseMixin, ListView):
    export_columns = case_columns(affiliate=True)

    template_name = "remediation/affiliate_cases.html"
    context_object_name = "cases"
    paginate_by = 25
    model = RemediationCase

    def get_queryset(self):
        visible = self.visible_cases()
        # The statuses the visible cases hold, counted once per affiliate until the data change.
        self.filters = CaseStatusFilterForm(
            self.request.GET, cases=visible, cache_parts=("affiliate", self.affiliate.pk)
        )
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.status = data.get("status") or ""
        cases = visible.filter(status=self.status) if self.status else visible
        return (
            cases.with_participation_of(self.affiliate)
            .with_action_counts()
            # The factories of the page's rows only (one query): joined in the list's query,
            # every visible case would be joined to its factory before the sort.
            .prefetch_related("factory")
            .order_by("-joined", "-fast_track", "-opened_on", "-pk")
        )

    def get_paginator(self, *args, **kwargs):
        # The capped count of the visible cases (the supply chain's and the invited ones) with
        # the status filtered on: kept until the data change, per affiliate; rows read live.
        paginator = super().get_paginator(*args, **kwargs)
        paginator.cache_count(
            "remediation.affiliate_cases.count", ("affiliate", self.affiliate.pk, self.status)
        )
        return paginator

    def get_context_data(self, **kwargs):
        # `filter_form` too: an export with a bad filter is refused (core/exports.py).
        return super().get_context_data(filters=self.filters, filter_form=self.filters, **kwargs)


class AffiliateCaseDetailView(AffiliateCaseMixin, DetailView):
    """The summary for every affiliate buying from the factory; the plan, the affiliates'
    timeline and the engagement log once the affiliate has joined."""

    template_name = "remediation/affiliate_case.html"
    context_object_name = "case"
    model = RemediationCase

    def get_object(self, queryset=None):
        return self.get_case()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context["today"] = timezone.localdate()
        context["joined"] = case.joined
        context["participants"] = Participation.objects.filter(
            case=case, joined_on__isnull=False
        ).count()
        if not case.joined:
            return context
        contracts = services.contracts_for_letter(case, self.affiliate)
        compensations = list(compensations_with_payments().filter(case=case))
        context.update(employer_pays(compensations, context["today"]))
        context.update(
            actions=list(actions_with_progress(self.reader).filter(case=case)),
            compensations=compensations,
            escalations=list(case.escalations.all()),
            updates=list(
                CaseUpdate.objects.visible_to(self.reader)
                .filter(case=case)
                .select_related("author__partner_membership")
                .prefetch_related("attachments")
            ),
            findings=list(
                Finding.objects.visible_to(self.reader)
                .filter(remediation_cases=case)
                .with_display_relations()
            ),
            # Affiliates are never named to each other: a count, as in the API.
            other_participants=max(context["participants"] - 1, 0),
            worker_count_threshold=settings.EW_GRIEVANCE_COUNT_THRESHOLD,
            engagements=list(
                Engagement.objects.filter(case=case).select_related("contract", "created_by")
            ),
            engagement_form=EngagementForm(contracts=contracts),
            # Its own ids: the engagement form has a `contract` field too.
            letter_form=LetterForm(contracts=contracts, auto_id="letter_%s"),
            companies=list(case.companies.select_related("supplier")),
        )
        return context


class CaseJoinView(AffiliateCaseMixin, ServiceActionMixin, View):
    model = RemediationCase

    def perform(self, request, *args, **kwargs):
        services.case_join(
            case=self.get_case(), affiliate=self.affiliate, membership=self.membership
        )
        return _("%(affiliate)s has joined the case.") % {"affiliate": self.affiliate.name}


class EngagementLogView(AffiliateCaseMixin, ServiceActionMixin, View):
    model = RemediationCase

    def perform(self, request, *args, **kwargs):
        case = self.require_joined()
        form = EngagementForm(
            request.POST, contracts=services.contracts_for_letter(case, self.affiliate)
        )
        if not form.is_valid():
            form_error(request, form)
            return None
        services.engagement_log(
            case=case, affiliate=self.affiliate, membership=self.membership, **form.cleaned_data
        )
        return _("Engagement logged.")


class LetterView(AffiliateCaseMixin, View):
    """A pre-filled letter to the contractor, as PDF, from what the affiliate may read."""

    model = RemediationCase

    def get(self, request, *args, **kwargs):
        from ..letters import letter_render

        case = self.get_case()
        if not case.joined:
            raise Http404
        contracts = services.contracts_for_letter(case, self.affiliate)
        form = LetterForm(request.GET, contracts=contracts)
        contract = form.cleaned_data["contract"] if form.is_valid() else None
        if contract is None:
            contract = contracts.first()
        pdf = letter_render(case=case, reader=self.reader, contract=contract)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-letter.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class AffiliateAttachmentDownloadView(AffiliateViewMixin, View):
    """Files on the affiliates' timeline of a case the affiliate has joined; else 404."""

    def get(self, request, *args, **kwargs):
        return download(self.reader, self.kwargs["pk"])
