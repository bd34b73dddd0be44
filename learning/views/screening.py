"""Risk screening before a tender (under /a/<affiliate_slug>/screenings/), and EW staff's
country risk table (under /staff/country-risk/). Officers and admins screen; viewers read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView
from django_countries import countries

from affiliates.mixins import AffiliateViewMixin, StaffRequiredMixin
from affiliates.models import Membership
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.filters import offer_present_choices
from core.views import ListView, ServiceActionMixin, kept_filters, show_domain_error
from suppliers.contract_forms import ContractForm
from suppliers.models import CountryRiskIndicator

from ..forms.screening import (
    CountryRiskFilterForm,
    CountryRiskForm,
    LinkContractForm,
    ScreeningForm,
)
from ..models import Screening
from ..services import screening as services
from ..services.screening_display import results_display

# The contract services name the new contractor `contractor_name`; the form calls it so.
CONTRACT_FIELD_ALIASES = {"contractor_name": "new_contractor"}
COUNTRY_RISK_FILTERS = ("country", "indicator")


class ScreeningMixin(AffiliateViewMixin):
    model = Screening

    def get_screening(self) -> Screening:
        if not hasattr(self, "_screening"):
            self._screening = get_object_or_404(
                Screening.objects.select_related("contract", "created_by", "affiliate"),
                pk=self.kwargs["pk"],
            )
        return self._screening

    def get_success_url(self) -> str:
        return reverse(
            "learning:screening_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.get_screening().pk},
        )


class ScreeningListView(ExportMixin, AffiliateViewMixin, ListView):
    export_columns = fields(
        Screening, "title", "tender_reference", "tender_date", "status", "created_at"
    )

    model = Screening
    template_name = "learning/screening/list.html"
    context_object_name = "screenings"
    paginate_by = 25

    def get_queryset(self):
        return (
            Screening.objects.select_related("contract", "created_by")
            .prefetch_related("cpv_codes")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.membership.can_edit
        return context


class ScreeningCreateView(AffiliateViewMixin, FormView):
    model = Screening
    allowed_roles = Membership.EDITORS
    form_class = ScreeningForm
    template_name = "learning/screening/form.html"

    def form_valid(self, form):
        try:
            screening = services.screening_create(
                affiliate=self.affiliate, by=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The screening was created. Save it to keep these results.")
        )
        return redirect(screening.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ScreeningUpdateView(ScreeningMixin, FormView):
    allowed_roles = Membership.EDITORS
    form_class = ScreeningForm
    template_name = "learning/screening/form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["screening"] = self.get_screening()
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("screening", self.get_screening())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            services.screening_update(
                screening=self.get_screening(), by=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The screening was changed: save it to keep the results."))
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ScreeningDetailView(ScreeningMixin, DetailView):
    """A draft computes its results afresh; a saved or awarded screening shows the results
    stored when it was saved."""

    template_name = "learning/screening/detail.html"
    context_object_name = "screening"

    def get_object(self, queryset=None):
        return self.get_screening()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        screening = self.object
        stored = screening.status != Screening.Status.DRAFT and screening.has_snapshot
        results = screening.results if stored else services.screening_results(screening)
        context.update(
            results=results_display(results),
            stored=stored,
            can_edit=self.membership.can_edit,
            link_form=LinkContractForm() if self.membership.can_edit else None,
            Status=Screening.Status,
        )
        return context


class ScreeningSaveView(ScreeningMixin, ServiceActionMixin, View):
    allowed_roles = Membership.EDITORS

    def perform(self, request, *args, **kwargs):
        services.screening_save(screening=self.get_screening(), by=request.user)
        return _("The screening was saved with the results known today.")


class ScreeningRefreshView(ScreeningMixin, ServiceActionMixin, View):
    allowed_roles = Membership.EDITORS

    def perform(self, request, *args, **kwargs):
        services.screening_refresh(screening=self.get_screening(), by=request.user)
        return _("The results were refreshed with what is known today.")


class ScreeningLinkContractView(ScreeningMixin, ServiceActionMixin, View):
    allowed_roles = Membership.EDITORS

    def perform(self, request, *args, **kwargs):
        form = LinkContractForm(request.POST)
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for e in form.errors.get("contract", [])))
        contract = form.cleaned_data["contract"]
        services.screening_award(screening=self.get_screening(), contract=contract, by=request.user)
        return _("The screening is linked to contract %(reference)s.") % {
            "reference": contract.reference
        }


class ScreeningContractCreateView(ScreeningMixin, FormView):
    """The contract form, filled in from the screening; recording it links the screening."""

    allowed_roles = Membership.EDITORS
    form_class = ContractForm
    template_name = "learning/screening/contract_form.html"

    def get(self, request, *args, **kwargs):
        if self.get_screening().status == Screening.Status.AWARDED:
            messages.error(request, _("This screening is linked to a contract already."))
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        return services.contract_initial(self.get_screening())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("screening", self.get_screening())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            contract = services.screening_create_contract(
                screening=self.get_screening(), by=self.request.user, **form.service_fields()
            )
        except DomainError as error:
            show_domain_error(self.request, error, form, aliases=CONTRACT_FIELD_ALIASES)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contract %(reference)s was recorded and linked to the screening.")
            % {"reference": contract.reference},
        )
        return redirect(contract.get_absolute_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- EW staff: the country risk table --------------------------------------------------------


class CountryRiskListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(
        CountryRiskIndicator,
        "country",
        "indicator",
        "value",
        "level",
        "year",
        "source",
        "source_url",
    )

    model = CountryRiskIndicator
    template_name = "learning/screening/country_risk_list.html"
    context_object_name = "indicators"
    paginate_by = 50

    def get_queryset(self):
        self.filters = CountryRiskFilterForm(self.request.GET)
        offer_present_choices(
            self.filters,
            CountryRiskIndicator.objects.all(),
            {
                "country": ("country", countries, _("All countries")),
                "indicator": (
                    "indicator",
                    CountryRiskIndicator.Indicator.choices,
                    _("All indicators"),
                ),
            },
        )
        indicators = CountryRiskIndicator.objects.select_related("updated_by").order_by(
            "country", "indicator", "-year"
        )
        if self.filters.is_valid():
            if self.filters.cleaned_data.get("country"):
                indicators = indicators.filter(country=self.filters.cleaned_data["country"])
            if self.filters.cleaned_data.get("indicator"):
                indicators = indicators.filter(indicator=self.filters.cleaned_data["indicator"])
        return indicators

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["filter_query"] = kept_filters(self.request, (*COUNTRY_RISK_FILTERS, "page"))
        return context


def country_risk_list_url(request, *, keep_page: bool = True) -> str:
    """The list as it was opened: its filters (and page) ride along on the edit pages."""
    names = (*COUNTRY_RISK_FILTERS, "page") if keep_page else COUNTRY_RISK_FILTERS
    return reverse("learning:country_risk_list") + kept_filters(request, names)


class CountryRiskCreateView(StaffRequiredMixin, FormView):
    model = CountryRiskIndicator
    form_class = CountryRiskForm
    template_name = "learning/screening/country_risk_form.html"

    def get_indicator(self) -> CountryRiskIndicator | None:
        return None

    def get_initial(self):
        indicator = self.get_indicator()
        return CountryRiskForm.initial_for(indicator) if indicator else {}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("indicator", self.get_indicator())
        kwargs.setdefault("list_url", country_risk_list_url(self.request))
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            services.country_risk_save(
                by=self.request.user, figure=self.get_indicator(), **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The figure was saved."))
        return redirect(country_risk_list_url(self.request))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CountryRiskUpdateView(CountryRiskCreateView):
    def get_indicator(self) -> CountryRiskIndicator:
        if not hasattr(self, "_indicator"):
            self._indicator = get_object_or_404(CountryRiskIndicator, pk=self.kwargs["pk"])
        return self._indicator


class CountryRiskDeleteView(StaffRequiredMixin, TemplateView):
    model = CountryRiskIndicator
    template_name = "learning/screening/country_risk_delete.html"

    def get_indicator(self) -> CountryRiskIndicator:
        return get_object_or_404(CountryRiskIndicator, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("indicator", self.get_indicator())
        kwargs.setdefault("list_url", country_risk_list_url(self.request))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        services.country_risk_delete(figure=self.get_indicator(), by=request.user)
        messages.success(request, _("The figure was deleted."))
        # Without the page: the last figure of the last page may just have gone.
        return redirect(country_risk_list_url(request, keep_page=False))
