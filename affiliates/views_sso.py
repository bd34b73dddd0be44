"""Single sign-on pages: the login page's "Sign in with your organisation" and staff's
configuration of each affiliate's identity provider (`affiliates.sso`)."""

import logging

import requests
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from core.errors import DomainError
from core.views import ListView, show_domain_error

from . import sso as sso_services
from .forms import SingleSignOnForm, SingleSignOnStartForm
from .mixins import StaffRequiredMixin
from .models import SingleSignOn

log = logging.getLogger(__name__)


class SingleSignOnStartView(View):
    """POST an address: its domain's provider, or back to the login page with a message.

    Only the provider of the typed domain is ever named, so the public sees no list of which
    affiliates use which provider."""

    http_method_names = ["post"]

    def post(self, request):
        form = SingleSignOnStartForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, _("Type your work e-mail address to sign in with your organisation.")
            )
            return redirect("account_login")
        sso = sso_services.sso_for_email(form.cleaned_data["email"])
        if sso is None:
            messages.info(
                request,
                _(
                    "Your organisation does not sign in through its own service here. Sign in "
                    "with your e-mail address and password."
                ),
            )
            return redirect("account_login")
        provider = get_social_adapter(request).get_provider(request, sso.app.provider_id)
        next_url = request.POST.get("next") or None
        if next_url and not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = None
        kwargs = {}
        if sso.protocol == SingleSignOn.Protocol.OIDC:
            kwargs["auth_params"] = {
                **provider.get_auth_params(),
                "login_hint": form.cleaned_data["email"],
            }
        try:
            # OpenID Connect first fetches the provider's discovery document over the network.
            return provider.redirect(request, AuthProcess.LOGIN, next_url=next_url, **kwargs)
        except requests.RequestException as exc:
            log.warning(
                "Single sign-on provider of affiliate %s unreachable (%s): %s",
                sso.affiliate_id,
                sso.protocol,
                type(exc).__name__,
            )
            messages.error(
                request,
                _(
                    "Your organisation's sign-in service cannot be reached just now; try again "
                    "later or sign in with your password."
                ),
            )
            return redirect("account_login")


class StaffSingleSignOnListView(StaffRequiredMixin, ListView):
    template_name = "affiliates/staff_sso_list.html"
    context_object_name = "providers"

    def get_queryset(self):
        return SingleSignOn.objects.select_related("affiliate", "app")


class StaffSingleSignOnEditView(StaffRequiredMixin, FormView):
    """Add a provider, or change one (`pk`); the secret is write-only."""

    template_name = "affiliates/staff_sso_form.html"
    form_class = SingleSignOnForm

    @cached_property
    def object(self) -> SingleSignOn | None:
        """Read once the staff check has passed (anyone else never learns whether it exists)."""
        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(SingleSignOn.objects.select_related("affiliate", "app"), pk=pk)

    def get_initial(self):
        sso = self.object
        if sso is None:
            return {"enabled": True}
        idp = sso.app.settings.get("idp", {})
        return {
            "affiliate": sso.affiliate,
            "protocol": sso.protocol,
            "domains": ", ".join(sso.domains),
            "enabled": sso.enabled,
            "server_url": sso.app.settings.get("server_url", ""),
            "client_id": sso.app.client_id if sso.protocol == SingleSignOn.Protocol.OIDC else "",
            "idp_entity_id": idp.get("entity_id", ""),
            "sso_url": idp.get("sso_url", ""),
            "x509cert": idp.get("x509cert", ""),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        if self.object is not None:
            context["sp"] = sso_services.sp_details(self.request, self.object)
            context["has_secret"] = bool(self.object.client_secret)
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            sso = sso_services.sso_save(
                affiliate=data["affiliate"],
                protocol=data["protocol"],
                domains=sso_services.parse_domains(data["domains"]),
                enabled=data["enabled"],
                server_url=data["server_url"],
                client_id=data["client_id"],
                client_secret=data["client_secret"],
                idp_entity_id=data["idp_entity_id"],
                sso_url=data["sso_url"],
                x509cert=data["x509cert"],
                instance=self.object,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Single sign-on for %(affiliate)s saved.") % {"affiliate": sso.affiliate},
        )
        return redirect(reverse("affiliates:staff_sso_edit", args=[sso.pk]))
