"""Company contacts: staff's page per company (under /staff/engagement/companies/<id>/), and
the invitation link (/invitations/company/<token>/, public: it works signed out)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.forms import AcceptInvitationForm
from affiliates.mixins import StaffRequiredMixin
from affiliates.models import User
from core.errors import DomainError
from core.views import ServiceActionMixin, show_domain_error
from suppliers.models import Supplier

from ..forms.contacts import ContactInviteForm
from ..models import CompanyContact, CompanyInvitation
from ..services import contacts as services


class StaffCompanyMixin(StaffRequiredMixin):
    def get_company(self) -> Supplier:
        if not hasattr(self, "_company"):
            self._company = get_object_or_404(
                Supplier.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._company

    def get_success_url(self):
        return reverse("engagement:staff_company_contacts", kwargs={"pk": self.get_company().pk})


class StaffCompanyContactsView(StaffCompanyMixin, DetailView):
    """The company's contacts and open invitations; the form to invite one more."""

    model = Supplier
    template_name = "engagement/contacts/staff_contacts.html"
    context_object_name = "company"

    def get_object(self, queryset=None):
        return self.get_company()

    def get_context_data(self, **kwargs):
        company = self.object
        kwargs.setdefault("invite_form", ContactInviteForm())
        kwargs["contacts"] = list(
            CompanyContact.objects.filter(company=company)
            .select_related("user", "invited_by")
            .order_by("user__email")
        )
        kwargs["invitations"] = list(
            CompanyInvitation.objects.pending()
            .filter(company=company)
            .select_related("invited_by")
            .order_by("email")
        )
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = company = self.get_company()
        form = ContactInviteForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.contact_invite(
                    company=company, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. The link is valid for %(days)s days.")
                    % {"email": invitation.email, "days": CompanyInvitation.VALIDITY.days},
                )
                return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class StaffInvitationWithdrawView(StaffCompanyMixin, ServiceActionMixin, View):
    model = CompanyInvitation

    def perform(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            CompanyInvitation.objects.filter(company=self.get_company()),
            pk=self.kwargs["invitation_pk"],
        )
        services.invitation_withdraw(invitation=invitation, by=request.user)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}


class StaffContactRemoveView(StaffCompanyMixin, ServiceActionMixin, View):
    model = CompanyContact

    def perform(self, request, *args, **kwargs):
        contact = get_object_or_404(
            CompanyContact.objects.filter(company=self.get_company()).select_related("user"),
            pk=self.kwargs["contact_pk"],
        )
        services.contact_remove(contact=contact, by=request.user)
        return _("%(email)s no longer acts for %(company)s.") % {
            "email": contact.user.email,
            "company": self.get_company().name,
        }


class CompanyInvitationAcceptView(View):
    """Where the invitation e-mail's link leads: signed out, create the account; signed in
    with the invited address, accept. A used, withdrawn or expired link says so."""

    template_name = "engagement/contacts/invitation_accept.html"

    def dispatch(self, request, token):
        self.invitation = services.invitation_from_token(token)
        try:
            services.invitation_check_open(self.invitation)
        except DomainError as error:
            response = render(
                request,
                "engagement/contacts/invitation_invalid.html",
                {"error": error.message},
                status=410 if self.invitation else 404,
            )
            response["Cache-Control"] = "no-store"
            return response
        return super().dispatch(request, token)

    def get(self, request, token):
        return self._render(request, self._account_form())

    def post(self, request, token):
        if request.user.is_authenticated:
            try:
                services.invitation_accept(invitation=self.invitation, user=request.user)
            except DomainError as error:
                show_domain_error(request, error)
                return self._render(request, None, status=400)
            return self._welcome(request)
        if self._account_exists():
            return redirect_to_login(request.get_full_path())
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            user = services.invitation_accept_as_new_user(
                invitation=self.invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            show_domain_error(request, error, form)
            return self._render(request, form, status=400)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return self._welcome(request)

    def _welcome(self, request):
        messages.success(
            request,
            _("You now act for %(company)s.") % {"company": self.invitation.company.name},
        )
        # The portal first asks for two-factor authentication (`MfaEnrolmentMiddleware`).
        return redirect("engagement:company_home")

    def _account_exists(self) -> bool:
        return User.objects.filter(email__iexact=self.invitation.email).exists()

    def _account_form(self):
        if self.request.user.is_authenticated or self._account_exists():
            return None
        return AcceptInvitationForm(
            email=self.invitation.email, initial={"full_name": self.invitation.full_name}
        )

    def _render(self, request, form, status=200):
        context = {
            "invitation": self.invitation,
            "company": self.invitation.company,
            "form": form,
            "account_exists": self._account_exists(),
            "login_url": reverse("account_login") + "?next=" + request.path,
        }
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response
