"""Where to act first (`/a/<slug>/priorities/`) and the forced-labour dossier of a factory
(`reports/priorities.py`, `reports/dossier.py`)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_scopes import scopes_disabled

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from core import readmodel
from core.spreadsheets import attachment, csv_response, xlsx_response
from suppliers.models import Factory

from .dossier import dossier_json, dossier_pdf
from .priorities import (
    KeptPages,
    RankingPaginator,
    export_header,
    export_row,
    priorities_for,
    priority_of,
)


class PrioritiesView(AffiliateViewMixin, TemplateView):
    """The affiliate's factories, highest score first, each explained in words."""

    template_name = "reports/priorities/list.html"
    paginate_by = 25

    @readmodel.one_generation()  # the ranking and the kept page read one token
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)

        def render(rows) -> str:
            context = {"rows": rows, "affiliate": self.affiliate}
            return render_to_string("reports/priorities/rows.html", context)

        # A page's rows are kept rendered, as the API keeps its pages serialised.
        pages = KeptPages(priorities_for(self.reader), "priorities-page-html", render)
        page = RankingPaginator(pages, self.paginate_by).get_page(self.request.GET.get("page"))
        # Rendered by the template engine, which escaped every value: safe as it was.
        rows_html = mark_safe(page.object_list[0]) if page.object_list else ""  # noqa: S308
        context.update(page_obj=page, rows_html=rows_html, is_paginated=page.has_other_pages())
        return context


class PriorityDetailView(AffiliateViewMixin, TemplateView):
    """One factory's score, explained, with the actions open to the officer."""

    template_name = "reports/priorities/detail.html"

    @readmodel.one_generation()  # the ranking and its sites' findings read one token
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = priority_of(self.reader, kwargs["pk"])
        if row is None:
            raise Http404
        context["row"] = row
        return context


class PrioritiesExportView(AffiliateViewMixin, View):
    """The whole ranking as CSV or XLSX (formula-safe cells, core.spreadsheets), read from
    the database in batches."""

    http_method_names = ["get"]
    file_format = "csv"

    @readmodel.one_generation()
    def get(self, request, *args, **kwargs):
        rows = [export_row(row) for row in priorities_for(self.reader)]
        filename = f"priorities-{self.affiliate.slug}-{timezone.localdate().isoformat()}"
        if self.file_format == "xlsx":
            return xlsx_response(f"{filename}.xlsx", _("Where to act first"), export_header(), rows)
        return csv_response(f"{filename}.csv", export_header(), rows)


def _dossier_response(reader, factory, file_format):
    filename = f"forced-labour-dossier-{factory.pk}-{timezone.localdate().isoformat()}"
    if file_format == "json":
        response = HttpResponse(dossier_json(reader, factory), content_type="application/json")
        return attachment(response, f"{filename}.json")
    pdf = dossier_pdf(reader, factory, language=translation.get_language())
    return attachment(HttpResponse(pdf, content_type="application/pdf"), f"{filename}.pdf")


class DossierView(AffiliateViewMixin, View):
    """A factory of the affiliate's supply chain: its dossier as JSON or PDF."""

    http_method_names = ["get"]
    file_format = "json"

    def get(self, request, *args, **kwargs):
        factory = get_object_or_404(Factory.objects.visible_to(self.reader), pk=kwargs["pk"])
        return _dossier_response(self.reader, factory, self.file_format)


class StaffDossierView(StaffRequiredMixin, View):
    """Any factory's dossier, for EW staff."""

    http_method_names = ["get"]
    file_format = "json"

    def get(self, request, pk):
        with scopes_disabled():
            factory = get_object_or_404(Factory.objects.visible_to(self.reader), pk=pk)
            return _dossier_response(self.reader, factory, self.file_format)
