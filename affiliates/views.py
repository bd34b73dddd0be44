from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_scopes import scopes_disabled
from knox.models import AuthToken

from config.errors import DomainError
from config.spreadsheets import csv_response, xlsx_response

from . import services
from .forms import (
    AcceptInvitationForm,
    ChecklistItemForm,
    ComplianceReportForm,
    ContractFilterForm,
    ContractForm,
    InvitationForm,
    LanguageForm,
    OcdsImportForm,
    ProfileForm,
    RoleForm,
)
from .middleware import set_language_cookie
from .mixins import AffiliateViewMixin, ServiceActionMixin, StaffRequiredMixin
from .models import (
    Affiliate,
    ChecklistItem,
    ComplianceReport,
    Contract,
    Invitation,
    Membership,
)
from .tenancy import log_denied, memberships_of

ADMIN_ONLY = (Membership.Role.ADMIN,)
EDITORS = (Membership.Role.ADMIN, Membership.Role.OFFICER)

# --- Affiliate pages ---------------------------------------------------------------------


class AffiliateDashboardView(AffiliateViewMixin, TemplateView):
    template_name = "affiliates/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        from monitoring.models import Finding
        from suppliers.models import Disclosure, Factory

        context["member_count"] = Membership.objects.count()
        context["pending_invitations"] = Invitation.objects.pending().count()
        context["contract_count"] = Contract.objects.count()
        context["overdue_disclosures"] = Disclosure.objects.overdue().count()
        context["factory_count"] = (
            Factory.objects.active().in_supply_chain_of(self.affiliate).count()
        )
        findings = Finding.objects.published_for_affiliate(self.affiliate).with_display_relations()
        context["finding_count"] = findings.count()
        context["latest_findings"] = findings.order_by("-published_at", "-pk")[:3]
        from remediation.selectors import affiliate_dashboard

        context["remediation"] = affiliate_dashboard(self.affiliate)
        return context


class MemberListView(AffiliateViewMixin, ListView):
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
    allowed_roles = ADMIN_ONLY
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
                form.add_error(error.field, error.message)
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
    allowed_roles = ADMIN_ONLY

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


class MemberRemoveView(AffiliateViewMixin, ServiceActionMixin, View):
    model = Membership
    allowed_roles = ADMIN_ONLY

    def perform(self, request, *args, **kwargs):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=kwargs["pk"])
        services.membership_remove(membership=membership, by=request.user)
        return _("%(user)s no longer belongs to %(affiliate)s.") % {
            "user": membership.user,
            "affiliate": self.affiliate.name,
        }

    def get_success_url(self):
        if not Membership.objects.filter(user=self.request.user).exists():
            return reverse("home")
        return reverse("affiliates:members", kwargs={"affiliate_slug": self.affiliate.slug})


class InvitationRevokeView(AffiliateViewMixin, ServiceActionMixin, View):
    model = Invitation
    allowed_roles = ADMIN_ONLY

    def perform(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation, pk=kwargs["pk"])
        services.invitation_revoke(invitation=invitation, by=request.user)
        return _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}

    def get_success_url(self):
        return reverse("affiliates:members", kwargs={"affiliate_slug": self.affiliate.slug})


# --- Contracts ---------------------------------------------------------------------------

OUTCOME_ORDER = {outcome: index for index, outcome in enumerate(ChecklistItem.Outcome.values)}


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


def _add_domain_error(form, error: DomainError) -> None:
    field = {"contractor_name": "new_contractor"}.get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ContractListView(AffiliateViewMixin, ListView):
    model = Contract
    template_name = "affiliates/contracts/list.html"
    context_object_name = "contracts"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.filter_form = ContractFilterForm(request.GET)
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
        return context


class ContractExportView(AffiliateViewMixin, View):
    """The filtered contract list as CSV or XLSX: one row per contract, no pagination."""

    model = Contract
    http_method_names = ["get"]
    file_format = "csv"

    def get(self, request, *args, **kwargs):
        form = ContractFilterForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Nothing was exported: correct the filters first."))
            url = reverse(
                "affiliates:contract_list", kwargs={"affiliate_slug": self.affiliate.slug}
            )
            return redirect(f"{url}?{request.GET.urlencode()}")
        contracts = form.filter(_contracts())
        header = [
            _("Reference"),
            _("Title"),
            _("Contractor"),
            _("Product categories"),
            _("CPV codes"),
            _("Brands"),
            _("Value"),
            _("Currency"),
            _("Award date"),
            _("Start"),
            _("End"),
            _("EW conditions version"),
            _("Disclosure status"),
            _("Disclosure due"),
        ]
        rows = (self.row(contract) for contract in contracts)
        filename = f"contracts-{self.affiliate.slug}-{timezone.localdate().isoformat()}"
        if self.file_format == "xlsx":
            return xlsx_response(f"{filename}.xlsx", _("Contracts"), header, rows)
        return csv_response(f"{filename}.csv", header, rows)

    @staticmethod
    def row(contract) -> list:
        disclosure = _disclosure_of(contract)
        return [
            contract.reference,
            contract.title,
            contract.contractor.name,
            ", ".join(str(Contract.Category(c).label) for c in contract.product_categories),
            ", ".join(contract.cpv_codes),
            contract.brands,
            contract.value,
            contract.currency,
            contract.awarded_on,
            contract.start_date,
            contract.end_date,
            contract.ew_conditions_version,
            disclosure.get_status_display() if disclosure else "",
            disclosure.due_date if disclosure else contract.disclosure_due_date,
        ]


class ContractDetailView(AffiliateViewMixin, DetailView):
    model = Contract
    template_name = "affiliates/contracts/detail.html"
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
    allowed_roles = EDITORS
    form_class = ContractForm
    template_name = "affiliates/contracts/form.html"

    def form_valid(self, form):
        try:
            contract = services.contract_create(
                affiliate=self.affiliate, by=self.request.user, **form.service_fields()
            )
        except DomainError as error:
            _add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contract %(reference)s was recorded.") % {"reference": contract.reference},
        )
        return redirect(
            "affiliates:contract_detail", affiliate_slug=self.affiliate.slug, pk=contract.pk
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
            _add_domain_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Contract %(reference)s was saved.") % {"reference": contract.reference},
        )
        return redirect(
            "affiliates:contract_detail", affiliate_slug=self.affiliate.slug, pk=contract.pk
        )


class ChecklistItemUpdateView(AffiliateViewMixin, TemplateView):
    """One checklist outcome: with htmx, the contract page's row turns into its form and back;
    without, a small page with the form."""

    model = ChecklistItem
    allowed_roles = EDITORS
    template_name = "affiliates/contracts/checklist_item.html"
    row_template = "affiliates/contracts/detail.html#checklist-row"
    form_row_template = "affiliates/contracts/detail.html#checklist-form-row"

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
                _add_domain_error(form, error)
        if form.is_valid():
            notice = _("“%(outcome)s” was saved.") % {"outcome": item.get_outcome_display()}
            if request.htmx:
                self.item.contract = item.contract
                return render(request, self.row_template, self.row_context(row_notice=notice))
            messages.success(request, notice)
            url = reverse(
                "affiliates:contract_detail",
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
    allowed_roles = EDITORS
    form_class = OcdsImportForm
    template_name = "affiliates/contracts/import.html"

    def form_valid(self, form):
        from . import ocds

        try:
            result = ocds.ocds_import(
                affiliate=self.affiliate,
                data=form.cleaned_data["file"].read(),
                by=self.request.user,
            )
        except ocds.OcdsImportRejected as rejected:
            context = self.get_context_data(form=form, import_errors=list(rejected.errors))
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
                    "%(count)s release had no contract and was skipped.",
                    "%(count)s releases had no contract and were skipped.",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect("affiliates:contract_list", affiliate_slug=self.affiliate.slug)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- Invitation link (public) ------------------------------------------------------------


class InvitationAcceptView(View):
    """Where an invitation e-mail's link leads. Works signed in, signed out, or without account."""

    template_name = "affiliates/invitation_accept.html"

    def dispatch(self, request, token):
        self.invitation = services.invitation_from_token(token)
        try:
            services.invitation_check_open(self.invitation)
        except DomainError as error:
            return render(
                request,
                "affiliates/invitation_invalid.html",
                {"error": error.message},
                status=410 if self.invitation else 404,
            )
        return super().dispatch(request, token)

    def get(self, request, token):
        return self._render(request, self._account_form())

    def post(self, request, token):
        if request.user.is_authenticated:
            try:
                services.invitation_accept(invitation=self.invitation, user=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return self._render(request, None, status=400)
            messages.success(
                request,
                _("Welcome to %(affiliate)s.") % {"affiliate": self.invitation.affiliate.name},
            )
            return redirect(self.invitation.affiliate.get_absolute_url())
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
            messages.error(request, error.message)
            return self._render(request, form, status=400)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(
            request, _("Welcome to %(affiliate)s.") % {"affiliate": self.invitation.affiliate.name}
        )
        return redirect(self.invitation.affiliate.get_absolute_url())

    def _account_exists(self) -> bool:
        from .models import User

        return User.objects.filter(email__iexact=self.invitation.email).exists()

    def _account_form(self):
        if self.request.user.is_authenticated or self._account_exists():
            return None
        return AcceptInvitationForm(email=self.invitation.email)

    def _render(self, request, form, status=200):
        context = {
            "invitation": self.invitation,
            "form": form,
            "account_exists": self._account_exists(),
            "login_url": reverse("account_login") + "?next=" + request.path,
        }
        response = render(request, self.template_name, context, status=status)
        response["Cache-Control"] = "no-store"
        return response


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

    def form_valid(self, form):
        services.user_update_profile(user=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("Your settings were saved."))
        response = redirect("account")
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
        context["tokens"] = AuthToken.objects.filter(user=self.request.user).order_by("-created")
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            try:
                services.api_token_revoke(user=request.user, token_key=request.POST["revoke"])
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The token was revoked; it no longer works."))
            return redirect("api_tokens")
        try:
            _token, clear = services.api_token_create(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("api_tokens")
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


class StaffDashboardView(StaffRequiredMixin, TemplateView):
    template_name = "affiliates/staff_dashboard.html"

    def get_context_data(self, **kwargs):
        from monitoring.models import MonitoringPartner

        context = super().get_context_data(**kwargs)
        from suppliers.models import Factory, FactoryMatchReview

        context["affiliate_count"] = Affiliate.objects.filter(is_active=True).count()
        context["partner_count"] = MonitoringPartner.objects.count()
        context["factory_count"] = Factory.objects.active().count()
        context["pending_reviews"] = FactoryMatchReview.objects.filter(
            decision=FactoryMatchReview.Decision.PENDING
        ).count()
        from remediation.selectors import staff_dashboard

        context["remediation"] = staff_dashboard()
        return context


class StaffAffiliateListView(StaffRequiredMixin, ListView):
    template_name = "affiliates/staff_affiliates.html"
    context_object_name = "affiliates"
    paginate_by = 50

    def get_queryset(self):
        with scopes_disabled():
            return Affiliate.objects.annotate(member_count=Count("memberships")).order_by("name")


# --- Compliance reports ------------------------------------------------------------------


class ComplianceReportListView(AffiliateViewMixin, ListView):
    """The affiliate's reports, newest first, the form to request one, and the charts of the
    last calendar year (the same the PDF draws)."""

    model = ComplianceReport
    template_name = "affiliates/compliance/list.html"
    context_object_name = "reports"
    paginate_by = 25

    def get_queryset(self):
        return ComplianceReport.objects.select_related("contract", "requested_by").order_by(
            "-requested_at", "-pk"
        )

    def get_form(self, data=None):
        return ComplianceReportForm(
            data,
            contracts=Contract.objects.order_by("reference"),
            initial={"language": translation.get_language()},
        )

    def get_context_data(self, **kwargs):
        from .compliance import last_calendar_year, report_context

        context = super().get_context_data(**kwargs)
        start, end = last_calendar_year()
        charts = report_context(self.affiliate, start, end)
        context.update(
            form=kwargs.get("form") or self.get_form(),
            chart_start=start,
            chart_end=end,
            key_figures=charts["key_figures"],
            findings_chart=charts["findings_chart"],
            indicators_chart=charts["indicators_chart"],
            # The numbers of the charts, as tables beside them.
            severities=charts["severities"],
            category_rows=charts["category_rows"],
            indicator_rows=charts["indicator_rows"],
        )
        return context

    def post(self, request, *args, **kwargs):
        from .compliance import compliance_report_request

        if not self.membership.can_edit:
            log_denied(request, "compliance report request")
            raise PermissionDenied
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                report = compliance_report_request(
                    affiliate=self.affiliate, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Report %(reference)s is being prepared.") % {"reference": report.reference},
                )
                return redirect(report.get_absolute_url())
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ComplianceReportDetailView(AffiliateViewMixin, DetailView):
    """Status with live progress: while the report renders, htmx asks again every two
    seconds for the status fragment alone."""

    model = ComplianceReport
    context_object_name = "report"

    def get_queryset(self):
        return ComplianceReport.objects.select_related("contract", "requested_by")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if request.headers.get("HX-Request") and request.GET.get("shown") == self.object.status:
            # Nothing new: htmx leaves the page alone, and screen readers are not told the
            # same status again every two seconds.
            return HttpResponse(status=204)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["affiliates/compliance/_status.html"]
        return ["affiliates/compliance/detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["versions"] = ComplianceReport.objects.filter(
            contract=self.object.contract,
            period_start=self.object.period_start,
            period_end=self.object.period_end,
        ).order_by("-version")[:20]
        return context


class ComplianceReportDownloadView(AffiliateViewMixin, View):
    model = ComplianceReport  # for the isolation walker: it tries another tenant's report

    def get(self, request, *args, **kwargs):
        report = get_object_or_404(
            ComplianceReport.objects.filter(status=ComplianceReport.Status.READY),
            pk=kwargs["pk"],
        )
        return compliance_download(report)


class StaffComplianceReportDownloadView(StaffRequiredMixin, View):
    def get(self, request, pk):
        with scopes_disabled():
            report = get_object_or_404(
                ComplianceReport.objects.select_related("affiliate", "contract").filter(
                    status=ComplianceReport.Status.READY
                ),
                pk=pk,
            )
        return compliance_download(report)


def compliance_download(report):
    from config.uploads import file_download

    return file_download(report.file, filename=report.download_name, content_type="application/pdf")
