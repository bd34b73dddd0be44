"""The risk pages (reports/risk.py): EW staff's at /staff/risk/, an affiliate's at
/a/<slug>/risk/, and each table as CSV or XLSX with the page's filters."""

from __future__ import annotations

from django.http import Http404, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from core import readmodel
from core.spreadsheets import csv_response, xlsx_response

from .risk import (
    FILTERS,
    SHEET_TITLES,
    TABLES,
    RiskFilterForm,
    cached_for,
    present_counts,
    risk_page,
    risk_table,
)

EXPORT_FORMATS = ("csv", "xlsx")


class _RiskPageMixin:
    template_name = "reports/risk/page.html"
    export_url_name = ""

    @readmodel.one_generation()  # its entries (choices, page, filters) read one token
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = RiskFilterForm(self.request.GET)
        form.offer_present_choices(present_counts(self.reader))
        # The export links carry the page's filters as given (an export applies what it can).
        given = QueryDict(mutable=True)
        for name in FILTERS:
            given.setlist(name, self.request.GET.getlist(name))
        query = given.urlencode()
        affiliate = getattr(self, "affiliate", None)

        def render(tables):
            return render_to_string(
                "reports/risk/tables.html",
                {
                    "tables": tables,
                    "affiliate": affiliate,
                    "export_url_name": self.export_url_name,
                    "query": query,
                },
            )

        page = risk_page(
            self.reader,
            form.filters(),
            render=render,
            render_key=(self.export_url_name, getattr(affiliate, "slug", None), query),
        )
        # The filter panel (a select of every country, option by option) renders once per
        # entry too: it depends on nothing but the choices' counts and the filters given.
        path = self.request.path

        def render_filters():
            return render_to_string(
                "includes/filters.html",
                {
                    "filters": form,
                    "filter_label": gettext("Filter the findings"),
                    "request": {"path": path},
                },
            )

        filters_html = cached_for(
            self.reader,
            "filters-html",
            (translation.get_language(), path, query),
            render_filters,
        )
        context.update(
            filters=form,
            filters_html=filters_html,
            overview=page["overview"],
            tables=page["tables"],
            tables_html=page["html"],
            query=query,
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

    @readmodel.one_generation()
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
