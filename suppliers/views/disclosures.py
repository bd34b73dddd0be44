"""Disclosures (affiliate and contractor), the supply chain, and staff's factory registry."""

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import DetailView
from django_scopes import scope

from affiliates.mixins import AffiliateViewMixin
from affiliates.models import Membership
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.pagination import CappedPaginator
from core.spreadsheets import attachment
from core.views import ListView, ServiceActionMixin, show_domain_error
from suppliers import (
    disclosure_steps,
    disclosure_uploads,
    import_files,
    import_rows,
    imports,
    services,
)
from suppliers.forms import (
    ContractorRequestForm,
    DisclosureFilterForm,
    DisclosureLineForm,
    DisclosureUploadForm,
    ReturnForm,
)
from suppliers.models import Disclosure, DisclosureLine, DisclosureUpload

ERROR_REPORT_SECONDS = 60 * 60


# --- Disclosures: the affiliate's side -------------------------------------------------


class DisclosureListView(ExportMixin, AffiliateViewMixin, ListView):
    export_columns = [
        Column(_l("Contract"), "contract.reference"),
        Column(_l("Title"), "contract.title"),
        Column(_l("Contractor"), "contract.contractor.name"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Due"), "due_date"),
        Column(_l("Sites"), "line_count"),
    ]

    model = Disclosure
    template_name = "suppliers/disclosure_list.html"
    context_object_name = "disclosures"
    paginate_by = 25

    def get_queryset(self):
        self.filters = DisclosureFilterForm(self.request.GET, disclosures=Disclosure.objects.all())
        return self.filters.apply(
            Disclosure.objects.select_related("contract", "contract__contractor")
            .with_line_count()
            .order_by("due_date", "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


def _error_report_key(disclosure, who) -> str:
    return f"disclosure-errors:{disclosure.pk}:{who}"


class DisclosureDetailView(AffiliateViewMixin, DetailView):
    model = Disclosure
    template_name = "suppliers/disclosure_detail.html"
    context_object_name = "disclosure"
    lines_per_page = 50

    def get_queryset(self):
        return Disclosure.objects.select_related("contract", "contract__contractor", "decided_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        disclosure = self.object
        lines = (
            DisclosureLine.objects.filter(disclosure=disclosure)
            .select_related("factory")
            .order_by("site_name", "brand", "product_model")
        )
        page = CappedPaginator(lines, self.lines_per_page).get_page(self.request.GET.get("page"))
        editable = disclosure.status in services.EDITABLE_STATUSES
        can_edit = self.membership.can_edit
        context.update(
            {
                "page_obj": page,
                "lines": page.object_list,
                "is_paginated": page.has_other_pages(),
                "can_edit": can_edit,
                "lines_editable": can_edit and editable,
                "next_step": disclosure_steps.officer_next_step(
                    disclosure, line_count=page.paginator.count, can_edit=can_edit
                ),
                "upload_form": kwargs.get("upload_form") or DisclosureUploadForm(),
                "line_form": kwargs.get("line_form") or DisclosureLineForm(),
                "request_form": kwargs.get("request_form")
                or ContractorRequestForm(initial={"email": disclosure.contractor_email}),
                "return_form": kwargs.get("return_form") or ReturnForm(),
                "import_errors": kwargs.get("import_errors"),
                "import_stopped_at_row": kwargs.get("import_stopped_at_row"),
                "error_report_url": reverse(
                    "suppliers:disclosure_errors",
                    kwargs={"affiliate_slug": self.affiliate.slug, "pk": disclosure.pk},
                ),
                "uploads": [
                    _with_urls(upload, self.affiliate.slug)
                    for upload in disclosure_uploads.recent_uploads(disclosure)
                ],
            }
        )
        return context

    def render_with(self, status=400, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(**kwargs), status=status)


class DisclosureUploadView(DisclosureDetailView):
    """Upload a CSV or XLSX list: all rows are saved, or none and every error is shown."""

    allowed_roles = Membership.EDITORS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        disclosure = self.get_object()
        form = DisclosureUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_with(upload_form=form)
        outcome = _import_upload(
            request,
            disclosure,
            form,
            request.user,
            _error_report_key(disclosure, request.user.pk),
            DisclosureUpload.Via.PAGE,
        )
        if isinstance(outcome, str):
            messages.success(request, outcome)
            return redirect(disclosure.get_absolute_url())
        return self.render_with(upload_form=form, **outcome)


def _import_upload(request, disclosure, form, by, error_key, via):
    """A success message, or the row errors as template context (also kept for download).
    A large file is queued for the background instead: its message says so."""
    try:
        result = disclosure_uploads.disclosure_upload(
            disclosure=disclosure, file=form.cleaned_data["file"], by=by, via=via
        )
    except import_files.DisclosureFileError as error:
        form.add_error("file", str(error))
        return {}
    except imports.DisclosureImportRejected as rejected:
        report = import_rows.errors_as_csv(rejected.errors, rejected.stopped_at_row)
        cache.set(error_key, report, ERROR_REPORT_SECONDS)
        return {"import_errors": rejected.errors, "import_stopped_at_row": rejected.stopped_at_row}
    except DomainError as error:
        show_domain_error(request, error, form, default_field="file")
        return {}
    if isinstance(result, DisclosureUpload):
        return _(
            "The file has about %(rows)s rows: it is being checked and saved in the "
            "background. Its progress is shown under “Large uploads”."
        ) % {"rows": result.rows_total}
    return disclosure_uploads.imported_message(result)


class DisclosureErrorsView(AffiliateViewMixin, View):
    """The last rejected upload's errors as CSV, for the person who uploaded it."""

    model = Disclosure

    def get(self, request, *args, **kwargs):
        disclosure = get_object_or_404(Disclosure, pk=kwargs["pk"])
        report = cache.get(_error_report_key(disclosure, request.user.pk))
        if report is None:
            raise Http404(_("No error report: upload the file again."))
        return _csv_download(report, f"disclosure-{disclosure.pk}-errors.csv")


class DisclosureUploadStatusView(AffiliateViewMixin, View):
    """A background upload's progress, as the fragment the disclosure page polls."""

    model = DisclosureUpload

    def get(self, request, *args, **kwargs):
        upload = get_object_or_404(
            DisclosureUpload, pk=kwargs["pk"], disclosure_id=kwargs["disclosure_id"]
        )
        upload = disclosure_uploads.with_progress(upload)
        page_url = reverse(
            "suppliers:disclosure_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": upload.disclosure_id},
        )
        return upload_progress(request, _with_urls(upload, self.affiliate.slug), page_url)


class DisclosureUploadErrorsView(AffiliateViewMixin, View):
    """A rejected background upload's errors as CSV, for as long as the upload is kept."""

    model = DisclosureUpload

    def get(self, request, *args, **kwargs):
        upload = get_object_or_404(
            DisclosureUpload, pk=kwargs["pk"], disclosure_id=kwargs["disclosure_id"]
        )
        return upload_error_report(upload)


def _with_urls(upload: DisclosureUpload, affiliate_slug: str) -> DisclosureUpload:
    kwargs = {
        "affiliate_slug": affiliate_slug,
        "disclosure_id": upload.disclosure_id,
        "pk": upload.pk,
    }
    upload.progress_url = reverse("suppliers:disclosure_upload_status", kwargs=kwargs)
    upload.errors_url = reverse("suppliers:disclosure_upload_errors", kwargs=kwargs)
    return upload


def upload_progress(request, upload: DisclosureUpload, page_url: str) -> HttpResponse:
    """The polled fragment. A poll comes only from a page that showed the upload unfinished:
    once its lines are saved, the page is loaded again (by GET, never a form's resubmission)
    so that its table shows them; the reloaded page no longer polls this upload."""
    response = render(
        request,
        "suppliers/includes/disclosure_upload_progress.html",
        {"upload": upload, "oob": True},
    )
    if (
        request.headers.get("HX-Request") == "true"
        and upload.status == DisclosureUpload.Status.DONE
    ):
        response["HX-Redirect"] = page_url
    return response


def upload_error_report(upload: DisclosureUpload) -> HttpResponse:
    if not upload.errors:
        raise Http404(_("This upload has no error report."))
    report = import_rows.errors_as_csv(
        disclosure_uploads.upload_errors(upload), upload.stopped_at_row
    )
    return _csv_download(report, f"disclosure-{upload.disclosure_id}-upload-{upload.pk}-errors.csv")


def _csv_download(text: str, filename: str) -> HttpResponse:
    return attachment(HttpResponse(text, content_type="text/csv; charset=utf-8"), filename)


class DisclosureLineAddView(DisclosureDetailView):
    allowed_roles = Membership.EDITORS
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        disclosure = self.get_object()
        form = DisclosureLineForm(request.POST)
        if _add_line(request, disclosure, form, by=request.user):
            return redirect(disclosure.get_absolute_url())
        return self.render_with(line_form=form)


def _add_line(request, disclosure, form, by) -> bool:
    """Add the typed line through the same checks as an upload; errors go onto the form."""
    if not form.is_valid():
        return False
    try:
        imports.disclosure_add_rows(disclosure=disclosure, rows=[form.as_row()], by=by)
    except imports.DisclosureImportRejected as rejected:
        for error in rejected.errors:
            form.add_error(error.column if error.column in form.fields else None, error.message)
        return False
    except DomainError as error:
        show_domain_error(request, error, form)
        return False
    messages.success(request, _("The production site was added."))
    return True


class DisclosureLineDeleteView(AffiliateViewMixin, ConfirmedActionMixin, View):
    model = DisclosureLine
    allowed_roles = Membership.EDITORS

    def get_line(self) -> DisclosureLine:
        line = get_object_or_404(
            DisclosureLine.objects.select_related("disclosure__contract"), pk=self.kwargs["pk"]
        )
        self.disclosure = line.disclosure
        return line

    def check(self, request):
        services.disclosure_ensure_editable(self.get_line().disclosure)

    def get_confirmation(self):
        line = self.get_line()
        return Confirmation(
            title=_("Remove this line from the disclosure?"),
            summary=_(
                "The line leaves the supplier list of %(contract)s before it is submitted; "
                "nobody else has seen it yet."
            )
            % {"contract": self.disclosure.contract},
            rows=[
                (_("Site name as disclosed"), line.site_name),
                (_("Address as disclosed"), line.address),
                (_("Country"), str(line.country.name)),
                (_("Brand"), line.brand),
                (_("Product model"), line.product_model),
                (_("Tier"), line.get_tier_display()),
            ],
            final=_("To put it back, add or upload the line again."),
            confirm_label=_("Remove the line"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        line = self.get_line()
        services.disclosure_line_delete(line=line, by=request.user)
        return _("The line was removed.")

    def get_success_url(self):
        return self.disclosure.get_absolute_url()


class _DisclosureAction(AffiliateViewMixin, ServiceActionMixin, View):
    model = Disclosure
    allowed_roles = Membership.EDITORS

    def perform(self, request, *args, **kwargs):
        self.disclosure = get_object_or_404(
            Disclosure.objects.select_related("contract"), pk=kwargs["pk"]
        )
        return self.act(request, self.disclosure)

    def get_success_url(self):
        return self.disclosure.get_absolute_url()


class DisclosureSubmitView(_DisclosureAction):
    def act(self, request, disclosure):
        services.disclosure_submit(disclosure=disclosure, by=request.user)
        return _("The disclosure was submitted.")


class DisclosureAcceptView(_DisclosureAction):
    def act(self, request, disclosure):
        services.disclosure_accept(disclosure=disclosure, by=request.user)
        return _("The disclosure was accepted. Its sites are now part of your supply chain.")


class DisclosureReturnView(_DisclosureAction):
    def act(self, request, disclosure):
        form = ReturnForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Say what the contractor must correct."))
        services.disclosure_return(
            disclosure=disclosure, comments=form.cleaned_data["comments"], by=request.user
        )
        return _("The disclosure was returned to the contractor with your comments.")


class DisclosureRequestView(_DisclosureAction):
    def act(self, request, disclosure):
        form = ContractorRequestForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Enter the contractor's e-mail address."))
        services.disclosure_request_contractor(
            disclosure=disclosure, email=form.cleaned_data["email"], by=request.user
        )
        return _("A link was sent to %(email)s.") % {"email": form.cleaned_data["email"]}


@require_safe
def disclosure_template(request, fmt):
    """The upload template; public, since contractors fetch it from their e-mail."""
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "csv":
        return _csv_download(import_files.template_csv(), "disclosure-template.csv")
    return attachment(
        HttpResponse(
            import_files.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "disclosure-template.xlsx",
    )


# --- The contractor's side: its tokenised link (no account), or a contact's portal page -----


def _int_or_404(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)


class ContractorDisclosureBase(View):
    """What the contractor does with a disclosure request: fill in or upload the list, then
    submit. The e-mailed link (`ContractorDisclosureView`, no account) and the company
    portal (`engagement`, a signed-in contact of the contractor) share it, so both go
    through the same services. Subclasses set `self.disclosure` and run the request in its
    affiliate's scope; `self.by` is the user acting (None through the link)."""

    template_name = "suppliers/contractor_disclosure.html"
    by = None

    def error_key(self) -> str:
        return _error_report_key(self.disclosure, "contractor")

    def editing_context(self, **forms) -> dict:
        lines = DisclosureLine.objects.filter(disclosure=self.disclosure).order_by(
            "site_name", "brand", "product_model"
        )
        return {
            "disclosure": self.disclosure,
            "contract": self.disclosure.contract,
            "line_count": lines.count(),
            "lines": lines[:200],
            "upload_form": forms.get("upload_form") or DisclosureUploadForm(),
            "line_form": forms.get("line_form") or DisclosureLineForm(),
            "import_errors": forms.get("import_errors"),
            "import_stopped_at_row": forms.get("import_stopped_at_row"),
            "error_report_url": "?download=errors",
            "uploads": [
                self.with_urls(upload)
                for upload in disclosure_uploads.recent_uploads(
                    self.disclosure, **self.upload_filter()
                )
            ],
        }

    def upload_filter(self) -> dict:
        """The background uploads this page shows: those made through it."""
        if self.by is None:
            return {"via": DisclosureUpload.Via.LINK}
        return {"via": DisclosureUpload.Via.PORTAL, "uploaded_by": self.by}

    def with_urls(self, upload: DisclosureUpload) -> DisclosureUpload:
        # On this page's own path: the contractor's link needs no other URL with its token.
        upload.progress_url = f"{self.request.path}?upload={upload.pk}"
        upload.errors_url = f"{self.request.path}?upload={upload.pk}&download=errors"
        return upload

    def get(self, request, *args, **forms):
        if "upload" in request.GET:
            upload = get_object_or_404(
                DisclosureUpload.objects.filter(disclosure=self.disclosure, **self.upload_filter()),
                pk=_int_or_404(request.GET["upload"]),
            )
            if request.GET.get("download") == "errors":
                return upload_error_report(upload)
            return upload_progress(
                request, self.with_urls(disclosure_uploads.with_progress(upload)), request.path
            )
        if request.GET.get("download") == "errors":
            report = cache.get(self.error_key())
            if report is None:
                raise Http404(_("No error report: upload the file again."))
            return _csv_download(report, "disclosure-errors.csv")
        context = self.editing_context(**forms)
        return render(request, self.template_name, context, status=forms.get("status", 200))

    def before_change(self) -> None:
        """A hook to refuse a change before it is tried (raise DomainError)."""

    def submitted(self, request):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            self.before_change()
        except DomainError as error:
            show_domain_error(request, error)
            return redirect(request.path)
        if action == "submit":
            try:
                services.disclosure_submit(disclosure=self.disclosure, by=self.by)
            except DomainError as error:
                show_domain_error(request, error)
                return redirect(request.path)
            return self.submitted(request)
        if action == "upload":
            form = DisclosureUploadForm(request.POST, request.FILES)
            if not form.is_valid():
                return self.get(request, upload_form=form, status=400)
            via = DisclosureUpload.Via.LINK if self.by is None else DisclosureUpload.Via.PORTAL
            outcome = _import_upload(request, self.disclosure, form, self.by, self.error_key(), via)
            if isinstance(outcome, str):
                messages.success(request, outcome)
                return redirect(request.path)
            return self.get(request, upload_form=form, status=400, **outcome)
        form = DisclosureLineForm(request.POST)
        if _add_line(request, self.disclosure, form, by=self.by):
            return redirect(request.path)
        return self.get(request, line_form=form, status=400)


class ContractorDisclosureView(ContractorDisclosureBase):
    """What a contractor opens from the e-mail: fill in or upload the list, then submit."""

    def dispatch(self, request, token):
        try:
            self.disclosure = services.disclosure_from_contractor_token(token)
        except DomainError as error:
            return render(
                request,
                "suppliers/contractor_link_invalid.html",
                {"error": error.message},
                status=410,
            )
        self.token = token
        with scope(affiliate=self.disclosure.affiliate):
            response = super().dispatch(request)
        # The token is in the path: the site-wide "same-origin" Referrer-Policy keeps it from
        # other sites ("no-referrer" would make browsers send "Origin: null" and fail CSRF).
        response["Cache-Control"] = "no-store"
        return response

    def submitted(self, request):
        return render(
            request, "suppliers/contractor_submitted.html", {"disclosure": self.disclosure}
        )
