"""Staff's pages of trade unions and worker representative bodies, under /staff/organisations/:
the list, recording one, linking its factories and crediting cases and grievances."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from affiliates.mixins import StaffRequiredMixin
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.filters import offer_present_choices
from core.views import ListView, show_domain_error

from ..forms.dialogue import OrganisationFilterForm, OrganisationForm
from ..models import Organisation
from ..services import dialogue as services


class OrganisationListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(
        Organisation, "name", "kind", "country", "contact_name", "contact_email", "contact_phone"
    )

    model = Organisation
    template_name = "engagement/organisations/list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        self.filters = OrganisationFilterForm(self.request.GET)
        offer_present_choices(
            self.filters,
            Organisation.objects.all(),
            {"kind": ("kind", Organisation.Kind.choices, _("Any"))},
        )
        organisations = Organisation.objects.annotate(
            factory_count=Count("factories", distinct=True),
            case_count=Count("credited_cases", distinct=True),
            grievance_count=Count("credited_grievances", distinct=True),
        )
        if not self.filters.is_valid():
            return organisations.none()
        if kind := self.filters.cleaned_data["kind"]:
            organisations = organisations.filter(kind=kind)
        if query := self.filters.cleaned_data["q"].strip():
            organisations = organisations.filter(
                Q(name__icontains=query) | Q(factories__name__icontains=query)
            ).distinct()
        return organisations.order_by("name", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class OrganisationSaveView(StaffRequiredMixin, FormView):
    model = Organisation
    template_name = "engagement/organisations/form.html"
    form_class = OrganisationForm

    def get_organisation(self) -> Organisation | None:
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(Organisation, pk=self.kwargs["pk"])
        return self._organisation

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_organisation()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.get_organisation(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            organisation = services.organisation_save(
                organisation=self.get_organisation(),
                kind=data["kind"],
                name=data["name"],
                country=data["country"],
                factories=data["factories"],
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
                notes=data["notes"],
                credited_cases=data.get("credited_cases"),
                credited_grievances=data.get("credited_grievances"),
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Organisation saved."))
        return redirect(organisation.get_absolute_url())
