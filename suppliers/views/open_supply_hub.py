"""Electronics Watch staff's Open Supply Hub pages: a facility list into the registry, and the
registry (or one affiliate's supply chain) out in the same format."""

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from affiliates.mixins import StaffRequiredMixin
from affiliates.models import Affiliate
from core.spreadsheets import attachment, csv_streaming_response, xlsx_response
from suppliers import import_files, import_rows, open_supply_hub
from suppliers.forms import FacilityListUploadForm
from suppliers.models import Factory

ERROR_REPORT_SECONDS = 60 * 60
RESULT_SESSION_KEY = "open_supply_hub_import"


def _error_report_key(user_id) -> str:
    return f"open-supply-hub-errors:{user_id}"


class FacilityListImportView(StaffRequiredMixin, View):
    """Upload a list: every row goes into the registry through the matcher, or none does."""

    template_name = "suppliers/staff_facility_list_import.html"

    def get(self, request, *args, **kwargs):
        result = request.session.pop(RESULT_SESSION_KEY, None)
        return self.render(FacilityListUploadForm(), result=result)

    def post(self, request, *args, **kwargs):
        form = FacilityListUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            result = open_supply_hub.facility_list_import(
                file=form.cleaned_data["file"], by=request.user
            )
        except import_files.DisclosureFileError as error:
            form.add_error("file", str(error))
            return self.render(form, status=400)
        except open_supply_hub.FacilityListRejected as rejected:
            report = import_rows.errors_as_csv(rejected.errors, rejected.stopped_at_row)
            cache.set(_error_report_key(request.user.pk), report, ERROR_REPORT_SECONDS)
            return self.render(
                form,
                status=400,
                import_errors=rejected.errors,
                import_stopped_at_row=rejected.stopped_at_row,
                error_report_url=reverse("suppliers:staff_facility_list_errors"),
            )
        request.session[RESULT_SESSION_KEY] = {
            "rows": result.rows,
            "sites": result.sites,
            "known": result.known,
            "factories_created": result.factories_created,
            "reviews_created": result.reviews_created,
            "os_ids_added": result.os_ids_added,
        }
        return redirect("suppliers:staff_facility_list_import")

    def render(self, form, status=200, **context):
        return render(
            self.request,
            self.template_name,
            {"form": form, "affiliates": Affiliate.objects.order_by("name"), **context},
            status=status,
        )


class FacilityListErrorsView(StaffRequiredMixin, View):
    """The last rejected list's errors as CSV, for the staff member who uploaded it."""

    def get(self, request, *args, **kwargs):
        report = cache.get(_error_report_key(request.user.pk))
        if report is None:
            raise Http404(_("No error report: upload the file again."))
        response = HttpResponse(report, content_type="text/csv; charset=utf-8")
        return attachment(response, "facility-list-errors.csv")


class FacilityListExportView(StaffRequiredMixin, View):
    """The registry's active factories in the list format; with `?affiliate=<slug>`, the sites
    in that affiliate's supply chain, for Electronics Watch to contribute them to the open
    registry."""

    file_format = "csv"

    def get(self, request, *args, **kwargs):
        factories = Factory.objects.active()
        name = "registry"
        slug = request.GET.get("affiliate")
        if slug:
            affiliate = get_object_or_404(Affiliate, slug=slug)
            factories = factories.in_supply_chain_of(affiliate)
            name = affiliate.slug
        filename = f"open-supply-hub-{name}-{timezone.localdate().isoformat()}"
        header = open_supply_hub.export_header()
        rows = open_supply_hub.export_rows(factories)
        if self.file_format == "xlsx":
            sheet = open_supply_hub.EXPORT_SHEET_TITLE
            return xlsx_response(f"{filename}.xlsx", sheet, header, rows)
        return csv_streaming_response(f"{filename}.csv", header, rows)
