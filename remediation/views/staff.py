"""EW staff's remediation pages (under /staff/cases/): the list, opening a case, and running
it: status, plan, companies, escalations, compensation."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView
from django_scopes import scopes_disabled

from affiliates.mixins import StaffRequiredMixin
from core.errors import DomainError
from core.exports import ExportMixin
from core.views import ListView, ServiceActionMixin, show_domain_error
from grievances.models import Grievance
from monitoring.models import Finding
from suppliers.models import Factory

from .. import compensation as employer_pays_rules
from .. import plan, services
from ..compensation import compensations_with_payments
from ..forms import (
    ActionForm,
    AgreedForm,
    CaseEditForm,
    CaseFilterForm,
    CaseOpenForm,
    ClaimForm,
    CohortCompensationForm,
    CompanyForm,
    CompensationForm,
    EscalationForm,
    OutcomeForm,
    PaymentForm,
    RejectClaimForm,
    StatusForm,
    UpdateForm,
    VerifyForm,
)
from ..models import (
    CaseUpdate,
    Compensation,
    Engagement,
    Escalation,
    Participation,
    RemediationAction,
    RemediationCase,
)
from .shared import (
    actions_with_progress,
    case_columns,
    companies,
    employer_pays,
    form_error,
    prefetch_updates,
)


class StaffCaseListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = case_columns()

    template_name = "remediation/staff_cases.html"
    context_object_name = "cases"
    paginate_by = 50

    def get_queryset(self):
        visible = RemediationCase.objects.visible_to(self.reader)
        # Staff read every case: their counts are the same for all of them, kept until the
        # data change (core/readmodel.py).
        self.filters = CaseFilterForm(self.request.GET, cases=visible, cache_parts=("staff",))
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.applied = (data.get("status") or "", bool(data.get("overdue")))
        cases = visible.with_action_counts()
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("overdue"):
            cases = cases.with_overdue()
        # The table and the export show the factory alone (case_table.html, case_columns).
        return cases.select_related("factory").order_by(
            "-fast_track", "status", "-opened_on", "-pk"
        )

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        # The overdue filter depends on the day as well as on the data.
        paginator.cache_count(
            "remediation.staff_cases.count", ("staff", *self.applied, timezone.localdate())
        )
        return paginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class CaseCreateView(StaffRequiredMixin, FormView):
    """Opened from a finding (`?finding=`), a grievance (`?grievance=`) or a factory."""

    template_name = "remediation/case_form.html"
    form_class = CaseOpenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.reader.is_staff:
            return super().dispatch(request, *args, **kwargs)
        self.factory = self._factory(request.POST) or self._factory(request.GET)
        if self.factory is None:
            messages.error(request, _("Open a case from a finding, a grievance or a factory."))
            return redirect("remediation:staff_cases")
        return super().dispatch(request, *args, **kwargs)

    def _factory(self, source):
        findings = Finding.objects.visible_to(self.reader)
        grievances = Grievance.objects.visible_to(self.reader)
        factories = Factory.objects.visible_to(self.reader)
        for key, lookup in (
            ("finding", lambda pk: findings.get(pk=pk).report.factory),
            ("grievance", lambda pk: grievances.get(pk=pk).factory),
            ("factory", lambda pk: factories.get(pk=pk)),
        ):
            value = source.get(key, "")
            if value.isdigit():
                try:
                    return lookup(int(value))
                except (Finding.DoesNotExist, Grievance.DoesNotExist, Factory.DoesNotExist):
                    return None
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "factory": self.factory}

    def get_initial(self):
        initial = {"staff_lead": self.request.user.pk}
        finding_id = self.request.GET.get("finding", "")
        if finding_id.isdigit():
            finding = (
                Finding.objects.visible_to(self.reader)
                .filter(pk=finding_id)
                .select_related("report")
                .first()
            )
            if finding is not None:
                initial.update(
                    findings=[finding.pk],
                    severity=finding.severity,
                    fast_track=finding.fast_track,
                    lead_partner=finding.report.partner_id,
                    summary=finding.published_text,
                )
        grievance_id = self.request.GET.get("grievance", "")
        if grievance_id.isdigit():
            initial["grievances"] = [int(grievance_id)]
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(factory=self.factory, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.case_open(
                factory=self.factory,
                title=data["title"],
                summary=data["summary"],
                severity=data["severity"],
                fast_track=data["fast_track"],
                lead_partner=data["lead_partner"],
                staff_lead=data["staff_lead"],
                findings=data["findings"],
                grievances=data["grievances"],
                companies=form.companies(),
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        invited = case.participations.count()
        messages.success(
            self.request,
            _("Case %(reference)s opened; %(count)s affiliate(s) invited to join.")
            % {"reference": case.reference, "count": invited},
        )
        return redirect(case.get_absolute_url())


class StaffCaseMixin(StaffRequiredMixin):
    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                RemediationCase.objects.visible_to(self.reader).select_related("factory"),
                pk=self.kwargs["pk"],
            )
        return self._case

    def get_success_url(self):
        return reverse("remediation:staff_case", kwargs={"pk": self.get_case().pk})


class StaffCaseDetailView(StaffCaseMixin, DetailView):
    template_name = "remediation/staff_case.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return get_object_or_404(
            RemediationCase.objects.visible_to(self.reader)
            .select_related("factory", "staff_lead", "lead_partner", "opened_by")
            .prefetch_related(
                Prefetch(
                    "findings",
                    queryset=Finding.objects.visible_to(self.reader).select_related(
                        "report", "standard"
                    ),
                ),
                Prefetch("grievances", queryset=Grievance.objects.visible_to(self.reader)),
                Prefetch("companies", queryset=companies()),
                Prefetch(
                    "participations",
                    queryset=Participation.objects.select_related("affiliate", "joined_by"),
                ),
                Prefetch("actions", queryset=actions_with_progress(self.reader)),
                Prefetch("compensations", queryset=compensations_with_payments()),
                Prefetch("escalations", queryset=Escalation.objects.select_related("created_by")),
                prefetch_updates(CaseUpdate.objects.visible_to(self.reader)),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        with scopes_disabled():
            context["engagements"] = list(
                Engagement.objects.filter(case=case).select_related(
                    "affiliate", "contract", "created_by"
                )
            )
        context.update(
            audience="staff",
            today=timezone.localdate(),
            # Its own ids: the update form below has an `audience` field too.
            status_form=StatusForm(case=case, auto_id="status_%s"),
            update_form=UpdateForm(),
            company_form=CompanyForm(),
            escalation_form=EscalationForm(),
            outcome_form=OutcomeForm(),
            compensation_form=CompensationForm(),
            cohort_form=CohortCompensationForm(
                cohorts=employer_pays_rules.cohorts_of_case(case), auto_id="cohort_%s"
            ),
            **employer_pays(case.compensations.all(), timezone.localdate(), with_forms=True),
            claim_form=ClaimForm(),
            verify_form=VerifyForm(),
            reject_form=RejectClaimForm(),
            can_open_more=case.is_active,
        )
        return context


class CaseEditView(StaffCaseMixin, FormView):
    template_name = "remediation/case_edit.html"
    form_class = CaseEditForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_case()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.get_case(), **kwargs)

    def form_valid(self, form):
        try:
            services.case_update(
                case=self.get_case(),
                by=self.request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Case saved."))
        return redirect(self.get_success_url())


class CaseStatusView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = StatusForm(request.POST, case=self.get_case())
        if not form.is_valid():
            raise DomainError(_("Choose one of the statuses the case can move to."))
        case = services.case_set_status(
            case=self.get_case(),
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            audience=form.cleaned_data["audience"],
            by=request.user,
        )
        return _("The case is now “%(status)s”.") % {"status": case.get_status_display()}


class CaseInviteView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        count = services.case_invite_affiliates(case=self.get_case(), by=request.user)
        if not count:
            return _("Every affiliate buying from this factory has been invited already.")
        return _("%(count)s affiliate(s) invited.") % {"count": count}


class CompanyAddView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = CompanyForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose a company and its role."))
        services.case_add_company(case=self.get_case(), by=request.user, **form.cleaned_data)
        return _("Company added.")


class ActionEditMixin(StaffCaseMixin, FormView):
    template_name = "remediation/action_form.html"
    form_class = ActionForm

    def get_action(self) -> RemediationAction | None:
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_action()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.get_case(), action=self.get_action(), **kwargs)

    def form_valid(self, form):
        try:
            plan.action_save(
                case=self.get_case(),
                action=self.get_action(),
                by=self.request.user,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Action saved."))
        return redirect(self.get_success_url())


class ActionCreateView(ActionEditMixin):
    pass


class ActionEditView(ActionEditMixin):
    def get_action(self):
        if not hasattr(self, "_action"):
            self._action = get_object_or_404(
                self.get_case().actions.all(), pk=self.kwargs["action_pk"]
            )
        return self._action


class ActionClaimView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        action = get_object_or_404(self.get_case().actions.all(), pk=self.kwargs["action_pk"])
        plan.action_claim_done(
            action=action, by=request.user, evidence=request.POST.get("evidence", "")
        )
        return _("Recorded as done; it counts once verified.")


class EscalationAddView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = EscalationForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Say to whom and on which date the case was escalated."))
        plan.escalation_add(case=self.get_case(), by=request.user, **form.cleaned_data)
        return _("Escalation recorded.")


class EscalationOutcomeView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        escalation = get_object_or_404(
            self.get_case().escalations.all(), pk=self.kwargs["escalation_pk"]
        )
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Describe the outcome and give its date."))
        plan.escalation_record_outcome(escalation=escalation, by=request.user, **form.cleaned_data)
        return _("Outcome recorded.")


class CompensationAddView(StaffCaseMixin, ServiceActionMixin, View):
    compensation: Compensation | None = None

    def perform(self, request, *args, **kwargs):
        form = CompensationForm(request.POST, instance=self.compensation)
        if not form.is_valid():
            form_error(request, form)
            return None
        plan.compensation_save(
            case=self.get_case(),
            compensation=self.compensation,
            by=request.user,
            **form.cleaned_data,
        )
        return _("Compensation saved.")


class CompensationEditView(CompensationAddView):
    def perform(self, request, *args, **kwargs):
        self.compensation = get_object_or_404(
            self.get_case().compensations.all(), pk=self.kwargs["compensation_pk"]
        )
        return super().perform(request, *args, **kwargs)


class CohortCompensationView(StaffCaseMixin, ServiceActionMixin, View):
    """Recruitment fees of a cohort owed back (Employer Pays)."""

    def perform(self, request, *args, **kwargs):
        case = self.get_case()
        form = CohortCompensationForm(
            request.POST, cohorts=employer_pays_rules.cohorts_of_case(case)
        )
        if not form.is_valid():
            form_error(request, form)
            return None
        employer_pays_rules.compensation_from_cohort(
            case=case, by=request.user, **form.cleaned_data
        )
        return _("The cohort's recruitment fees are now owed in this case.")


class FeesCompensationMixin(StaffCaseMixin):
    def get_compensation(self) -> Compensation:
        return get_object_or_404(
            self.get_case().compensations.filter(kind=Compensation.Kind.RECRUITMENT_FEES),
            pk=self.kwargs["compensation_pk"],
        )


class CompensationAgreedView(FeesCompensationMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = AgreedForm(request.POST)
        if not form.is_valid():
            form_error(request, form)
            return None
        employer_pays_rules.compensation_set_agreed(
            compensation=self.get_compensation(), by=request.user, **form.cleaned_data
        )
        return _("Amount agreed saved.")


class PaymentRecordView(FeesCompensationMixin, View):
    """A payment is a money fact: the form leads to a confirmation page that repeats it, and
    only the confirmed form records it."""

    http_method_names = ["post"]
    template_name = "remediation/payment_confirm.html"

    def post(self, request, *args, **kwargs):
        compensation = self.get_compensation()
        form = PaymentForm(request.POST)
        if not form.is_valid():
            form_error(request, form)
            return redirect(self.get_success_url())
        try:
            if request.POST.get("confirm") != "yes":
                employer_pays_rules.check_payment(
                    compensation,
                    paid_on=form.cleaned_data["paid_on"],
                    amount=form.cleaned_data["amount"],
                    workers_paid=form.cleaned_data["workers_paid"],
                )
                return render(
                    request,
                    self.template_name,
                    {
                        "case": self.get_case(),
                        "compensation": compensation,
                        "payment": form.cleaned_data,
                        "paid_after": compensation.amount_paid + form.cleaned_data["amount"],
                        "form": form,
                    },
                )
            employer_pays_rules.payment_record(
                compensation=compensation, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Payment recorded."))
        return redirect(self.get_success_url())
