"""Affiliate pages for contracts and their checklists (under /a/<affiliate_slug>/contracts/)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from affiliates.mixins import AffiliateViewMixin
from affiliates.models import Membership
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.forms import suggestions
from core.spreadsheets import attachment
from core.views import ListView, show_domain_error
from suppliers import contracts as services
from suppliers.contract_forms import (
    ChecklistItemForm,
    ContractFilterForm,
    ContractForm,
    OcdsImportForm,
)
from suppliers.models import ChecklistItem, Contract, Supplier

# --- Contracts ---------------------------------------------------------------------------

# The contract services name the new contractor `contractor_name`; the form calls it so.
CONTRACT_FIELD_ALIASES = {"contractor_name": "new_contractor"}
OUTCOME_ORDER = {outcome: index for index, outcome in enumerate(ChecklistItem.Outcome.values)}
# What the last OCDS import took from where, shown once on the contract list.
IMPORT_REPORT_SESSION_KEY = "ocds_import_report"
IMPORT_REPORT_MAX_ROWS = 100


def _contracts():
    """The affiliate's contracts (the scope filters them) with what their rows show."""
    return Contract.objects.select_related("contractor", "disclosure").order_by(
        "-awarded_on", "reference", "pk"
    )


def _disclosure_of(contract):
    try:
        return contract.disclosure
    except ObjectDoesNotExist:
        return None


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _disclosure_status(contract) -> str:
    disclosure = _disclosure_of(contract)
    return disclosure.get_status_display() if disclosure else ""


def _disclosure_due(contract):
    disclosure = _disclosure_of(contract)
    return disclosure.due_date if disclosure else contract.disclosure_due_date


class ContractListView(ExportMixin, AffiliateViewMixin, ListView):
    model = Contract
    template_name = "suppliers/contracts/list.html"
    context_object_name = "contracts"
    paginate_by = 25
    export_name = "contracts"
    export_columns = [
        Column(_l("Reference"), "reference"),
        Column(_l("Title"), "title"),
        Column(_l("Contractor"), "contractor.name"),
        Column(
            _l("Product categories"),
            lambda c: [Contract.Category(value).label for value in c.product_categories],
        ),
        Column(_l("CPV codes"), "cpv_codes"),
        Column(_l("Brands"), "brands"),
        Column(_l("Value"), "value"),
        Column(_l("Currency"), "currency"),
        Column(_l("Award date"), "awarded_on"),
        Column(_l("Start"), "start_date"),
        Column(_l("End"), "end_date"),
        Column(_l("EW conditions version"), "ew_conditions_version"),
        Column(_l("Disclosure status"), _disclosure_status),
        Column(_l("Disclosure due"), _disclosure_due),
    ]

    def get(self, request, *args, **kwargs):
        self.filter_form = ContractFilterForm(request.GET)
        self.filter_form.offer_present_choices(Contract.objects.all())
        self.filter_form.fields["contractor"].widget.suggest_url = (
            _contractor_suggestions_url(self.affiliate) + "?among=contracts"
        )
        self.filter_form.is_valid()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filter_form.filter(_contracts())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["filter_query"] = _query_without_page(self.request)
        context["can_edit"] = self.membership.can_edit
        context["today"] = timezone.localdate()
        context["import_report"] = _import_report_shown(self.request, self.affiliate)
        return context


def _contractor_suggestions_url(affiliate) -> str:
    return reverse("suppliers:contractor_suggestions", kwargs={"affiliate_slug": affiliate.slug})


class ContractorSuggestionsView(AffiliateViewMixin, View):
    """Contractors whose name holds `?q=`, as JSON for the contractor boxes' suggestions:
    every contractor (the contract form), or with `?among=contracts` those of the
    affiliate's contracts (the list's filter)."""

    model = Contract
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        if request.GET.get("among") == "contracts":
            # The scope keeps the subquery to this affiliate's contracts.
            contractors = Supplier.objects.filter(pk__in=Contract.objects.values("contractor_id"))
        else:
            contractors = Supplier.objects.filter(is_contractor=True)
        return JsonResponse(suggestions(contractors, request.GET.get("q", "")))


class ContractSuggestionsView(AffiliateViewMixin, View):
    """The affiliate's contracts whose reference holds `?q=`, as JSON for the contract boxes'
    suggestions (the compliance report form: an affiliate may have thousands)."""

    model = Contract
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        # The scope keeps the affiliate's own contracts.
        return JsonResponse(
            suggestions(Contract.objects.all(), request.GET.get("q", ""), field="reference")
        )


class ContractExportView(AffiliateViewMixin, View):
    """The old export addresses (`contracts/export.csv`, `.xlsx`): the list's own export."""

    model = Contract
    http_method_names = ["get"]
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        url = reverse("suppliers:contract_list", kwargs={"affiliate_slug": self.affiliate.slug})
        query = request.GET.copy()
        query["format"] = self.file_format
        return redirect(f"{url}?{query.urlencode()}")


class ContractOcdsExportView(AffiliateViewMixin, View):
    """The filtered contracts as an OCDS 1.1 release package (JSON download)."""

    model = Contract
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        from suppliers.ocds_export import ocds_export

        form = ContractFilterForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Nothing was exported: correct the filters first."))
            url = reverse("suppliers:contract_list", kwargs={"affiliate_slug": self.affiliate.slug})
            return redirect(f"{url}?{request.GET.urlencode()}")
        data = ocds_export(
            affiliate=self.affiliate,
            contracts=form.filter(Contract.objects.all()),
            uri=settings.SITE_URL + request.get_full_path(),
        )
        response = HttpResponse(data, content_type="application/json")
        filename = f"contracts-{self.affiliate.slug}-{timezone.localdate().isoformat()}.ocds.json"
        return attachment(response, filename)


class ContractDetailView(AffiliateViewMixin, DetailView):
    model = Contract
    template_name = "suppliers/contracts/detail.html"
    context_object_name = "contract"

    def get_queryset(self):
        return _contracts()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checklist"] = sorted(
            self.object.checklist.all(), key=lambda item: OUTCOME_ORDER.get(item.outcome, 99)
        )
        context["disclosure"] = _disclosure_of(self.object)
        context["categories"] = [
            Contract.Category(value).label for value in self.object.product_categories
        ]
        context["can_edit"] = self.membership.can_edit
        context["today"] = timezone.localdate()
        return context


class ContractCreateView(AffiliateViewMixin, FormView):
    model = Contract
    allowed_roles = Membership.EDITORS
    form_class = ContractForm
    template_name = "suppliers/contracts/form.html"

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["contractor"].widget.suggest_url = _contractor_suggestions_url(self.affiliate)
        return form

    def form_valid(self, form):
        try:
            contract = services.contract_create(
                affiliate=self.affiliate, by=self.request.user, **form.service_fields()
            )
        except DomainError as error:
            show_domain_error(self.request, error, form, aliases=CONTRACT_FIELD_ALIASES)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contract %(reference)s was recorded.") % {"reference": contract.reference},
        )
        return redirect(
            "suppliers:contract_detail", affiliate_slug=self.affiliate.slug, pk=contract.pk
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContractUpdateView(ContractCreateView):
    def get_contract(self) -> Contract:
        if not hasattr(self, "contract"):
            self.contract = get_object_or_404(
                Contract.objects.select_related("contractor"), pk=self.kwargs["pk"]
            )
        return self.contract

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["contract"] = self.get_contract()
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("contract", self.get_contract())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            contract = services.contract_update(
                contract=self.get_contract(), by=self.request.user, **form.service_fields()
            )
        except DomainError as error:
            show_domain_error(self.request, error, form, aliases=CONTRACT_FIELD_ALIASES)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contract %(reference)s was saved.") % {"reference": contract.reference},
        )
        return redirect(
            "suppliers:contract_detail", affiliate_slug=self.affiliate.slug, pk=contract.pk
        )


class ChecklistItemUpdateView(AffiliateViewMixin, TemplateView):
    """One checklist outcome: with htmx, the contract page's row turns into its form and back;
    without, a small page with the form."""

    model = ChecklistItem
    allowed_roles = Membership.EDITORS
    template_name = "suppliers/contracts/checklist_item.html"
    row_template = "suppliers/contracts/detail.html#checklist-row"
    form_row_template = "suppliers/contracts/detail.html#checklist-form-row"

    def get_item(self) -> ChecklistItem:
        if not hasattr(self, "item"):
            self.item = get_object_or_404(
                ChecklistItem.objects.select_related("contract"),
                pk=self.kwargs["pk"],
                contract_id=self.kwargs["contract_id"],
            )
        return self.item

    def make_form(self, data=None):
        item = self.get_item()
        return ChecklistItemForm(
            data, initial=ChecklistItemForm.initial_for(item), auto_id=f"item{item.pk}-%s"
        )

    def row_context(self, **kwargs):
        item = self.get_item()
        return {
            "item": item,
            "contract": item.contract,
            "affiliate": self.affiliate,
            "can_edit": True,
            "today": timezone.localdate(),
            **kwargs,
        }

    def get(self, request, *args, **kwargs):
        if request.htmx and request.GET.get("mode") == "display":
            return render(request, self.row_template, self.row_context())
        if request.htmx:
            return render(request, self.form_row_template, self.row_context(form=self.make_form()))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.make_form())
        context = super().get_context_data(**kwargs)
        context.update(item=self.get_item(), contract=self.get_item().contract)
        return context

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                self.item = services.checklist_item_update(
                    item=item, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_domain_error(self.request, error, form, aliases=CONTRACT_FIELD_ALIASES)
        if form.is_valid():
            notice = _("“%(outcome)s” was saved.") % {"outcome": item.get_outcome_display()}
            if request.htmx:
                self.item.contract = item.contract
                return render(request, self.row_template, self.row_context(row_notice=notice))
            messages.success(request, notice)
            url = reverse(
                "suppliers:contract_detail",
                kwargs={"affiliate_slug": self.affiliate.slug, "pk": item.contract_id},
            )
            return redirect(f"{url}#checklist-{item.pk}")
        if request.htmx:
            # htmx swaps only successful answers: the row with its errors comes back as 200.
            return render(request, self.form_row_template, self.row_context(form=form))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ContractImportView(AffiliateViewMixin, FormView):
    """Contracts from an OCDS file: all of them are saved, or none and every error is shown."""

    model = Contract
    allowed_roles = Membership.EDITORS
    form_class = OcdsImportForm
    template_name = "suppliers/contracts/import.html"

    def form_valid(self, form):
        from suppliers import ocds, ocds_package

        try:
            result = ocds.ocds_import(
                affiliate=self.affiliate,
                data=form.cleaned_data["file"].read(),
                by=self.request.user,
            )
        except ocds_package.OcdsImportRejected as rejected:
            context = self.get_context_data(
                form=form,
                import_errors=list(rejected.errors),
                import_stopped_at=rejected.stopped_at,
            )
            return self.render_to_response(context, status=400)
        messages.success(
            self.request,
            _(
                "The file was imported. Contracts created: %(created)s; updated: %(updated)s; "
                "new contractors: %(suppliers)s."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "suppliers": result.suppliers_created,
            },
        )
        skipped = len(getattr(result, "releases_without_contracts", []))
        if skipped:
            messages.info(
                self.request,
                ngettext(
                    "%(count)s release had no contract or award and was skipped.",
                    "%(count)s releases had no contract or award and were skipped.",
                    skipped,
                )
                % {"count": skipped},
            )
        self.request.session[IMPORT_REPORT_SESSION_KEY] = _import_report(result, self.affiliate)
        return redirect("suppliers:contract_list", affiliate_slug=self.affiliate.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _import_report(result, affiliate) -> dict:
    """Per contract, the part of the release each field came from (kept in the session)."""
    from suppliers.ocds_release import FIELDS

    rows = [
        {
            "pk": contract.pk,
            "reference": contract.reference,
            "title": contract.title,
            "sources": [row.sources.get(name, "") for name in FIELDS],
        }
        for contract, row in zip(result.contracts, result.rows, strict=True)
    ]
    return {
        "affiliate": affiliate.pk,
        "rows": rows[:IMPORT_REPORT_MAX_ROWS],
        "more": max(0, len(rows) - IMPORT_REPORT_MAX_ROWS),
    }


def _import_report_shown(request, affiliate) -> dict | None:
    """The report of the last import into this affiliate, once; labels in today's language."""
    from suppliers.ocds_release import FIELDS, SOURCES

    report = request.session.get(IMPORT_REPORT_SESSION_KEY)
    if not report or report.get("affiliate") != affiliate.pk:
        return None
    del request.session[IMPORT_REPORT_SESSION_KEY]
    return {
        "fields": list(FIELDS.values()),
        "rows": [
            {**row, "sources": [SOURCES.get(source, "—") for source in row["sources"]]}
            for row in report["rows"]
        ],
        "more": report["more"],
    }
