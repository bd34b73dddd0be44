"""The risk pages (reports/risk.py): EW staff's at /staff/risk/, an affiliate's at
/a/<slug>/risk/, and each table as CSV or XLSX with the page's filters."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from core.spreadsheets import csv_response, xlsx_response

from .risk import SHEET_TITLES, TABLES, RiskFilterForm, present_counts, risk_page, risk_table

EXPORT_FORMATS = ("csv", "xlsx")


class _RiskPageMixin:
    template_name = "reports/risk/page.html"
    export_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RiskFilterForm(self.request.GET)
        form.offer_present_choices(present_counts(self.reader))
        page = risk_page(self.reader, form.filters())
        context.update(
            filters=form,
            overview=page["overview"],
            tables=page["tables"],
            query=self.request.GET.urlencode(),
            export_url_name=self.export_url_name,
        )
        return context


class StaffRiskView(StaffRequiredMixin, _RiskPageMixin, TemplateView):
    export_url_name = "reports:staff_risk_export"


class AffiliateRiskView(AffiliateViewMixin, _RiskPageMixin, TemplateView):
    export_url_name = "reports:risk_export"


class _RiskExportMixin:
    """One table of the page, with the page's filters, as CSV or XLSX (formula-safe cells)."""

    http_method_names = ["get"]

    def get(self, request, *args, slug, file_format, **kwargs):
        if slug not in TABLES or file_format not in EXPORT_FORMATS:
            raise Http404
        table = risk_table(self.reader, slug, RiskFilterForm(request.GET).filters())
        filename = f"risk-{slug}-{self.owner_slug()}-{timezone.localdate().isoformat()}"
        if file_format == "xlsx":
            sheet = str(SHEET_TITLES[slug])
            return xlsx_response(f"{filename}.xlsx", sheet, table.columns, table.rows)
        return csv_response(f"{filename}.csv", table.columns, table.rows)


class StaffRiskExportView(StaffRequiredMixin, _RiskExportMixin, View):
    def owner_slug(self):
        return "staff"


class AffiliateRiskExportView(AffiliateViewMixin, _RiskExportMixin, View):
    def owner_slug(self):
        return self.affiliate.slug
