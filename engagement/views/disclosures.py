"""The company portal's disclosure inbox (/company/disclosures/): every affiliate's requests
to the company as contractor. A contact answers one with the same views and services as
the contractor's tokenised link (`suppliers.views.disclosures.ContractorDisclosureBase`), so
the link keeps working for contractors without an account. Never the contract's value."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_scopes import scope, scopes_disabled

from affiliates.mixins import CompanyRequiredMixin
from core.exports import Column, ExportMixin
from core.views import ListView
from suppliers import services as disclosure_services
from suppliers.models import Disclosure
from suppliers.views.disclosures import ContractorDisclosureBase

OPEN_STATUSES = (Disclosure.Status.REQUESTED, Disclosure.Status.RETURNED)


def company_disclosures(company_id: int):
    """The company's requests, from every affiliate; call inside `scopes_disabled()`."""
    return Disclosure.objects.of_contractor(company_id).select_related("contract", "affiliate")


class CompanyDisclosureListView(ExportMixin, CompanyRequiredMixin, ListView):
    # The list's columns, no more.
    export_columns = [
        Column(_l("Contract"), "contract.reference"),
        Column(_l("Title"), "contract.title"),
        Column(_l("Public buyer"), "affiliate.name"),
        Column(_l("Due date"), "due_date"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Lines"), "line_count"),
    ]

    model = Disclosure
    template_name = "engagement/portal/disclosures.html"
    context_object_name = "disclosures"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        # Every affiliate's rows, filtered to this company's: outside any tenant's scope.
        with scopes_disabled():
            response = super().get(request, *args, **kwargs)
            return (
                response.render() if hasattr(response, "render") else response
            )  # an export is no template

    def get_queryset(self):
        return (
            company_disclosures(self.company_id)
            .annotate(
                line_count=Count("lines"),
                is_open=Case(
                    When(status__in=OPEN_STATUSES, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
            )
            .order_by("is_open", "due_date", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class CompanyDisclosureDetailView(CompanyRequiredMixin, ContractorDisclosureBase):
    """One request: while open, the contractor's forms (upload, add a site, submit);
    afterwards, what was submitted and its status."""

    model = Disclosure
    template_name = "engagement/portal/disclosure_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.reader.is_company):
            return super().dispatch(request, *args, **kwargs)  # sign-in page, or 404
        with scopes_disabled():
            self.disclosure = get_object_or_404(
                company_disclosures(request.reader.company_id).select_related(
                    "contract__contractor"
                ),
                pk=kwargs["pk"],
            )
        self.by = request.user
        with scope(affiliate=self.disclosure.affiliate):
            return super().dispatch(request, *args, **kwargs)

    def error_key(self) -> str:
        return f"disclosure-errors:{self.disclosure.pk}:company-{self.by.pk}"

    def editing_context(self, **forms) -> dict:
        context = super().editing_context(**forms)
        context["editable"] = self.disclosure.status in disclosure_services.EDITABLE_STATUSES
        context["today"] = timezone.localdate()
        return context

    def before_change(self) -> None:
        disclosure_services.disclosure_ensure_editable(self.disclosure)

    def submitted(self, request):
        messages.success(
            request,
            _("The list was submitted to %(buyer)s, who will review it.")
            % {"buyer": self.disclosure.affiliate.name},
        )
        return redirect(request.path)
