"""EW staff's risk reference data (/staff/reference/): a page per table (list with a country
filter, add, edit, delete after confirmation) and the CSV import and export of every table.
The rules are in `suppliers.reference_forms` and `suppliers.reference_tables`."""

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView
from django_countries import countries

from affiliates.mixins import StaffRequiredMixin
from core.errors import DomainError
from core.filters import offer_present_choices
from core.spreadsheets import attachment, csv_response
from core.views import ListView, kept_filters, show_domain_error

from .. import import_rows
from ..import_files import DisclosureFileError
from ..reference_forms import CurrencyFilterForm, ReferenceFilterForm, ReferenceImportForm
from ..reference_tables import (
    TABLES,
    ReferenceImportRejected,
    ReferenceTable,
    export_rows,
    import_table,
    reference_delete,
    reference_save,
)

ERROR_REPORT_SECONDS = 60 * 60


class ReferenceTableMixin(StaffRequiredMixin):
    table_slug = ""
    model = None  # the table's, given by `reference_urls` (the isolation walker reads it)

    @property
    def table(self) -> ReferenceTable:
        return TABLES[self.table_slug]

    def get_row(self):
        if not hasattr(self, "_row"):
            self._row = get_object_or_404(self.table.model, pk=self.kwargs["pk"])
        return self._row

    def filter_names(self) -> tuple[str, ...]:
        """The query parameters of the list's filters (those an edit returns to the list with)."""
        if self.table.country_fields:
            return ("country",)
        if self.table.slug == "exchange-rates":
            return ("currency",)
        return ()

    def list_url(self, *, keep_page: bool = True) -> str:
        """The list as it was opened: its filters (and page) ride along on the edit pages."""
        names = (*self.filter_names(), "page") if keep_page else self.filter_names()
        return self.table.list_url + kept_filters(self.request, names)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("table", self.table)
        kwargs.setdefault("list_url", self.list_url())
        return super().get_context_data(**kwargs)


class ReferenceIndexView(StaffRequiredMixin, TemplateView):
    template_name = "suppliers/reference/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tables"] = [(table, table.model.objects.count()) for table in TABLES.values()]
        return context


class ReferenceListView(ReferenceTableMixin, ListView):
    template_name = "suppliers/reference/list.html"
    paginate_by = 50

    def get_queryset(self):
        table = self.table
        rows = table.model.objects.all()
        if table.country_fields:
            self.filters = ReferenceFilterForm(self.request.GET)
            if table.country_fields == ("country",):
                # One country per row: offer the countries of the table, with counts.
                offer_present_choices(
                    self.filters, rows, {"country": ("country", countries, _("All countries"))}
                )
            country = self.filters.is_valid() and self.filters.cleaned_data.get("country")
            if country:
                match = Q()
                for name in table.country_fields:
                    if name == "transit":
                        match |= Q(transit__contains=[country])
                    else:
                        match |= Q(**{name: country})
                rows = rows.filter(match)
        else:
            self.filters = (
                CurrencyFilterForm(self.request.GET) if table.slug == "exchange-rates" else None
            )
            if self.filters is not None and self.filters.is_valid():
                currency = self.filters.cleaned_data.get("currency", "").strip().upper()
                if currency:
                    rows = rows.filter(currency=currency)
        return rows.order_by(*table.model._meta.ordering, "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.table
        context["filters"] = self.filters
        context["filter_query"] = kept_filters(self.request, (*self.filter_names(), "page"))
        context["headings"] = [heading for heading, _value in table.display]
        context["rows"] = [
            (row, [value(row) for _heading, value in table.display])
            for row in context["object_list"]
        ]
        return context


class ReferenceCreateView(ReferenceTableMixin, FormView):
    template_name = "suppliers/reference/form.html"

    def get_form_class(self):
        return self.table.form_class

    def get_instance(self):
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_instance()
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("row", self.get_instance())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            reference_save(form=form, by=self.request.user)
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The row was saved."))
        return redirect(self.list_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReferenceUpdateView(ReferenceCreateView):
    def get_instance(self):
        return self.get_row()


class ReferenceDeleteView(ReferenceTableMixin, TemplateView):
    template_name = "suppliers/reference/delete.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("row", self.get_row())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        reference_delete(row=self.get_row(), by=request.user)
        messages.success(request, _("The row was deleted."))
        # Without the page: the last row of the last page may just have gone.
        return redirect(self.list_url(keep_page=False))


def import_summary(result) -> str:
    """The message of an import: “The file was imported: 1 row added, 2 rows updated, …”."""
    counts = [
        ngettext("%(count)s row added", "%(count)s rows added", result.created),
        ngettext("%(count)s row updated", "%(count)s rows updated", result.updated),
        ngettext("%(count)s row unchanged", "%(count)s rows unchanged", result.unchanged),
    ]
    numbers = (result.created, result.updated, result.unchanged)
    return _("The file was imported: %(counts)s.") % {
        "counts": ", ".join(text % {"count": n} for text, n in zip(counts, numbers, strict=True))
    }


def _error_report_key(user_id, slug) -> str:
    return f"reference-import-errors:{slug}:{user_id}"


class ReferenceImportView(ReferenceTableMixin, View):
    """Upload a CSV or XLSX of the table: every row is saved, or none and every error shown."""

    template_name = "suppliers/reference/import.html"

    def get(self, request, *args, **kwargs):
        return self.render(ReferenceImportForm())

    def post(self, request, *args, **kwargs):
        form = ReferenceImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            result = import_table(self.table, form.cleaned_data["file"], by=request.user)
        except DisclosureFileError as error:
            form.add_error("file", str(error))
            return self.render(form, status=400)
        except ReferenceImportRejected as rejected:
            report = import_rows.errors_as_csv(rejected.errors, rejected.stopped_at_row)
            cache.set(
                _error_report_key(request.user.pk, self.table.slug), report, ERROR_REPORT_SECONDS
            )
            return self.render(
                form,
                status=400,
                import_errors=rejected.errors,
                import_stopped_at_row=rejected.stopped_at_row,
                error_report_url=reverse(f"suppliers:reference_{self.table.slug}_errors"),
            )
        messages.success(request, import_summary(result))
        return redirect(self.table.list_url)

    def render(self, form, status=200, **context):
        return render(
            self.request,
            self.template_name,
            {"form": form, "table": self.table, "list_url": self.table.list_url, **context},
            status=status,
        )


class ReferenceErrorsView(ReferenceTableMixin, View):
    """The last rejected file's errors as CSV, for the staff member who uploaded it."""

    def get(self, request, *args, **kwargs):
        report = cache.get(_error_report_key(request.user.pk, self.table.slug))
        if report is None:
            raise Http404(_("No error report: upload the file again."))
        response = HttpResponse(report, content_type="text/csv; charset=utf-8")
        return attachment(response, f"{self.table.slug}-errors.csv")


class ReferenceExportView(ReferenceTableMixin, View):
    def get(self, request, *args, **kwargs):
        table = self.table
        filename = f"{table.slug}-{timezone.localdate().isoformat()}.csv"
        return csv_response(filename, table.columns, export_rows(table))


def reference_urls() -> list:
    """The routes of the section, one set per table (named reference_<slug>_...)."""
    urls = [path("", ReferenceIndexView.as_view(), name="reference")]
    for slug, table in TABLES.items():
        name = f"reference_{slug}"
        views = {"table_slug": slug, "model": table.model}
        urls += [
            path(f"{slug}/import/", ReferenceImportView.as_view(**views), name=f"{name}_import"),
            path(f"{slug}/errors.csv", ReferenceErrorsView.as_view(**views), name=f"{name}_errors"),
            path(f"{slug}.csv", ReferenceExportView.as_view(**views), name=f"{name}_export"),
        ]
        if table.pages:
            urls += [
                path(f"{slug}/", ReferenceListView.as_view(**views), name=name),
                path(f"{slug}/new/", ReferenceCreateView.as_view(**views), name=f"{name}_create"),
                path(
                    f"{slug}/<int:pk>/edit/",
                    ReferenceUpdateView.as_view(**views),
                    name=f"{name}_update",
                ),
                path(
                    f"{slug}/<int:pk>/delete/",
                    ReferenceDeleteView.as_view(**views),
                    name=f"{name}_delete",
                ),
            ]
    return urls
