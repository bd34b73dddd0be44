"""The supply chain as an affiliate sees it (under /a/<affiliate_slug>/factories/)."""

from django.utils.translation import gettext_lazy as _l

from affiliates.mixins import AffiliateViewMixin
from core.exports import Column, ExportMixin
from core.views import ListView
from suppliers.factory_counts import with_counts
from suppliers.forms import FactoryFilterForm, offer_factory_choices
from suppliers.models import Factory

# --- The supply chain, as an affiliate sees it -----------------------------------------


class SupplyChainView(ExportMixin, AffiliateViewMixin, ListView):
    export_columns = [
        Column(_l("Factory"), "name"),
        Column(_l("Country"), lambda factory: factory.country.name),
        Column(_l("Function"), "get_function_display"),
        Column(_l("Open findings"), lambda factory: getattr(factory, "open_findings", 0) or 0),
        Column(
            _l("Open remediation cases"), lambda factory: getattr(factory, "open_cases", 0) or 0
        ),
        Column(_l("Other affiliates buying from it"), "other_affiliates"),
    ]

    model = Factory
    template_name = "suppliers/supply_chain.html"
    context_object_name = "factories"
    paginate_by = 50

    def get_queryset(self):
        self.visible = Factory.objects.visible_to(self.reader)
        self.filters = FactoryFilterForm(self.request.GET)
        queryset = with_counts(
            self.visible.with_affiliate_count().order_by("country", "name", "pk"),
            self.reader,
            in_readers_supply_chain=True,  # `visible`: the affiliate's supply chain
        )
        return self.filters.apply(queryset)

    def get_paginator(self, *args, **kwargs):
        # The capped count of a large supply chain costs more than the page's rows: kept
        # until the data change, per affiliate and filters (core/readmodel.py); the rows
        # themselves are read live. An invalid filter shows no row and counts nothing.
        paginator = super().get_paginator(*args, **kwargs)
        if self.filters.is_valid():
            paginator.cache_count(
                "suppliers.supply_chain.count",
                ("affiliate", self.affiliate.pk, self.reader.kind, *self.filters.applied()),
            )
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = offer_factory_choices(self.filters, self.visible, context)
        return context
