"""Company contacts: staff's page per company (under /staff/engagement/companies/<id>/), and
the invitation link (/invitations/company/<token>/, public: it works signed out)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import StaffRequiredMixin
from affiliates.views import InvitationAcceptBaseView
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.views import show_domain_error
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


class StaffInvitationWithdrawView(StaffCompanyMixin, ConfirmedActionMixin, View):
    model = CompanyInvitation

    def get_invitation(self) -> CompanyInvitation:
        return get_object_or_404(
            CompanyInvitation.objects.filter(company=self.get_company()),
            pk=self.kwargs["invitation_pk"],
        )

    def check(self, request):
        if self.get_invitation().accepted_at is not None:
            raise DomainError(_("This invitation has already been accepted."))

    def get_confirmation(self):
        invitation = self.get_invitation()
        names = {"email": invitation.email, "company": self.get_company().name}
        return Confirmation(
            title=_("Withdraw the invitation to %(email)s?") % names,
            summary=_(
                "The link sent to %(email)s stops working at once: they cannot use it to act "
                "for the company %(company)s. They are not told."
            )
            % names,
            final=_("To let them in later, send a new invitation."),
            confirm_label=_("Withdraw the invitation"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        services.invitation_withdraw(invitation=invitation, by=request.user)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}


class StaffContactRemoveView(StaffCompanyMixin, ConfirmedActionMixin, View):
    model = CompanyContact

    def get_contact(self) -> CompanyContact:
        return get_object_or_404(
            CompanyContact.objects.filter(company=self.get_company()).select_related("user"),
            pk=self.kwargs["contact_pk"],
        )

    def get_confirmation(self):
        contact = self.get_contact()
        names = {"email": contact.user.email, "company": self.get_company().name}
        return Confirmation(
            title=_("Remove %(email)s from the company %(company)s?") % names,
            summary=_(
                "%(email)s will no longer act for %(company)s: the company portal closes to "
                "them at once and their API tokens are revoked. Their account stays, with no "
                "role; what they wrote stays in the records under their name."
            )
            % names,
            final=_("To come back, they need a new invitation from Electronics Watch staff."),
            confirm_label=_("Remove %(email)s") % names,
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        contact = self.get_contact()
        services.contact_remove(contact=contact, by=request.user)
        return _("%(email)s no longer acts for the company %(company)s.") % {
            "email": contact.user.email,
            "company": self.get_company().name,
        }


class CompanyInvitationAcceptView(InvitationAcceptBaseView):
    """Where the invitation e-mail's link leads: signed out, create the account; signed in
    with the invited address, accept. A used, withdrawn or expired link says so."""

    template_name = "engagement/contacts/invitation_accept.html"
    services = services

    def welcome(self, request):
        messages.success(
            request,
            _("You now act for the company %(company)s.")
            % {"company": self.invitation.company.name},
        )
        # The portal first asks for two-factor authentication (`MfaEnrolmentMiddleware`).
        return redirect("engagement:company_home")

    def get_account_form_initial(self) -> dict:
        return {"full_name": self.invitation.full_name}

    def get_extra_context(self) -> dict:
        return {"company": self.invitation.company}
