"""Pages that read across the platform: the dashboards and the compliance reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_scopes import scopes_disabled

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from affiliates.tenancy import log_denied
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.views import ListView, show_domain_error
from grievances.selectors import grievance_count_context
from monitoring.models import Finding, MonitoringReport
from remediation.models import RemediationCase
from suppliers.models import Contract, DisclosureLine, Factory

from .forms import ComplianceReportForm
from .models import ComplianceReport


class AffiliateDashboardView(AffiliateViewMixin, TemplateView):
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        from . import dashboards

        context = super().get_context_data(**kwargs)
        context.update(dashboards.member_counts(self.affiliate))
        context.update(dashboards.affiliate_dashboard(self.reader))
        return context


class StaffDashboardView(StaffRequiredMixin, TemplateView):
    template_name = "reports/staff_dashboard.html"

    def get_context_data(self, **kwargs):
        from . import dashboards

        context = super().get_context_data(**kwargs)
        context.update(dashboards.staff_dashboard(self.reader))
        return context


# --- Compliance reports ------------------------------------------------------------------


class ComplianceReportListView(ExportMixin, AffiliateViewMixin, ListView):
    """The affiliate's reports, newest first, the form to request one, and the charts of the
    last calendar year (the same the PDF draws)."""

    export_columns = fields(
        ComplianceReport,
        "contract",
        "period_start",
        "period_end",
        "language",
        "version",
        "status",
        "requested_at",
    )

    model = ComplianceReport
    template_name = "reports/compliance/list.html"
    context_object_name = "reports"
    paginate_by = 25

    def get_queryset(self):
        from .compliance import latest_versions

        # One row per report: regenerating adds a version, not a row.
        return (
            latest_versions()
            .select_related("affiliate", "contract", "requested_by")
            .order_by("-requested_at", "-pk")
        )

    def get_form(self, data=None):
        return ComplianceReportForm(
            data,
            contracts=Contract.objects.order_by("reference", "pk"),
            suggest_url=reverse(
                "suppliers:contract_suggestions", kwargs={"affiliate_slug": self.affiliate.slug}
            ),
            initial={"language": translation.get_language()},
        )

    def get_context_data(self, **kwargs):
        from .compliance import attach_older_versions, last_calendar_year, summary

        context = super().get_context_data(**kwargs)
        attach_older_versions(list(context["reports"]))
        start, end = last_calendar_year()
        # The figures and charts alone, in aggregate queries: not the whole report.
        charts = summary(self.reader, start, end)
        context.update(
            form=kwargs.get("form") or self.get_form(),
            chart_start=start,
            chart_end=end,
            key_figures=charts["key_figures"],
            findings_chart=charts["findings_chart"],
            indicators_chart=charts["indicators_chart"],
            # The numbers of the charts, as tables beside them.
            severities=charts["severities"],
            category_rows=charts["category_rows"],
            indicator_rows=charts["indicator_rows"],
        )
        return context

    def post(self, request, *args, **kwargs):
        from .compliance import compliance_report_request

        if not self.membership.can_edit:
            log_denied(request, "compliance report request")
            raise PermissionDenied
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                report = compliance_report_request(
                    affiliate=self.affiliate, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Report %(reference)s is being prepared.") % {"reference": report.reference},
                )
                return redirect(report.get_absolute_url())
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ComplianceReportDetailView(AffiliateViewMixin, DetailView):
    """Status with live progress: while the report renders, htmx asks again every two
    seconds for the status fragment alone."""

    model = ComplianceReport
    context_object_name = "report"

    def get_queryset(self):
        return ComplianceReport.objects.select_related("contract", "requested_by")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.headers.get("HX-Request") and request.GET.get("shown") == self.object.status:
            # Nothing new: htmx leaves the page alone, and screen readers are not told the
            # same status again every two seconds.
            return HttpResponse(status=204)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["reports/compliance/detail.html#status"]
        return ["reports/compliance/detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = ComplianceReport.objects.filter(
            contract=self.object.contract,
            period_start=self.object.period_start,
            period_end=self.object.period_end,
        ).order_by("-version")[:20]
        return context


class ComplianceReportDownloadView(AffiliateViewMixin, View):
    model = ComplianceReport  # for the isolation walker: it tries another tenant's report

    def get(self, request, *args, **kwargs):
        report = get_object_or_404(
            ComplianceReport.objects.filter(status=ComplianceReport.Status.READY),
            pk=kwargs["pk"],
        )
        return compliance_download(report)


class ComplianceReportAnnexView(AffiliateViewMixin, View):
    """The report's whole lists (XLSX), made with its PDF."""

    model = ComplianceReport  # for the isolation walker: it tries another tenant's report

    def get(self, request, *args, **kwargs):
        from core.spreadsheets import XLSX_CONTENT_TYPE
        from core.uploads import file_download

        report = get_object_or_404(
            ComplianceReport.objects.filter(status=ComplianceReport.Status.READY).exclude(annex=""),
            pk=kwargs["pk"],
        )
        return file_download(
            report.annex, filename=report.annex_name, content_type=XLSX_CONTENT_TYPE
        )


class StaffComplianceReportDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        with scopes_disabled():
            report = get_object_or_404(
                ComplianceReport.objects.select_related("affiliate", "contract").filter(
                    status=ComplianceReport.Status.READY
                ),
                pk=pk,
            )
        return compliance_download(report)


def compliance_download(report):
    from core.uploads import file_download

    return file_download(report.file, filename=report.download_name, content_type="application/pdf")


# --- A factory of the supply chain, with what monitoring and remediation found there


class SupplyChainFactoryView(AffiliateViewMixin, DetailView):
    model = Factory
    template_name = "reports/factory.html"
    context_object_name = "factory"

    def get_queryset(self):
        return (
            Factory.objects.visible_to(self.reader).with_affiliate_count().select_related("owner")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["own_lines"] = (
            DisclosureLine.objects.filter(factory=self.object)
            .select_related("disclosure__contract")
            .order_by("brand", "product_model")[:500]
        )
        context["other_affiliates"] = self.object.other_affiliates
        context["findings"] = (
            Finding.objects.visible_to(self.reader)
            .with_display_relations()
            .filter(report__factory=self.object)
        )
        context["published_reports"] = (
            MonitoringReport.objects.visible_to(self.reader)
            .filter(factory=self.object)
            .order_by("-published_at")
        )
        context["cases"] = (
            RemediationCase.objects.visible_to(self.reader)
            .filter(factory=self.object)
            .with_participation_of(self.affiliate)
            .order_by("-opened_on", "-pk")
        )
        context.update(grievance_count_context(self.object.pk))
        return context
