from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import FormView, TemplateView
from django_scopes import scopes_disabled

from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin, fields
from core.views import ListView, ServiceActionMixin, show_domain_error

from . import services
from .forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    LanguageForm,
    ProfileForm,
    RoleForm,
)
from .middleware import set_language_cookie
from .mixins import AffiliateViewMixin, StaffRequiredMixin
from .models import (
    Affiliate,
    ApiToken,
    Invitation,
    Membership,
)
from .tenancy import ACTIVE_AFFILIATE_SESSION_KEY, memberships_of

# --- Affiliate pages ---------------------------------------------------------------------


class MemberListView(ExportMixin, AffiliateViewMixin, ListView):
    export_columns = [
        Column(_l("Name"), "user.full_name"),
        Column(_l("E-mail address"), "user.email"),
        Column(_l("Role"), "get_role_display"),
        Column(_l("Member since"), "created_at"),
    ]

    model = Membership
    template_name = "affiliates/members.html"
    context_object_name = "memberships"
    paginate_by = 50

    def get_queryset(self):
        return Membership.objects.select_related("user").order_by("user__email")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.membership.can_manage_members
        context["roles"] = Membership.Role.choices
        if self.membership.can_manage_members:
            context["invitations"] = (
                Invitation.objects.pending().select_related("invited_by").order_by("email")[:200]
            )
            context["invite_form"] = kwargs.get("invite_form") or InvitationForm()
        return context


class InviteView(AffiliateViewMixin, View):
    allowed_roles = Membership.ADMIN_ONLY
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    affiliate=self.affiliate,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s. The link is valid for 7 days.")
                    % {"email": invitation.email},
                )
                return redirect("affiliates:members", affiliate_slug=self.affiliate.slug)
        return _render_members_with_form(self, form)


def _render_members_with_form(view, form):
    """Re-render the members page with the invitation form's errors (status 400)."""
    list_view = MemberListView()
    list_view.setup(view.request, *view.args, **view.kwargs)
    list_view.affiliate, list_view.membership = view.affiliate, view.membership
    list_view.object_list = list_view.get_queryset()
    context = list_view.get_context_data(invite_form=form)
    return render(view.request, list_view.template_name, context, status=400)


class MemberRoleView(AffiliateViewMixin, ServiceActionMixin, View):
    """Change a member's role; with htmx, only the member's table row is redrawn."""

    model = Membership
    allowed_roles = Membership.ADMIN_ONLY

    def post(self, request, *args, **kwargs):
        if not request.htmx:
            return super().post(request, *args, **kwargs)
        notice = error = None
        try:
            notice = self.perform(request, *args, **kwargs)
        except DomainError as exc:
            error = exc.message
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=kwargs["pk"])
        context = {
            "m": membership,
            "affiliate": self.affiliate,
            "roles": Membership.Role.choices,
            "can_manage": True,
            "row_notice": notice,
            "row_error": error,
        }
        return render(request, "affiliates/members.html#member-row", context)

    def perform(self, request, *args, **kwargs):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=kwargs["pk"])
        form = RoleForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose a role from the list."))
        services.membership_change_role(
            membership=membership, role=form.cleaned_data["role"], by=request.user
        )
        return _("%(user)s is now %(role)s.") % {
            "user": membership.user,
            "role": Membership.Role(form.cleaned_data["role"]).label,
        }

    def get_success_url(self):
        return reverse("affiliates:members", kwargs={"affiliate_slug": self.affiliate.slug})


class MemberRemoveView(AffiliateViewMixin, ConfirmedActionMixin, View):
    model = Membership
    allowed_roles = Membership.ADMIN_ONLY

    def get_membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("user", "affiliate"), pk=self.kwargs["pk"]
        )

    def check(self, request):
        services.membership_check_removable(membership=self.get_membership(), by=request.user)

    def get_confirmation(self):
        membership = self.get_membership()
        names = {"user": membership.user.email, "affiliate": self.affiliate.name}
        return Confirmation(
            title=_("Remove %(user)s from %(affiliate)s?") % names,
            summary=_(
                "%(user)s (%(role)s) will no longer sign in to %(affiliate)s's pages, API or "
                "e-mails. Their past work stays in the records under their name."
            )
            % {**names, "role": membership.get_role_display()},
            final=_("To come back, they need a new invitation from an admin."),
            confirm_label=_("Remove %(user)s") % names,
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        membership = self.get_membership()
        services.membership_remove(membership=membership, by=request.user)
        return _("%(user)s no longer belongs to %(affiliate)s.") % {
            "user": membership.user,
            "affiliate": self.affiliate.name,
        }

    def get_success_url(self):
        if not Membership.objects.filter(user=self.request.user).exists():
            return reverse("home")
        return reverse("affiliates:members", kwargs={"affiliate_slug": self.affiliate.slug})


class InvitationRevokeView(AffiliateViewMixin, ConfirmedActionMixin, View):
    model = Invitation
    allowed_roles = Membership.ADMIN_ONLY

    def get_invitation(self) -> Invitation:
        return get_object_or_404(Invitation, pk=self.kwargs["pk"])

    def check(self, request):
        if self.get_invitation().accepted_at is not None:
            raise DomainError(_("This invitation has already been accepted."))

    def get_confirmation(self):
        invitation = self.get_invitation()
        names = {"email": invitation.email, "affiliate": self.affiliate.name}
        return Confirmation(
            title=_("Withdraw the invitation to %(email)s?") % names,
            summary=_(
                "The link sent to %(email)s stops working at once: they cannot use it to join "
                "%(affiliate)s. They are not told."
            )
            % names,
            rows=[
                (_("E-mail"), invitation.email),
                (_("Role"), invitation.get_role_display()),
            ],
            final=_("To let them in later, send a new invitation."),
            confirm_label=_("Withdraw the invitation"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        invitation = self.get_invitation()
        services.invitation_revoke(invitation=invitation, by=request.user)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}

    def get_success_url(self):
        return reverse("affiliates:members", kwargs={"affiliate_slug": self.affiliate.slug})


# --- Invitation link (public) ------------------------------------------------------------


class InvitationAcceptBaseView(View):
    """Where an invitation e-mail's link leads. Works signed in, signed out, or without account:
    signed in with the invited address, accept; signed out, sign in first if an account has
    that address, else create it. A used, withdrawn or expired link says so.

    Subclasses name the template, the services module of their kind of invitation (with
    `invitation_from_token`, `invitation_check_open`, `invitation_accept` and
    `invitation_accept_as_new_user`) and where the invitee lands (`welcome`). Shared with the
    company invitation (`engagement`)."""

    template_name = None
    invalid_template_name = "affiliates/invitation_invalid.html"
    services = None

    def welcome(self, request):
        """The response once the invitation is accepted (a message and a redirect)."""
        raise NotImplementedError

    def get_account_form_initial(self) -> dict:
        return {}

    def get_extra_context(self) -> dict:
        return {}

    def dispatch(self, request, token):
        self.invitation = self.services.invitation_from_token(token)
        try:
            self.services.invitation_check_open(self.invitation)
        except DomainError as error:
            response = render(
                request,
                self.invalid_template_name,
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
                self.services.invitation_accept(invitation=self.invitation, user=request.user)
            except DomainError as error:
                show_domain_error(request, error)
                return self._render(request, None, status=400)
            return self.welcome(request)
        if self._account_exists():
            return redirect_to_login(request.get_full_path())
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            user = self.services.invitation_accept_as_new_user(
                invitation=self.invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            show_domain_error(request, error, form)
            return self._render(request, form, status=400)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return self.welcome(request)

    def _account_exists(self) -> bool:
        from .models import User

        return User.objects.filter(email__iexact=self.invitation.email).exists()

    def _account_form(self):
        if self.request.user.is_authenticated or self._account_exists():
            return None
        return AcceptInvitationForm(
            email=self.invitation.email, initial=self.get_account_form_initial()
        )

    def _render(self, request, form, status=200):
        context = {
            "invitation": self.invitation,
            "form": form,
            "account_exists": self._account_exists(),
            "login_url": reverse("account_login") + "?next=" + request.path,
            **self.get_extra_context(),
        }
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response


class InvitationAcceptView(InvitationAcceptBaseView):
    """The link of an invitation to join an affiliate."""

    template_name = "affiliates/invitation_accept.html"
    services = services

    def welcome(self, request):
        messages.success(
            request, _("Welcome to %(affiliate)s.") % {"affiliate": self.invitation.affiliate.name}
        )
        return redirect(self.invitation.affiliate.get_absolute_url())


# --- Account settings --------------------------------------------------------------------


class AccountView(LoginRequiredMixin, FormView):
    template_name = "affiliates/account.html"
    form_class = ProfileForm

    def get_initial(self):
        user = self.request.user
        return {
            "full_name": user.full_name,
            "language": user.language,
            "mute_case_digests": user.mute_case_digests,
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not memberships_of(self.request.user):
            del form.fields["mute_case_digests"]  # the digest is for affiliate members only
        return form

    def form_valid(self, form):
        services.user_update_profile(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your settings were saved."))
        response = redirect("affiliates:account")
        set_language_cookie(response, form.cleaned_data["language"])
        return response

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        from allauth.mfa.utils import is_mfa_enabled

        context = super().get_context_data(**kwargs)
        context["mfa_enabled"] = is_mfa_enabled(self.request.user)
        context["memberships"] = memberships_of(self.request.user)
        return context


class ApiTokenView(LoginRequiredMixin, TemplateView):
    """Personal API tokens: create (shown once), list by their first characters, revoke."""

    template_name = "affiliates/api_tokens.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm())
        context["tokens"] = ApiToken.objects.filter(user=self.request.user, expiry__gt=now())
        context["token_ttl_days"] = settings.REST_KNOX["TOKEN_TTL"].days
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            try:
                services.api_token_revoke(user=request.user, token_key=request.POST["revoke"])
            except DomainError as error:
                show_domain_error(request, error)
            else:
                messages.success(request, _("The token was revoked; it no longer works."))
            return redirect("affiliates:api_tokens")
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            _token, clear = services.api_token_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            show_domain_error(request, error, form)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        response = self.render_to_response(self.get_context_data(new_token=clear))
        response["Cache-Control"] = "no-store"
        return response


class LanguageView(View):
    """Switch the interface language; remembered in a cookie and, when signed in, the profile."""

    http_method_names = ["post"]

    def post(self, request):
        form = LanguageForm(request.POST)
        next_url = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(
            next_url, {request.get_host()}, require_https=request.is_secure()
        ):
            next_url = "/"
        response = redirect(next_url)
        if not form.is_valid():
            messages.error(request, _("This language is not available."))
            return response
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        set_language_cookie(response, language)
        return response


# --- EW staff ----------------------------------------------------------------------------


class StaffAffiliateListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = [
        *fields(
            Affiliate, "name", "slug", "country", "affiliate_type", "affiliated_on", "is_active"
        ),
        Column(_l("Members"), "member_count"),
    ]

    template_name = "affiliates/staff_affiliates.html"
    context_object_name = "affiliates"
    paginate_by = 50

    def get_queryset(self):
        with scopes_disabled():
            return Affiliate.objects.annotate(member_count=Count("memberships")).order_by("name")


# --- Home ----------------------------------------------------------------------------------


@require_safe
def home(request):
    """Send each user to the dashboard of their role; the last affiliate used comes first."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if request.reader.is_staff:
        return redirect("reports:staff_dashboard")
    if request.reader.is_partner:
        return redirect("monitoring:partner_dashboard")
    if request.reader.is_company:
        return redirect("engagement:company_home")
    memberships = memberships_of(user)
    if memberships:
        active = request.session.get(ACTIVE_AFFILIATE_SESSION_KEY)
        chosen = next((m for m in memberships if m.affiliate.slug == active), memberships[0])
        return redirect(chosen.affiliate.get_absolute_url())
    return render(request, "no_role.html")


class LoginView(allauth_views.LoginView):
    """allauth's sign-in page; a sign-in refused for too many wrong passwords answers 429 with
    `Retry-After`, so that scripts and proxies see it for what it is."""

    LOCKOUT_SECONDS = 300  # the window of "5/5m/key" in ACCOUNT_RATE_LIMITS

    def form_invalid(self, form):
        response = super().form_invalid(form)
        codes = {error.code for errors in form.errors.as_data().values() for error in errors}
        if "too_many_login_attempts" in codes:
            response.status_code = 429
            response["Retry-After"] = str(self.LOCKOUT_SECONDS)
        return response
