"""What EW staff and the case's lead partner both use (under /cases/), and the helpers of
every remediation page."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View

from affiliates.mixins import ReaderMixin
from core.confirm import Confirmation, ConfirmedActionMixin
from core.exports import Column
from core.uploads import file_download
from core.views import ServiceActionMixin

from .. import plan
from ..charts import share_step_chart
from ..compensation import case_figures, compensation_figures
from ..forms import PaymentForm, UpdateForm
from ..models import (
    ActionProgress,
    ActionStatus,
    Compensation,
    ProgressAttachment,
    RemediationAction,
    RemediationCase,
    ResponsibleCompany,
    UpdateAttachment,
)


def case_columns(*, affiliate: bool = False) -> list[Column]:
    """The export of a list of cases: the columns of its table
    (remediation/includes/case_table.html). An affiliate that has not joined a case reads
    neither its action count nor its overdue count, in the file as on the page."""

    def once_joined(read):
        return lambda case: read(case) if not affiliate or case.joined else ""

    columns = [
        Column(_l("Case"), "reference"),
        Column(_l("Title"), "title"),
        Column(_l("Factory"), "factory.name"),
        Column(_l("Country"), lambda case: case.factory.country.code),
        Column(_l("Severity"), "get_severity_display"),
        Column(_l("Fast-track"), "fast_track"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Actions"), once_joined(lambda case: case.action_count)),
        Column(_l("Overdue"), once_joined(lambda case: case.overdue_count)),
    ]
    if affiliate:
        columns.append(
            Column(
                _l("Your participation"),
                lambda case: _("Joined") if case.joined else _("Not joined"),
            )
        )
    return columns


def form_error(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def employer_pays(compensations, today, *, with_forms: bool = False) -> dict:
    """The "Employer pays" section: each recruitment-fee compensation and the case's totals,
    with the share reimbursed month by month as a chart (its table is in the template)."""
    fees = [c for c in compensations if c.kind == Compensation.Kind.RECRUITMENT_FEES]
    rows = []
    for compensation in fees:
        figures = compensation_figures(compensation, today)
        figures.chart = share_step_chart(
            figures.progress.series,
            title=_("Share of the fees reimbursed: %(what)s") % {"what": compensation.description},
            chart_id=f"employer-pays-{compensation.pk}",
        )
        if with_forms:
            # Its own ids per compensation: several forms on one page.
            figures.payment_form = PaymentForm(auto_id=f"payment-{compensation.pk}-%s")
        rows.append(figures)
    totals = case_figures(fees, today)
    for progress in totals:
        progress.chart = share_step_chart(
            progress.series,
            title=_("Share of the case's recruitment fees reimbursed (%(currency)s)")
            % {"currency": progress.currency},
            chart_id=f"employer-pays-case-{progress.currency.lower()}",
        )
    return {"employer_pays": rows, "employer_pays_totals": totals}


def prefetch_updates(queryset):
    return Prefetch(
        "updates",
        queryset=queryset.select_related("author").prefetch_related("attachments"),
    )


def actions_with_progress(reader):
    """The plan as the reader may read it, each action with the owner company's progress
    updates and their files (listed; who may download them is `ProgressAttachment`'s rule)."""
    return (
        RemediationAction.objects.visible_to(reader)
        .select_related("owner_supplier")
        .prefetch_related(
            Prefetch(
                "progress_updates",
                queryset=ActionProgress.objects.visible_to(reader).prefetch_related("attachments"),
            )
        )
    )


def companies():
    return ResponsibleCompany.objects.select_related("supplier")


class CaseWorkerMixin(ReaderMixin):
    """A case the reader may work on: staff any, a partner member its organisation's; anyone
    else gets a 404."""

    def get_case(self) -> RemediationCase:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                RemediationCase.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._case

    def get_success_url(self):
        name = "remediation:staff_case" if self.reader.is_staff else "remediation:partner_case"
        return reverse(name, kwargs={"pk": self.get_case().pk})


class UpdatePostView(CaseWorkerMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        case = self.get_case()
        form = UpdateForm(request.POST, request.FILES, partner_view=not self.reader.is_staff)
        if not form.is_valid():
            form_error(request, form)
            return None
        clean = form.cleaned_data["file"]
        plan.update_post(
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
        plan.action_verify(
            action=action,
            by=request.user,
            verified_by=request.POST.get("verified_by", ""),
            note=request.POST.get("note", ""),
        )
        return _("Action verified.")


class ActionRejectView(CaseWorkerMixin, ConfirmedActionMixin, View):
    """Reject a claimed action after a confirmation: the company is told, with the reason."""

    def get_action(self) -> RemediationAction:
        return get_object_or_404(
            self.get_case().actions.select_related("owner_supplier"), pk=self.kwargs["action_pk"]
        )

    def get(self, request, *args, **kwargs):
        self.get_action()
        return redirect(self.get_success_url())  # the reason is written on the case page

    def check(self, request):
        plan.action_check_rejectable(self.get_action(), request.POST.get("reason", ""))

    def get_confirmation(self):
        action = self.get_action()
        contacts = list(plan.owner_company_contacts(action).values_list("email", flat=True))
        if action.owner_supplier_id is None:
            audience = _("Nobody is told by e-mail: the owner is not a company in the registry.")
        else:
            audience = ngettext(
                "%(count)s contact of %(company)s will be told by e-mail, with the reason",
                "%(count)s contacts of %(company)s will be told by e-mail, with the reason",
                len(contacts),
            ) % {"count": len(contacts), "company": action.owner_supplier}
        return Confirmation(
            title=_("Reject the claim that this action is done?"),
            summary=_(
                "The action becomes “%(status)s” again and can be overdue; the rejection and "
                "its reason go on the case's timeline."
            )
            % {"status": ActionStatus.REJECTED.label},
            audience=audience,
            recipients=contacts,
            rows=[
                (_("Case"), str(self.get_case())),
                (_("Action"), action.description),
                (_("Owner"), action.owner_name or str(action.owner_supplier or "")),
                (_("Why the claim is rejected"), self.request.POST.get("reason", "")),
            ],
            final=_("The company reads the reason as written; it cannot be withdrawn."),
            confirm_label=_("Reject the claim"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        plan.action_reject_claim(
            action=self.get_action(), by=request.user, reason=request.POST.get("reason", "")
        )
        return _("Claim rejected: the action is open again.")


class AttachmentDownloadView(ReaderMixin, View):
    """Timeline files for staff (all) and the lead partner (its audiences only)."""

    def get(self, request, pk):
        return download(self.reader, pk)


def download(reader, pk):
    """A timeline file the reader may read with its entry; else 404."""
    attachment = get_object_or_404(
        UpdateAttachment.objects.visible_to(reader).select_related("update__case"), pk=pk
    )
    return file_download(
        attachment.file,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )


class ProgressAttachmentDownloadView(ReaderMixin, View):
    """Evidence files of a company's progress updates: staff, the case's lead partner and the
    company that owns the action, with the same checks as timeline files; anyone else
    (affiliates and other companies included) gets 404."""

    model = ProgressAttachment

    def get(self, request, pk):
        attachment = get_object_or_404(
            ProgressAttachment.objects.downloadable_by(self.reader).select_related(
                "progress__action__case"
            ),
            pk=pk,
        )
        return file_download(
            attachment.file,
            filename=attachment.download_name,
            content_type=attachment.content_type,
        )
