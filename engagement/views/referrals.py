"""Staff's pages of RBA referrals, under /staff/referrals/: the open referrals with their age,
referring a case (from the case's page), and recording the RBA's response and outcome."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from affiliates.mixins import StaffRequiredMixin
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.views import ListView, ServiceActionMixin, show_domain_error
from remediation.models import RemediationCase

from ..forms.referrals import CloseForm, ReferralFilterForm, ReferralForm, ResponseForm
from ..models import RbaReferral
from ..services import referrals as services
from ..services.referrals import rba_members_of


class ReferralListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(
        RbaReferral, "case", "referred_on", "response_due", "responded_on", "outcome", "status"
    )

    model = RbaReferral
    template_name = "engagement/referrals/list.html"
    context_object_name = "referrals"
    paginate_by = 50

    def get_queryset(self):
        self.today = timezone.localdate()
        self.filters = ReferralFilterForm(self.request.GET)
        referrals = RbaReferral.objects.visible_to(self.reader).select_related(
            "case__factory", "referred_by"
        )
        if not self.filters.is_valid():
            return referrals.none()
        data = self.filters.cleaned_data
        status = data["status"]
        if status == "":
            referrals = referrals.unclosed()
        elif status != "all":
            referrals = referrals.filter(status=status)
        if data["overdue"]:
            referrals = referrals.overdue(self.today)
        if query := data["q"].strip():
            referrals = referrals.filter(
                Q(case__title__icontains=query)
                | Q(case__factory__name__icontains=query)
                | Q(case__companies__supplier__name__icontains=query)
                | Q(case__factory__owner__name__icontains=query)
            ).distinct()
        return referrals.order_by("referred_on", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, today=self.today, **kwargs)


class StaffCaseForReferralMixin(StaffRequiredMixin):
    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                RemediationCase.objects.visible_to(self.reader).select_related("factory__owner"),
                pk=self.kwargs["case_pk"],
            )
        return self._case


class ReferralCreateView(StaffCaseForReferralMixin, FormView):
    model = RemediationCase
    template_name = "engagement/referrals/form.html"
    form_class = ReferralForm

    def get_context_data(self, **kwargs):
        case = self.get_case()
        return super().get_context_data(case=case, members=rba_members_of(case), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                case=self.get_case(),
                referred_on=data["referred_on"],
                shared_text=data["shared_text"],
                materials=data["materials"],
                response_due=data["response_due"],
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Case %(case)s referred to the RBA; the response is due on %(due)s.")
            % {
                "case": referral.case.reference,
                "due": date_format(referral.response_due, "DATE_FORMAT"),
            },
        )
        return redirect(referral.get_absolute_url())


class ReferralMixin(StaffRequiredMixin):
    def get_referral(self) -> RbaReferral:
        if not hasattr(self, "_referral"):
            self._referral = get_object_or_404(
                RbaReferral.objects.visible_to(self.reader).select_related(
                    "case__factory__owner", "referred_by"
                ),
                pk=self.kwargs["pk"],
            )
        return self._referral

    def get_success_url(self):
        return self.get_referral().get_absolute_url()


class ReferralDetailView(ReferralMixin, DetailView):
    model = RbaReferral
    template_name = "engagement/referrals/detail.html"
    context_object_name = "referral"

    def get_object(self, queryset=None):
        return self.get_referral()

    def get_context_data(self, **kwargs):
        referral = self.object
        return super().get_context_data(
            case=referral.case,
            members=rba_members_of(referral.case),
            response_form=ResponseForm(
                initial={
                    "response": referral.response,
                    "responded_on": referral.responded_on or timezone.localdate(),
                    "outcome": referral.outcome,
                }
            ),
            close_form=CloseForm(
                initial={"outcome": referral.outcome or RbaReferral.Outcome.NO_RESPONSE}
            ),
            today=timezone.localdate(),
            **kwargs,
        )


class ReferralEditView(ReferralMixin, FormView):
    model = RbaReferral
    template_name = "engagement/referrals/form.html"
    form_class = ReferralForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_referral()}

    def get_context_data(self, **kwargs):
        referral = self.get_referral()
        return super().get_context_data(
            referral=referral, case=referral.case, members=rba_members_of(referral.case), **kwargs
        )

    def form_valid(self, form):
        data = form.cleaned_data
        referral = self.get_referral()
        try:
            services.referral_update(
                referral=referral,
                shared_text=data["shared_text"],
                materials=data["materials"],
                referred_on=data["referred_on"],
                response_due=data["response_due"] or referral.response_due,
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Referral saved."))
        return redirect(self.get_success_url())


class ReferralResponseView(ReferralMixin, ServiceActionMixin, View):
    model = RbaReferral

    def perform(self, request, *args, **kwargs):
        form = ResponseForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Write the RBA's response and the day it was received."))
        services.referral_record_response(
            referral=self.get_referral(), by=request.user, **form.cleaned_data
        )
        return _("The RBA's response is recorded.")


class ReferralCloseView(ReferralMixin, ConfirmedActionMixin, View):
    """Close with an outcome, after a confirmation: a closed referral never opens again."""

    model = RbaReferral

    def get(self, request, *args, **kwargs):
        return redirect(self.get_success_url())  # the outcome is chosen on the referral page

    def check(self, request):
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose the outcome the referral closes with."))
        self.outcome = form.cleaned_data["outcome"]
        if self.get_referral().status == RbaReferral.Status.CLOSED:
            raise DomainError(_("This referral is closed already."))

    def get_confirmation(self):
        referral = self.get_referral()
        case = referral.case
        readers = [_("Electronics Watch staff")]
        if case.lead_partner_id:
            readers.append(
                _("%(partner)s, the case's monitoring partner") % {"partner": case.lead_partner}
            )
        readers.append(_("The affiliates that joined the case"))
        return Confirmation(
            title=_("Close referral %(reference)s?") % {"reference": referral.reference},
            summary=_(
                "The referral of the case %(case)s is closed on %(day)s with the outcome below; "
                "the RBA is not told by the platform."
            )
            % {"case": case, "day": date_format(timezone.localdate(), "DATE_FORMAT")},
            audience=_("Who reads the outcome"),
            recipients=readers,
            rows=[
                (_("Referral"), referral.reference),
                (_("Status now"), referral.get_status_display()),
                (_("Outcome"), RbaReferral.Outcome(self.outcome).label),
            ],
            final=_(
                "A closed referral cannot be reopened; to involve the RBA again, refer the case "
                "again."
            ),
            confirm_label=_("Close the referral"),
            cancel_url=self.get_success_url(),
        )

    def perform(self, request, *args, **kwargs):
        form = CloseForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose the outcome the referral closes with."))
        services.referral_close(
            referral=self.get_referral(), outcome=form.cleaned_data["outcome"], by=request.user
        )
        return _("Referral closed.")
