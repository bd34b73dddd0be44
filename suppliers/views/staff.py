"""Electronics Watch staff's pages of the registry: factories, matches, suppliers."""

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView
from django_scopes import scopes_disabled

from affiliates.mixins import StaffRequiredMixin
from core.views import ServiceActionMixin
from suppliers import services
from suppliers.forms import (
    FactoryFilterForm,
)
from suppliers.models import Disclosure, DisclosureLine, Factory, FactoryMatchReview, Supplier

# --- Electronics Watch staff -------------------------------------------------------------


class StaffFactoryRankingView(StaffRequiredMixin, ListView):
    """Factories ranked by collective leverage: affiliates linked, then their combined spend."""

    template_name = "suppliers/staff_factories.html"
    context_object_name = "factories"
    paginate_by = 50

    def get_queryset(self):
        self.filters = FactoryFilterForm(self.request.GET)
        queryset = (
            Factory.objects.visible_to(self.reader)
            .with_leverage()
            .order_by(
                F("affiliate_count").desc(nulls_last=True),
                F("combined_value_eur").desc(nulls_last=True),
                "name",
            )
        )
        return self.filters.apply(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = self.filters
        context["pending_reviews"] = FactoryMatchReview.objects.filter(
            decision=FactoryMatchReview.Decision.PENDING
        ).count()
        return context


class StaffFactoryDetailView(StaffRequiredMixin, DetailView):
    template_name = "suppliers/staff_factory.html"
    context_object_name = "factory"

    def get_queryset(self):
        return Factory.objects.with_leverage().select_related("owner", "merged_into")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        with scopes_disabled():
            context["affiliate_lines"] = (
                DisclosureLine.objects.filter(factory=self.object)
                .values("affiliate__name", "disclosure__status", "brand")
                .annotate(models=Count("pk"))
                .order_by("affiliate__name", "brand")[:500]
            )
        context["supplier_links"] = self.object.supplier_links.select_related("supplier")
        context["merged_factories"] = self.object.merged_factories.all()
        return context


class MatchReviewListView(StaffRequiredMixin, ListView):
    template_name = "suppliers/match_reviews.html"
    context_object_name = "reviews"
    paginate_by = 25

    def get_queryset(self):
        return (
            FactoryMatchReview.objects.filter(decision=FactoryMatchReview.Decision.PENDING)
            .select_related("factory", "candidate")
            .order_by("-score", "pk")
        )


class MatchReviewDecideView(StaffRequiredMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        review = get_object_or_404(FactoryMatchReview, pk=kwargs["pk"])
        same = request.POST.get("decision") == "same"
        services.match_review_decide(review=review, same=same, by=request.user)
        if same:
            return _("Merged: “%(source)s” is now part of “%(target)s”.") % {
                "source": review.factory.name,
                "target": review.candidate.name,
            }
        return _("Kept apart: these are different sites.")

    def get_success_url(self):
        return reverse("suppliers:staff_factory_matches")


class StaffSupplierListView(StaffRequiredMixin, ListView):
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
        query = self.request.GET.get("q", "").strip()
        if query:
            queryset = queryset.filter(Q(name__icontains=query) | Q(legal_name__icontains=query))
        return queryset


class DisclosureConfirmationListView(StaffRequiredMixin, ListView):
    """Accepted lists that an officer typed or uploaded: their sites join the affiliate's
    supply chain only once EW staff confirm them (`suppliers.querysets.vouched`)."""

    template_name = "suppliers/staff_disclosure_confirmations.html"
    context_object_name = "disclosures"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        # Staff read across tenants: the lines are prefetched while the page renders.
        with scopes_disabled():
            return super().get(request, *args, **kwargs).render()

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
