"""Electronics Watch staff's pages of the registry: factories, matches, suppliers."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.generic import DetailView, FormView
from django_scopes import scopes_disabled

from affiliates.mixins import StaffRequiredMixin
from core import readmodel
from core.errors import DomainError
from core.exports import Column, ExportMixin, fields
from core.views import ListView, ServiceActionMixin, show_domain_error
from suppliers import services
from suppliers.factory_counts import with_counts
from suppliers.forms import (
    CompanyFilterForm,
    FactoryFilterForm,
    RbaMembershipForm,
    offer_factory_choices,
)
from suppliers.models import (
    Disclosure,
    DisclosureLine,
    Factory,
    FactoryMatchReview,
    FactoryMerge,
    Supplier,
)

# --- Electronics Watch staff -------------------------------------------------------------


class StaffFactoryRankingView(ExportMixin, StaffRequiredMixin, ListView):
    """Factories ranked by collective leverage: affiliates linked, then their combined spend."""

    export_columns = [
        Column(_l("Factory"), "name"),
        Column(_l("Country"), lambda factory: factory.country.name),
        Column(_l("Sector"), "get_sector_display"),
        Column(_l("Function"), "get_function_display"),
        Column(_l("Open findings"), lambda factory: getattr(factory, "open_findings", 0) or 0),
        Column(
            _l("Open remediation cases"), lambda factory: getattr(factory, "open_cases", 0) or 0
        ),
        Column(_l("Affiliates"), lambda factory: factory.affiliate_count or 0),
        Column(
            _l("Combined contract value (EUR)"), lambda factory: factory.combined_value_eur or 0
        ),
    ]

    template_name = "suppliers/staff_factories.html"
    context_object_name = "factories"
    paginate_by = 50

    def get_queryset(self):
        self.visible = Factory.objects.visible_to(self.reader)
        self.filters = FactoryFilterForm(self.request.GET)
        queryset = (
            # The stored leverage, read in the order of the index `factory_leverage_rank`.
            with_counts(self.visible, self.reader).order_by(
                "-affiliate_count", "-combined_value_eur", "name", "pk"
            )
        )
        return self.filters.apply(queryset)

    def get_paginator(self, *args, **kwargs):
        # The capped count of the registry (10,001 rows read): kept until the data change,
        # per filters (core/readmodel.py); the rows themselves are read live.
        paginator = super().get_paginator(*args, **kwargs)
        if self.filters.is_valid():
            paginator.cache_count(
                "suppliers.staff_factories.count", ("staff", *self.filters.applied())
            )
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = offer_factory_choices(self.filters, self.visible, context)
        # Kept until the data change, like the count (core/readmodel.py): one query fewer.
        context["pending_reviews"] = readmodel.cached(
            "suppliers.staff_factories.pending_reviews",
            ("staff",),
            FactoryMatchReview.objects.filter(decision=FactoryMatchReview.Decision.PENDING).count,
        )
        return context


class StaffFactoryDetailView(StaffRequiredMixin, DetailView):
    template_name = "suppliers/staff_factory.html"
    context_object_name = "factory"

    def get_queryset(self):
        return Factory.objects.select_related("owner", "merged_into")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with scopes_disabled():
            affiliate_lines = list(
                DisclosureLine.objects.filter(factory=self.object)
                .values("affiliate__name", "disclosure__status", "brand")
                .annotate(models=Count("pk"))
                .order_by("affiliate__name", "brand")[:500]
            )
        statuses = dict(Disclosure.Status.choices)
        for row in affiliate_lines:
            row["status"] = statuses.get(row["disclosure__status"], row["disclosure__status"])
        context["affiliate_lines"] = affiliate_lines
        context["supplier_links"] = self.object.supplier_links.select_related("supplier")
        context["merged_factories"] = self.object.merged_factories.all()
        context["merges"] = (
            FactoryMerge.objects.filter(Q(source=self.object) | Q(target=self.object))
            .select_related("source", "target", "merged_by", "undone_by")
            .order_by("-merged_at", "-pk")[:100]
        )
        return context


class StaffSupplierListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(
        Supplier,
        "name",
        "country",
        "is_brand",
        "is_manufacturer",
        "is_contractor",
        "rba_membership",
    )

    template_name = "suppliers/staff_suppliers.html"
    context_object_name = "suppliers"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            Supplier.objects.visible_to(self.reader)
            .annotate(
                factory_count=Count("factory_links__factory", distinct=True),
                contract_count=Count("contracts", distinct=True),
            )
            .order_by("name")
        )
        self.filters = CompanyFilterForm(self.request.GET)
        query = self.filters.cleaned_data["q"].strip() if self.filters.is_valid() else ""
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(legal_name__icontains=query))
        return queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class DisclosureConfirmationListView(ExportMixin, StaffRequiredMixin, ListView):
    """Accepted lists that an officer typed or uploaded: their sites join the affiliate's
    supply chain only once EW staff confirm them (`suppliers.querysets.vouched`)."""

    export_columns = fields(
        Disclosure, "affiliate", "contract", "status", "due_date", "submitted_at", "confirmed_at"
    )

    template_name = "suppliers/staff_disclosure_confirmations.html"
    context_object_name = "disclosures"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        # Staff read across tenants: the lines are prefetched while the page renders.
        with scopes_disabled():
            response = super().get(request, *args, **kwargs)
            return (
                response.render() if hasattr(response, "render") else response
            )  # an export is no template

    def get_queryset(self):
        with scopes_disabled():
            return (
                Disclosure.objects.filter(
                    status=Disclosure.Status.ACCEPTED,
                    submitted_by_contractor=False,
                    confirmed_at__isnull=True,
                )
                .select_related("affiliate", "contract", "contract__contractor")
                .prefetch_related("lines__factory")
                .order_by("decided_at", "pk")
            )


class DisclosureConfirmView(StaffRequiredMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        with scopes_disabled():
            disclosure = get_object_or_404(
                Disclosure.objects.select_related("contract", "affiliate"), pk=kwargs["pk"]
            )
        services.disclosure_confirm(disclosure=disclosure, by=request.user)
        return _(
            "Confirmed: the sites of %(contract)s are now in %(affiliate)s's supply chain."
        ) % {
            "contract": disclosure.contract.reference,
            "affiliate": disclosure.affiliate.name,
        }

    def get_success_url(self):
        return reverse("suppliers:staff_disclosure_confirmations")


# --- A company's page for staff (industry engagement adds its panels: `company_staff`) -----


class StaffSupplierDetailView(StaffRequiredMixin, DetailView):
    """A company as staff see it: its roles, RBA membership and factories; the areas above
    this app add their sections through `core.panels` (slot `company_staff`)."""

    model = Supplier
    template_name = "suppliers/staff_supplier.html"
    context_object_name = "supplier"

    def get_queryset(self):
        return Supplier.objects.visible_to(self.reader)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["owned_factories"] = list(
            self.object.owned_factories.filter(merged_into__isnull=True).order_by("name")[:100]
        )
        return context


class StaffSupplierRbaView(StaffRequiredMixin, FormView):
    """Edit a company's membership of the Responsible Business Alliance."""

    model = Supplier
    template_name = "suppliers/staff_supplier_rba.html"
    form_class = RbaMembershipForm

    def get_supplier(self) -> Supplier:
        if not hasattr(self, "_supplier"):
            self._supplier = get_object_or_404(
                Supplier.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._supplier

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_supplier()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(supplier=self.get_supplier(), **kwargs)

    def form_valid(self, form):
        try:
            services.supplier_set_rba_membership(
                supplier=self.get_supplier(),
                rba_membership=form.cleaned_data["rba_membership"],
                rba_member_since=form.cleaned_data["rba_member_since"],
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("RBA membership saved."))
        return redirect("suppliers:staff_supplier", pk=self.get_supplier().pk)
