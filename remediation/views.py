"""Remediation pages. Which cases, entries and files each audience reads is decided in
`querysets.py`; the views pick the queryset for their audience and call one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView
from django_scopes import scopes_disabled

from affiliates.mixins import AffiliateViewMixin, PartnerRequiredMixin, StaffRequiredMixin
from core.errors import DomainError
from core.uploads import file_download
from core.views import ServiceActionMixin, show_domain_error
from monitoring.models import Finding
from suppliers.models import Factory

from . import services
from .forms import (
    ActionForm,
    CaseEditForm,
    CaseOpenForm,
    ClaimForm,
    CompanyForm,
    CompensationForm,
    EngagementForm,
    EscalationForm,
    LetterForm,
    OutcomeForm,
    RejectClaimForm,
    StatusForm,
    UpdateForm,
    VerifyForm,
)
from .models import (
    CaseStatus,
    CaseUpdate,
    Compensation,
    Engagement,
    Escalation,
    Participation,
    RemediationAction,
    RemediationCase,
    UpdateAttachment,
)


def _form_error(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _updates(queryset):
    return Prefetch(
        "updates",
        queryset=queryset.select_related("author").prefetch_related("attachments"),
    )


# --- EW staff -----------------------------------------------------------------------------


class StaffCaseListView(StaffRequiredMixin, ListView):
    template_name = "remediation/staff_cases.html"
    context_object_name = "cases"
    paginate_by = 50

    def get_queryset(self):
        self.status = self.request.GET.get("status", "")
        self.overdue_only = self.request.GET.get("overdue") == "1"
        cases = RemediationCase.objects.with_action_counts()
        if self.status in CaseStatus.values:
            cases = cases.filter(status=self.status)
        else:
            self.status = ""
        if self.overdue_only:
            cases = cases.filter(overdue_count__gt=0)
        return cases.select_related("factory", "staff_lead", "lead_partner").order_by(
            "-fast_track", "status", "-opened_on", "-pk"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["overdue_only"] = self.overdue_only
        context["statuses"] = CaseStatus.choices
        return context


class CaseCreateView(StaffRequiredMixin, FormView):
    """Opened from a finding (`?finding=`), a grievance (`?grievance=`) or a factory."""

    template_name = "remediation/case_form.html"
    form_class = CaseOpenForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_ew_staff:
            return super().dispatch(request, *args, **kwargs)
        self.factory = self._factory(request.POST) or self._factory(request.GET)
        if self.factory is None:
            messages.error(request, _("Open a case from a finding, a grievance or a factory."))
            return redirect("remediation:staff_cases")
        return super().dispatch(request, *args, **kwargs)

    def _factory(self, source):
        from grievances.models import Grievance

        for key, lookup in (
            ("finding", lambda pk: Finding.objects.get(pk=pk).report.factory),
            ("grievance", lambda pk: Grievance.objects.get(pk=pk).factory),
            ("factory", lambda pk: Factory.objects.active().get(pk=pk)),
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
            finding = Finding.objects.filter(pk=finding_id).select_related("report").first()
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
                RemediationCase.objects.select_related("factory"), pk=self.kwargs["pk"]
            )
        return self._case

    def get_success_url(self):
        return reverse("remediation:staff_case", kwargs={"pk": self.get_case().pk})


class StaffCaseDetailView(StaffCaseMixin, DetailView):
    template_name = "remediation/staff_case.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return get_object_or_404(
            RemediationCase.objects.select_related(
                "factory", "staff_lead", "lead_partner", "opened_by"
            ).prefetch_related(
                Prefetch(
                    "findings",
                    queryset=Finding.objects.select_related("report", "standard"),
                ),
                "grievances",
                Prefetch("companies", queryset=_companies()),
                Prefetch(
                    "participations",
                    queryset=Participation.objects.select_related("affiliate", "joined_by"),
                ),
                Prefetch(
                    "actions", queryset=RemediationAction.objects.select_related("owner_supplier")
                ),
                "compensations",
                Prefetch("escalations", queryset=Escalation.objects.select_related("created_by")),
                _updates(CaseUpdate.objects.for_staff()),
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
            claim_form=ClaimForm(),
            verify_form=VerifyForm(),
            reject_form=RejectClaimForm(),
            can_open_more=case.is_active,
        )
        return context


def _companies():
    from .models import ResponsibleCompany

    return ResponsibleCompany.objects.select_related("supplier")


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
            services.action_save(
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
        services.action_claim_done(
            action=action, by=request.user, evidence=request.POST.get("evidence", "")
        )
        return _("Recorded as done; it counts once verified.")


class EscalationAddView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = EscalationForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Say to whom and on which date the case was escalated."))
        services.escalation_add(case=self.get_case(), by=request.user, **form.cleaned_data)
        return _("Escalation recorded.")


class EscalationOutcomeView(StaffCaseMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        escalation = get_object_or_404(
            self.get_case().escalations.all(), pk=self.kwargs["escalation_pk"]
        )
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Describe the outcome and give its date."))
        services.escalation_record_outcome(
            escalation=escalation, by=request.user, **form.cleaned_data
        )
        return _("Outcome recorded.")


class CompensationAddView(StaffCaseMixin, ServiceActionMixin, View):
    compensation: Compensation | None = None

    def perform(self, request, *args, **kwargs):
        form = CompensationForm(request.POST, instance=self.compensation)
        if not form.is_valid():
            _form_error(request, form)
            return None
        services.compensation_save(
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


# --- Staff and the lead partner -----------------------------------------------------------


class CaseWorkerMixin(LoginRequiredMixin):
    """Staff, or a member of the case's lead partner; anyone else gets a 404."""

    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            user = self.request.user
            cases = (
                RemediationCase.objects.all()
                if user.is_ew_staff
                else RemediationCase.objects.for_partner(user)
            )
            self._case = get_object_or_404(cases, pk=self.kwargs["pk"])
        return self._case

    def get_success_url(self):
        name = (
            "remediation:staff_case"
            if self.request.user.is_ew_staff
            else "remediation:partner_case"
        )
        return reverse(name, kwargs={"pk": self.get_case().pk})


class UpdatePostView(CaseWorkerMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        case = self.get_case()
        form = UpdateForm(request.POST, request.FILES, partner_view=not request.user.is_ew_staff)
        if not form.is_valid():
            _form_error(request, form)
            return None
        clean = form.cleaned_data["file"]
        services.update_post(
            case=case,
            by=request.user,
            audience=form.cleaned_data["audience"],
            text=form.cleaned_data["text"],
            files=[clean] if clean else [],
        )
        return _("Update posted.")


class ActionVerifyView(CaseWorkerMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        action = get_object_or_404(self.get_case().actions.all(), pk=self.kwargs["action_pk"])
        services.action_verify(
            action=action,
            by=request.user,
            verified_by=request.POST.get("verified_by", ""),
            note=request.POST.get("note", ""),
        )
        return _("Action verified.")


class ActionRejectView(CaseWorkerMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        action = get_object_or_404(self.get_case().actions.all(), pk=self.kwargs["action_pk"])
        services.action_reject_claim(
            action=action, by=request.user, reason=request.POST.get("reason", "")
        )
        return _("Claim rejected: the action is open again.")


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Timeline files for staff (all) and the lead partner (its audiences only)."""

    def get(self, request, pk):
        user = request.user
        if user.is_ew_staff:
            updates = CaseUpdate.objects.all()
        else:
            updates = CaseUpdate.objects.for_partners().filter(
                case__in=RemediationCase.objects.for_partner(user)
            )
        attachment = get_object_or_404(
            UpdateAttachment.objects.filter(update__in=updates).select_related("update__case"),
            pk=pk,
        )
        return file_download(
            attachment.file,
            filename=attachment.download_name,
            content_type=attachment.content_type,
        )


class PartnerCaseListView(PartnerRequiredMixin, ListView):
    template_name = "remediation/partner_cases.html"
    context_object_name = "cases"
    paginate_by = 50

    def get_queryset(self):
        return (
            RemediationCase.objects.for_partner(self.request.user)
            .with_action_counts()
            .select_related("factory")
            .order_by("-opened_on", "-pk")
        )


class PartnerCaseDetailView(PartnerRequiredMixin, DetailView):
    template_name = "remediation/partner_case.html"
    context_object_name = "case"

    def get_object(self, queryset=None):
        return get_object_or_404(
            RemediationCase.objects.for_partner(self.request.user)
            .select_related("factory", "staff_lead")
            .prefetch_related(
                Prefetch("findings", queryset=Finding.objects.select_related("report", "standard")),
                Prefetch("companies", queryset=_companies()),
                "actions",
                "compensations",
                "escalations",
                _updates(CaseUpdate.objects.for_partners()),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audience="partner",
            today=timezone.localdate(),
            update_form=UpdateForm(partner_view=True),
            reject_form=RejectClaimForm(),
            **kwargs,
        )


# --- Affiliates ---------------------------------------------------------------------------


class AffiliateCaseMixin(AffiliateViewMixin):
    def visible_cases(self):
        return RemediationCase.objects.visible_to_affiliate(self.affiliate)

    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                self.visible_cases()
                .with_participation_of(self.affiliate)
                .select_related("factory"),
                pk=self.kwargs["pk"],
            )
        return self._case

    def get_success_url(self):
        return reverse(
            "remediation:affiliate_case",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.get_case().pk},
        )

    def require_joined(self) -> RemediationCase:
        case = self.get_case()
        if not case.joined:
            raise DomainError(_("Join the case first."))
        return case


class AffiliateCaseListView(AffiliateCaseMixin, ListView):
    template_name = "remediation/affiliate_cases.html"
    context_object_name = "cases"
    paginate_by = 25
    model = RemediationCase

    def get_queryset(self):
        return (
            self.visible_cases()
            .with_participation_of(self.affiliate)
            .with_action_counts()
            .select_related("factory")
            .order_by("-joined", "-fast_track", "-opened_on", "-pk")
        )


class AffiliateCaseDetailView(AffiliateCaseMixin, DetailView):
    """The summary for every affiliate buying from the factory; the plan, the affiliates'
    timeline and the engagement log once the affiliate has joined."""

    template_name = "remediation/affiliate_case.html"
    context_object_name = "case"
    model = RemediationCase

    def get_object(self, queryset=None):
        return self.get_case()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context["today"] = timezone.localdate()
        context["joined"] = case.joined
        context["participants"] = Participation.objects.filter(
            case=case, joined_on__isnull=False
        ).count()
        if not case.joined:
            return context
        contracts = services.contracts_for_letter(case, self.affiliate)
        context.update(
            actions=list(case.actions.all()),
            compensations=list(case.compensations.all()),
            escalations=list(case.escalations.all()),
            updates=list(
                CaseUpdate.objects.for_affiliates()
                .filter(case=case)
                .select_related("author__partner_membership")
                .prefetch_related("attachments")
            ),
            findings=list(
                Finding.objects.published_for_affiliate(self.affiliate)
                .filter(remediation_cases=case)
                .with_display_relations()
            ),
            joined_affiliates=list(
                Participation.objects.filter(case=case, joined_on__isnull=False)
                .select_related("affiliate")
                .order_by("affiliate__name")
            ),
            engagements=list(
                Engagement.objects.filter(case=case).select_related("contract", "created_by")
            ),
            engagement_form=EngagementForm(contracts=contracts),
            # Its own ids: the engagement form has a `contract` field too.
            letter_form=LetterForm(contracts=contracts, auto_id="letter_%s"),
            companies=list(case.companies.select_related("supplier")),
        )
        return context


class CaseJoinView(AffiliateCaseMixin, ServiceActionMixin, View):
    model = RemediationCase

    def perform(self, request, *args, **kwargs):
        services.case_join(
            case=self.get_case(), affiliate=self.affiliate, membership=self.membership
        )
        return _("%(affiliate)s has joined the case.") % {"affiliate": self.affiliate.name}


class EngagementLogView(AffiliateCaseMixin, ServiceActionMixin, View):
    model = RemediationCase

    def perform(self, request, *args, **kwargs):
        case = self.require_joined()
        form = EngagementForm(
            request.POST, contracts=services.contracts_for_letter(case, self.affiliate)
        )
        if not form.is_valid():
            _form_error(request, form)
            return None
        services.engagement_log(
            case=case, affiliate=self.affiliate, membership=self.membership, **form.cleaned_data
        )
        return _("Engagement logged.")


class LetterView(AffiliateCaseMixin, View):
    """A pre-filled letter to the contractor, as PDF, from what the affiliate may read."""

    model = RemediationCase

    def get(self, request, *args, **kwargs):
        from .letters import letter_render

        case = self.get_case()
        if not case.joined:
            raise Http404
        contracts = services.contracts_for_letter(case, self.affiliate)
        form = LetterForm(request.GET, contracts=contracts)
        contract = form.cleaned_data["contract"] if form.is_valid() else None
        if contract is None:
            contract = contracts.first()
        pdf = letter_render(
            case=case, affiliate=self.affiliate, contract=contract, user=request.user
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-letter.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class AffiliateAttachmentDownloadView(AffiliateViewMixin, View):
    """Files on the affiliates' timeline of a case the affiliate has joined; else 404."""

    def get(self, request, *args, **kwargs):
        cases = RemediationCase.objects.joined_by(self.affiliate)
        attachment = get_object_or_404(
            UpdateAttachment.objects.filter(
                update__in=CaseUpdate.objects.for_affiliates().filter(case__in=cases)
            ).select_related("update__case"),
            pk=self.kwargs["pk"],
        )
        return file_download(
            attachment.file,
            filename=attachment.download_name,
            content_type=attachment.content_type,
        )
