"""Pages for monitoring partners (their reports), EW staff (triage) and affiliates (findings).

Which rows each of them may read is decided by `visible_to(self.reader)` in `querysets.py`;
the views pick a template per audience, never the rows, so another organisation's report is
a plain 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView

from affiliates.mixins import (
    AffiliateViewMixin,
    PartnerRequiredMixin,
    ReaderMixin,
    StaffRequiredMixin,
)
from affiliates.models import Affiliate
from core.charts import bar_chart
from core.confirm import (
    Confirmation,
    ConfirmedActionMixin,
    is_confirmed,
    render_confirmation,
    wants_change,
)
from core.errors import DomainError
from core.exports import Column, ExportMixin, fields
from core.uploads import file_download
from core.views import ListView, ServiceActionMixin, show_domain_error

from . import cohorts, services
from .forms import (
    AgencyFormSet,
    AssignForm,
    CohortFeeFormSet,
    CohortForm,
    EvidenceForm,
    FindingFilterForm,
    FindingForm,
    FindingStatusForm,
    InfoRequestForm,
    PartnerReportFilterForm,
    PublishForm,
    RejectForm,
    ReportForm,
    TextForm,
    TriageFilterForm,
)
from .models import (
    SEVERITY_RANK,
    EvidenceFile,
    Finding,
    MigrantCohort,
    MonitoringReport,
    ReportEvent,
    Severity,
)
from .reply_views import ShareForReplyMixin, right_of_reply_context
from .templatetags import triage_rows
from .templatetags.monitoring_tags import reported_count

Status = MonitoringReport.Status


def _report_detail_queryset(queryset):
    return queryset.select_related(
        "factory", "partner", "assigned_to", "decided_by", "published_by"
    ).prefetch_related(
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("standard", "sub_standard"),
        ),
        Prefetch("cohorts", queryset=cohorts.with_chain(MigrantCohort.objects.all())),
        Prefetch("evidence_files", queryset=EvidenceFile.objects.select_related("finding")),
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
    )


# --- Monitoring partners ------------------------------------------------------------------


class PartnerDashboardView(ExportMixin, PartnerRequiredMixin, ListView):
    export_columns = [
        Column(_l("Report"), "reference"),
        Column(_l("Factory"), "factory.name"),
        Column(_l("Country"), lambda report: report.factory.country.name),
        *fields(MonitoringReport, "period_start", "period_end"),
        Column(_l("Findings"), "finding_count"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Last change"), "updated_at"),
    ]

    template_name = "monitoring/partner_dashboard.html"
    context_object_name = "reports"
    paginate_by = 25

    def get_queryset(self):
        reports = MonitoringReport.objects.visible_to(self.reader)
        # The organisation's reports by status (exact, one query): the chart's numbers and the
        # filter's counts.
        self.by_status = dict(
            reports.order_by()
            .values_list("status")
            .annotate(n=Count("*"))  # COUNT(*): read from `report_partner_status` alone
        )
        self.filters = PartnerReportFilterForm(self.request.GET, counts=self.by_status)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        if data.get("status"):
            reports = reports.filter(status=data["status"])
        return reports.select_related("factory").order_by("-updated_at", "-pk")

    def get_context_data(self, **kwargs):
        # `filter_form` too: an export with a bad filter is refused (core/exports.py).
        context = super().get_context_data(filters=self.filters, filter_form=self.filters, **kwargs)
        context["partner"] = self.partner
        by_status = self.by_status
        context["needs_information"] = by_status.get(Status.NEEDS_INFORMATION, 0)
        rows = [(str(label), by_status.get(value, 0)) for value, label in Status.choices]
        context["reports_by_state"] = rows if any(n for _, n in rows) else []
        context["reports_by_state_chart"] = bar_chart(
            rows,
            title=_("Your reports by state"),
            unit_label=_("Reports"),
            chart_id="partner-reports-chart",
        )
        return context


class PartnerReportMixin(PartnerRequiredMixin):
    """The partner's own report named by `pk` in the URL; any other is a 404."""

    def get_report(self) -> MonitoringReport:
        if not hasattr(self, "_report"):
            self._report = get_object_or_404(
                MonitoringReport.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._report

    def get_success_url(self):
        return reverse("monitoring:report_detail", kwargs={"pk": self.get_report().pk})


class ReportCreateView(PartnerRequiredMixin, FormView):
    template_name = "monitoring/report_form.html"
    form_class = ReportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner}

    def form_valid(self, form):
        try:
            report = services.report_create(
                partner=self.partner, by=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Draft %(reference)s saved. Add your findings, then submit it.")
            % {"reference": report.reference},
        )
        return redirect("monitoring:report_detail", pk=report.pk)


class ReportUpdateView(PartnerReportMixin, FormView):
    template_name = "monitoring/report_form.html"
    form_class = ReportForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner, "instance": self.get_report()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.get_report(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.report_update(report=self.get_report(), by=self.request.user, **data)
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Report saved."))
        return redirect(self.get_success_url())


class PartnerReportDetailView(PartnerReportMixin, DetailView):
    template_name = "monitoring/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            _report_detail_queryset(MonitoringReport.objects.visible_to(self.reader)),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["evidence_form"] = EvidenceForm(report=self.object)
        context["comment_form"] = TextForm()
        context["audience"] = "partner"
        return context


class FindingEditMixin(PartnerReportMixin):
    template_name = "monitoring/finding_form.html"

    def get_finding(self) -> Finding | None:
        return None

    def get(self, request, *args, **kwargs):
        return self.render(FindingForm(instance=self.get_finding()))

    def post(self, request, *args, **kwargs):
        finding = self.get_finding()
        form = FindingForm(request.POST, instance=finding)
        if form.is_valid():
            try:
                services.finding_save(
                    report=self.get_report(), finding=finding, by=request.user, **form.cleaned_data
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Finding saved."))
                return redirect(self.get_success_url())
        return self.render(form)

    def render(self, form):
        report = self.get_report()
        if not report.is_editable_by_partner:
            messages.error(self.request, _("This report can no longer be changed."))
            return redirect(self.get_success_url())
        return render(
            self.request,
            self.template_name,
            {"form": form, "report": report, "finding": self.get_finding()},
        )


class FindingCreateView(FindingEditMixin, View):
    pass


class FindingUpdateView(FindingEditMixin, View):
    def get_finding(self):
        if not hasattr(self, "_finding"):
            self._finding = get_object_or_404(
                self.get_report().findings.select_related("standard__version"),
                pk=self.kwargs["finding_pk"],
            )
        return self._finding


class CohortEditMixin(PartnerReportMixin):
    """A migrant cohort of the partner's draft report: its route and counts, the chain of
    agencies and the fees per worker (three forms, saved together by monitoring.cohorts)."""

    template_name = "monitoring/cohort_form.html"

    def get_cohort(self) -> MigrantCohort | None:
        return None

    def get(self, request, *args, **kwargs):
        cohort = self.get_cohort()
        agencies = list(cohort.agencies.all()) if cohort else []
        positions = {agency.pk: str(n) for n, agency in enumerate(agencies, start=1)}
        agency_rows = [
            {"side": a.side, "name": a.name, "country": a.country.code} for a in agencies
        ]
        fee_rows = [
            {
                "step": f.step,
                "agency": positions.get(f.agency_id, ""),
                "cost_item": f.cost_item,
                "amount": f.amount,
                "currency": f.currency,
                "paid_on": f.paid_on,
            }
            for f in (cohort.fees.order_by(*cohorts.journey_order()) if cohort else [])
        ]
        return self.render(
            CohortForm(instance=cohort, report=self.get_report()),
            AgencyFormSet(initial=agency_rows, prefix="agencies"),
            CohortFeeFormSet(initial=fee_rows, prefix="fees"),
        )

    def post(self, request, *args, **kwargs):
        cohort = self.get_cohort()
        form = CohortForm(request.POST, instance=cohort, report=self.get_report())
        agencies = AgencyFormSet(request.POST, prefix="agencies")
        fees = CohortFeeFormSet(request.POST, prefix="fees")
        if all([form.is_valid(), agencies.is_valid(), fees.is_valid()]):
            data = dict(form.cleaned_data)
            linked = data.pop("findings")
            chain = [
                cohorts.Agency(row["side"], row["name"], row["country"])
                for row in agencies.cleaned_data
                if row.get("name")
            ]
            filled = [(n, row) for n, row in enumerate(fees.cleaned_data) if row.get("step")]
            paid = [
                cohorts.Fee(
                    step=row["step"],
                    cost_item=row["cost_item"],
                    amount=row["amount"],
                    currency=row["currency"],
                    paid_on=row["paid_on"],
                    agency=int(row["agency"]) - 1 if row.get("agency") else None,
                )
                for _n, row in filled
            ]
            try:
                cohorts.cohort_save(
                    report=self.get_report(),
                    cohort=cohort,
                    by=request.user,
                    agencies=chain,
                    fees=paid,
                    findings=linked,
                    **data,
                )
            except cohorts.FeesWithoutRate as error:
                form.add_error(None, error.summary)
                for index, message in error.missing.items():
                    fees.forms[filled[index][0]].add_error(None, message)
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Migrant cohort saved."))
                return redirect(self.get_success_url())
        return self.render(form, agencies, fees)

    def render(self, form, agencies, fees):
        report = self.get_report()
        if not report.is_editable_by_partner:
            messages.error(self.request, _("This report can no longer be changed."))
            return redirect(self.get_success_url())
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "agencies": agencies,
                "fees": fees,
                "report": report,
                "cohort": self.get_cohort(),
            },
        )


class CohortCreateView(CohortEditMixin, View):
    pass


class CohortUpdateView(CohortEditMixin, View):
    def get_cohort(self):
        if not hasattr(self, "_cohort"):
            self._cohort = get_object_or_404(
                self.get_report().cohorts.prefetch_related("agencies"), pk=self.kwargs["cohort_pk"]
            )
        return self._cohort


class CohortDeleteView(PartnerReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        cohort = get_object_or_404(self.get_report().cohorts, pk=self.kwargs["cohort_pk"])
        cohorts.cohort_delete(cohort=cohort, by=request.user)
        return _("Migrant cohort deleted.")


class FindingDeleteView(PartnerReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        finding = get_object_or_404(self.get_report().findings, pk=self.kwargs["finding_pk"])
        services.finding_delete(finding=finding, by=request.user)
        return _("Finding deleted.")


class EvidenceUploadView(PartnerReportMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        form = EvidenceForm(request.POST, request.FILES, report=report)
        if form.is_valid():
            try:
                services.evidence_add(
                    report=report,
                    clean_file=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    finding=form.cleaned_data["finding"],
                    by=request.user,
                )
            except DomainError as error:
                show_domain_error(request, error)
            else:
                messages.success(request, _("File added. Its metadata (GPS, camera) was removed."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(self.get_success_url())


class ReportSubmitView(PartnerReportMixin, ConfirmedActionMixin, View):
    def check(self, request):
        services.report_check_submittable(self.get_report())

    def get_confirmation(self):
        report = self.get_report()
        findings = report.findings.count()
        return Confirmation(
            title=_("Submit report %(reference)s to Electronics Watch?")
            % {"reference": report.reference},
            summary=_(
                # The name is never followed by a full stop: "… s.r.o.." (QA of issue 16).
                "The report on %(factory)s goes to Electronics Watch staff, who triage it; "
                "affiliates read nothing of it until staff publish an affiliate-facing version."
            )
            % {"factory": report.factory.name},
            audience=_("Who receives it: Electronics Watch staff"),
            rows=[
                (_("Factory"), report.factory.name),
                (_("Findings"), str(findings)),
                (_("Workers interviewed"), str(report.workers_interviewed)),
                (_("Narrative summary"), report.summary),
            ],
            final=_(
                "Your organisation cannot change the report any more, unless staff ask you "
                "for more information."
            ),
            confirm_label=_("Submit the report"),
            cancel_url=self.get_success_url(),
        )

    def perform(self, request, *args, **kwargs):
        report = services.report_submit(report=self.get_report(), by=request.user)
        return _("Report %(reference)s submitted to Electronics Watch.") % {
            "reference": report.reference
        }


class PartnerCommentView(PartnerReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = TextForm(request.POST)
        services.report_comment(
            report=self.get_report(),
            by=request.user,
            text=form.data.get("text", ""),
        )
        return _("Comment added.")


class EvidenceDownloadView(ReaderMixin, View):
    """Evidence files: EW staff and the submitting partner only; everyone else 404."""

    def get(self, request, pk):
        evidence = get_object_or_404(
            EvidenceFile.objects.visible_to(self.reader).select_related("report"), pk=pk
        )
        extension = evidence.file.name.rsplit(".", 1)[-1]
        return file_download(
            evidence.file,
            filename=f"{evidence.report.reference}-evidence-{evidence.pk}.{extension}",
            content_type=evidence.content_type,
        )


# --- Electronics Watch staff --------------------------------------------------------------


class TriageQueueView(ExportMixin, StaffRequiredMixin, ListView):
    """Reports waiting for a decision, the most urgent and the oldest first."""

    export_columns = [
        Column(_l("Report"), "reference"),
        *fields(MonitoringReport, "factory", "partner"),
        Column(_l("Fast-track"), "fast_track"),
        Column(_l("Findings"), "finding_count"),
        *fields(MonitoringReport, "submitted_at", "status", "assigned_to"),
    ]

    template_name = "monitoring/staff/queue.html"
    context_object_name = "reports"
    paginate_by = 50

    def get_queryset(self):
        reports = MonitoringReport.objects.visible_to(self.reader).exclude(status=Status.DRAFT)
        # Staff read every report: the status counts are the same for each of them.
        self.filters = TriageFilterForm(self.request.GET, reports=reports, cache_parts=("staff",))
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.status = data.get("status", "")
        self.assignee = data.get("assignee", "")
        if self.status:
            reports = reports.filter(status=self.status)
        else:
            self.status = ""
            reports = reports.awaiting_triage()
        if self.assignee == "me":
            reports = reports.filter(assigned_to=self.request.user)
        elif self.assignee == "none":
            reports = reports.filter(assigned_to__isnull=True)
        # The report's stored aggregates (monitoring/aggregates.py): an index serves the order.
        return reports.select_related("factory", "partner", "assigned_to").order_by(
            "-fast_track", "-top_severity", "submitted_at", "pk"
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        # The page shows its rows read as values (templatetags/triage_rows.py), counted as the
        # reports' keys alone (no join); the export (not paged) reads the reports themselves.
        # The capped count is kept until the data change (core/readmodel.py), per filters;
        # the rows themselves are read live.
        paginator = super().get_paginator(
            queryset.values(*triage_rows.ROW_FIELDS), per_page, **kwargs
        )
        counter = super().get_paginator(queryset, per_page, **kwargs)
        mine = self.request.user.pk if self.assignee == "me" else None
        counter.cache_count(
            "monitoring.triage_queue.count", ("staff", self.status, self.assignee, mine)
        )
        paginator.count = counter.count
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["assignee"] = self.assignee
        context["filters"] = self.filters
        context["today"] = timezone.now()
        context["severity_labels"] = {
            rank: Severity(value).label for value, rank in SEVERITY_RANK.items()
        }
        return context


class StaffReportMixin(StaffRequiredMixin):
    def get_report(self) -> MonitoringReport:
        if not hasattr(self, "_report"):
            self._report = get_object_or_404(
                MonitoringReport.objects.visible_to(self.reader).exclude(status=Status.DRAFT),
                pk=self.kwargs["pk"],
            )
        return self._report

    def get_success_url(self):
        return reverse("monitoring:staff_report", kwargs={"pk": self.get_report().pk})


class StaffReportDetailView(StaffReportMixin, DetailView):
    template_name = "monitoring/report_detail.html"
    context_object_name = "report"

    def get_object(self, queryset=None):
        return get_object_or_404(
            _report_detail_queryset(
                MonitoringReport.objects.visible_to(self.reader).exclude(status=Status.DRAFT)
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            audience="staff",
            comment_form=TextForm(),
            # Its field is also called `text`, like the comment form's: distinct ids, so each
            # label names its own textarea.
            info_form=InfoRequestForm(auto_id="id_info_%s"),
            reject_form=RejectForm(),
            assign_form=AssignForm(initial={"assignee": self.object.assigned_to_id}),
            finding_status_transitions={
                f.pk: [
                    (value, Finding.Status(value).label)
                    for value in sorted(services.FINDING_TRANSITIONS[f.status])
                ]
                for f in self.object.findings.all()
            },
        )
        context.update(right_of_reply_context(self.object, form=context.get("share_form")))
        return context


class ShareForReplyView(ShareForReplyMixin, StaffReportDetailView):
    """Share the report's findings with companies concerned (`monitoring.replies`)."""

    http_method_names = ["post"]


class ReportAssignView(StaffReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        form = AssignForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose a member of staff to assign the report to."))
        report = services.report_assign(
            report=self.get_report(), assignee=form.cleaned_data["assignee"], by=request.user
        )
        return _("Report assigned to %(email)s.") % {"email": report.assigned_to.email}


class StaffCommentView(StaffReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        services.report_comment(
            report=self.get_report(), by=request.user, text=request.POST.get("text", "")
        )
        return _("Comment added.")


class ReportRequestInformationView(StaffReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        services.report_request_information(
            report=self.get_report(), by=request.user, text=request.POST.get("text", "")
        )
        return _("The partner has been asked for more information.")


class ReportValidateView(StaffReportMixin, ConfirmedActionMixin, View):
    def get_confirmation(self):
        report = self.get_report()
        return Confirmation(
            title=_("Validate report %(reference)s?") % {"reference": report.reference},
            summary=_(
                "The report on %(factory)s by %(partner)s is accepted as evidence. Its findings "
                "can then be shared with companies for reply, and published to affiliates in a "
                "version you write next; nothing reaches affiliates now."
            )
            % {"factory": report.factory.name, "partner": report.partner.name},
            rows=[
                (_("Factory"), report.factory.name),
                (_("Monitoring partner"), report.partner.name),
                (_("Findings"), str(report.findings.count())),
            ],
            confirm_label=_("Validate the report"),
            cancel_url=self.get_success_url(),
        )

    def perform(self, request, *args, **kwargs):
        services.report_validate(report=self.get_report(), by=request.user)
        return _("Report validated. Write its published version to publish it.")


class ReportRejectView(StaffReportMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        services.report_reject(
            report=self.get_report(), by=request.user, reason=request.POST.get("reason", "")
        )
        return _("Report rejected.")


class FindingStatusView(StaffRequiredMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        self.finding = get_object_or_404(
            Finding.objects.visible_to(self.reader).select_related("report", "standard"),
            pk=self.kwargs["pk"],
        )
        form = FindingStatusForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose the finding's new status."))
        finding = services.finding_set_status(
            finding=self.finding,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        return _("Finding is now “%(status)s”.") % {"status": finding.get_status_display()}

    def get_success_url(self):
        return reverse("monitoring:staff_report", kwargs={"pk": self.finding.report_id})


class ReportPublishView(StaffReportMixin, FormView):
    template_name = "monitoring/staff/publish.html"
    form_class = PublishForm

    def get_form_kwargs(self):
        findings = self.get_report().findings.select_related("standard", "sub_standard")
        return {**super().get_form_kwargs(), "findings": findings}

    def get_initial(self):
        return {"summary": self.get_report().published_summary}

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.get_report(), **kwargs)

    def publication_confirmation(self, form) -> Confirmation:
        report = self.get_report()
        recipients = services.publication_recipients(report)
        affiliates = list(
            Affiliate.objects.filter(
                pk__in=services.affiliates_with_factory(report.factory_id), is_active=True
            )
            .order_by("name")
            .values_list("name", flat=True)
        )
        texts = form.published_texts()
        rows = [(_("Published summary"), form.cleaned_data["summary"])]
        for number, finding in enumerate(form.findings, start=1):
            label = f"{number}. {finding.standard.label} · {finding.get_severity_display()}"
            rows.append((label, texts.get(finding.pk) or _("Not published: stays confidential")))
        return Confirmation(
            title=_("Publish report %(reference)s to affiliates?")
            % {"reference": report.reference},
            summary=ngettext(
                "%(count)s finding of %(total)s on %(factory)s will be readable by the "
                "affiliates buying from the factory.",
                "%(count)s findings of %(total)s on %(factory)s will be readable by the "
                "affiliates buying from the factory.",
                len(texts),
            )
            % {"count": len(texts), "total": len(form.findings), "factory": report.factory.name},
            audience=ngettext(
                "%(count)s affiliate will read it; %(people)s of their officers and admins "
                "will be told by e-mail",
                "%(count)s affiliates will read it; %(people)s of their officers and admins "
                "will be told by e-mail",
                len(affiliates),
            )
            % {"count": len(affiliates), "people": len(recipients)},
            recipients=affiliates,
            rows=rows,
            final=_(
                "Once published, the report cannot be withdrawn and the e-mails are sent. "
                "Confidential texts, files and small worker counts are never shown."
            ),
            confirm_label=_("Publish to affiliates"),
            cancel_url=self.get_success_url(),
            can_change=True,
        )

    def form_valid(self, form):
        if wants_change(self.request):
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.report_check_publishable(
                report=self.get_report(),
                summary=form.cleaned_data["summary"],
                published_texts=form.published_texts(),
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        if not is_confirmed(self.request):
            return render_confirmation(self.request, self.publication_confirmation(form))
        try:
            services.report_publish(
                report=self.get_report(),
                by=self.request.user,
                summary=form.cleaned_data["summary"],
                published_texts=form.published_texts(),
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Published. The affiliates buying from this factory are being told by e-mail."),
        )
        return redirect(self.get_success_url())


def _finding_category(finding) -> str:
    """A finding's heading on its card: the code's standard and sub-standard."""
    if finding.sub_standard:
        return f"{finding.standard.label}: {finding.sub_standard.label}"
    return finding.standard.label


# --- Affiliates ---------------------------------------------------------------------------


class AffiliateFindingListView(ExportMixin, AffiliateViewMixin, ListView):
    """Published findings at the factories in the affiliate's supply chain."""

    # What each card shows, and only that: the published text (never the partner's own), the
    # workers affected with small counts withheld as on the page.
    export_columns = [
        Column(_l("Code category"), _finding_category),
        Column(_l("Severity"), "get_severity_display"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Finding"), "published_text"),
        Column(_l("Factory"), "report.factory.name"),
        Column(_l("Country"), lambda finding: finding.report.factory.country.name),
        Column(_l("Workers affected"), lambda finding: reported_count(finding.workers_affected)),
        Column(_l("Published"), "published_at"),
    ]

    template_name = "monitoring/affiliate_findings.html"
    context_object_name = "findings"
    paginate_by = 25

    def get_queryset(self):
        visible = Finding.objects.visible_to(self.reader)
        self.filters = FindingFilterForm(
            self.request.GET, queryset=visible, cache_parts=("affiliate", self.affiliate.pk)
        )
        findings = visible.with_display_relations()
        self.applied = (None, None)
        if self.filters.is_valid():
            severity = self.filters.cleaned_data["severity"] or None
            standard = self.filters.cleaned_data["standard"]
            if severity:
                findings = findings.filter(severity=severity)
            if standard:
                findings = findings.filter(standard=standard)
            self.applied = (severity, standard and standard.pk)
        return findings.order_by("-published_at", "-pk")

    def get_paginator(self, *args, **kwargs):
        # The capped count of a large supply chain's findings costs more than the page's rows
        # (the planner overestimates the chain's reports): kept until the data change, per
        # affiliate and filter; the rows themselves are read live.
        paginator = super().get_paginator(*args, **kwargs)
        paginator.cache_count(
            "monitoring.affiliate_findings.count", ("affiliate", self.affiliate.pk, *self.applied)
        )
        return paginator

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)
