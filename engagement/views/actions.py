"""The company portal's corrective actions (/company/actions/): the remediation actions the
company owns, grouped by case, and on each the company's progress updates, evidence and its
request for verification. Only the case's reference and factory: no timeline, testimony,
other companies' actions or affiliates. The rules are remediation's (`plan`)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.generic import DetailView

from affiliates.mixins import CompanyRequiredMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.views import ListView, show_domain_error
from remediation import plan
from remediation.models import OPEN_ACTION_STATUSES, ActionProgress, RemediationAction

from ..forms.actions import ProgressForm


def company_actions(reader):
    return RemediationAction.objects.visible_to(reader).select_related("case__factory")


class CompanyActionListView(ExportMixin, CompanyRequiredMixin, ListView):
    # The list's columns, no more.
    export_columns = [
        Column(_l("Action"), "description"),
        Column(_l("Due date"), "due_date"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Your updates"), "progress_count"),
    ]

    model = RemediationAction
    template_name = "engagement/portal/actions.html"
    context_object_name = "actions"
    paginate_by = 50

    def get_queryset(self):
        # Each action's updates counted by a subquery, for the page's rows only (after the
        # LIMIT), not by a join grouped over all of the company's actions.
        updates = (
            ActionProgress._base_manager.filter(action=OuterRef("pk"))
            .order_by()
            .values("action")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            company_actions(self.reader)
            .annotate(progress_count=Coalesce(Subquery(updates), 0))
            .order_by("-case__opened_on", "case_id", "due_date", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            today=timezone.localdate(), open_statuses=OPEN_ACTION_STATUSES, **kwargs
        )


class CompanyActionDetailView(CompanyRequiredMixin, DetailView):
    """One action: what is to be done, by when, the company's updates; the form to post one
    (with evidence) and to ask for verification."""

    model = RemediationAction
    template_name = "engagement/portal/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return company_actions(self.reader).prefetch_related(
            Prefetch(
                "progress_updates",
                queryset=ActionProgress.objects.visible_to(self.reader)
                .select_related("author")
                .prefetch_related("attachments"),
            )
        )

    def can_ask(self) -> bool:
        return self.object.status in OPEN_ACTION_STATUSES and self.object.case.is_active

    def progress_form(self, *args) -> ProgressForm:
        form = ProgressForm(*args)
        if not self.can_ask():
            del form.fields["asks_verification"]
        return form

    def get_context_data(self, **kwargs):
        action = self.object
        kwargs.setdefault("form", self.progress_form())
        return super().get_context_data(
            today=timezone.localdate(),
            is_overdue=action.is_overdue(),
            can_update=action.status != RemediationAction.Status.VERIFIED and action.case.is_active,
            can_ask=self.can_ask(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = action = self.get_object()
        form = self.progress_form(request.POST, request.FILES)
        if form.is_valid():
            asks = form.cleaned_data.get("asks_verification", False)
            try:
                plan.action_progress_post(
                    action=action,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                    asks_verification=asks,
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Update posted; verification was asked for.")
                    if asks
                    else _("Update posted."),
                )
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)
