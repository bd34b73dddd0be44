"""Staff's side of the right of reply, on the staff report page: which companies are
concerned, sharing the findings with them, their answers beside each finding and the files
they attached (`monitoring.replies` holds the rules)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from affiliates.mixins import StaffRequiredMixin
from core.confirm import Confirmation, is_confirmed, render_confirmation, wants_change
from core.errors import DomainError
from core.uploads import file_download
from core.views import show_domain_error

from . import replies
from .models import FindingReply, MonitoringReport, ReplyAttachment, RightOfReply
from .reply_forms import ShareForReplyForm


def right_of_reply_context(report: MonitoringReport, *, form=None) -> dict:
    """What the staff report page shows of the right of reply, in a fixed number of queries:
    the shares with their status, each finding's answers, the companies concerned not yet
    asked, and the form to ask them (validated reports only)."""
    rights = list(
        RightOfReply.objects.filter(report=report)
        .select_related("company", "shared_by")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=FindingReply.objects.select_related("answered_by").prefetch_related(
                    "attachments"
                ),
            )
        )
        .order_by("company__name", "pk")
    )
    findings = {finding.pk: finding for finding in report.findings.all()}
    answers_by_finding = defaultdict(list)
    for right in rights:
        for reply in right.replies.all():
            reply.finding = findings[reply.finding_id]  # read by its state, not queried again
            answers_by_finding[reply.finding_id].append(reply)
    asked = {right.company_id for right in rights}
    concerned = list(replies.companies_concerned(report))
    suggestions = [company for company in concerned if company.pk not in asked]
    # Only companies with an active contact can be asked: the others are listed with a link
    # to invite one, and are not offered in the form.
    askable = [company for company in suggestions if company.has_contact]
    can_share = report.status == MonitoringReport.Status.VALIDATED and bool(askable)
    if can_share and form is None:
        form = ShareForReplyForm(
            report=report,
            findings=report.findings.all(),
            companies=_suggestions_queryset(askable),
        )
    return {
        "rights_of_reply": rights,
        "reply_answers": dict(answers_by_finding),
        "reply_suggestions": suggestions,
        "reply_askable": askable,
        "share_form": form if can_share else None,
    }


def _suggestions_queryset(suggestions):
    from suppliers.models import Supplier

    return Supplier.objects.filter(pk__in=[c.pk for c in suggestions]).order_by("name")


class ShareForReplyMixin:
    """The POST of the share form, on the staff report page (`StaffReportDetailView`): a
    refusal re-renders the page with the form's errors."""

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        report = self.object
        context = right_of_reply_context(report)
        if context["share_form"] is None:
            messages.error(
                request,
                _(
                    "Findings are shared for reply once the report is validated and before it "
                    "is published, with companies not yet asked that have a contact in the "
                    "company portal."
                ),
            )
            return redirect("monitoring:staff_report", pk=report.pk)
        form = ShareForReplyForm(
            request.POST,
            report=report,
            findings=report.findings.all(),
            companies=_suggestions_queryset(context["reply_askable"]),
        )
        if form.is_valid() and wants_change(request):
            return self.render_to_response(self.get_context_data(share_form=form))
        if form.is_valid() and not is_confirmed(request):
            try:
                replies.share_for_reply_check(
                    report=report,
                    companies=list(form.cleaned_data["companies"]),
                    due_date=form.cleaned_data["due_date"],
                    texts_for_company=form.texts_for_company(),
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                return render_confirmation(request, share_confirmation(report, form))
        elif form.is_valid():
            try:
                rights = replies.share_for_reply(
                    report=report,
                    companies=list(form.cleaned_data["companies"]),
                    due_date=form.cleaned_data["due_date"],
                    texts_for_company=form.texts_for_company(),
                    by=request.user,
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    _(
                        "Findings shared with %(companies)s. Their contacts are being told "
                        "by e-mail."
                    )
                    % {"companies": ", ".join(right.company.name for right in rights)},
                )
                return redirect("monitoring:staff_report", pk=report.pk)
        return self.render_to_response(self.get_context_data(share_form=form))


def share_confirmation(report: MonitoringReport, form) -> Confirmation:
    """The "check your answers" page before findings go to companies outside the platform."""
    companies = list(
        form.cleaned_data["companies"].annotate(
            active_contacts=Count("contacts", filter=Q(contacts__user__is_active=True))
        )
    )
    texts = form.texts_for_company()
    rows = [(_("Answers due by"), date_format(form.cleaned_data["due_date"], "DATE_FORMAT"))]
    rows += [
        (f"{number}. {finding.standard.label}", texts[finding.pk])
        for number, finding in enumerate(form.findings, start=1)
    ]
    return Confirmation(
        title=_("Send the findings of report %(reference)s to companies?")
        % {"reference": report.reference},
        summary=_(
            "Each company below can read these texts in the company portal and answer each "
            "finding; its contacts are told by e-mail. Nothing else of the report is shown."
        ),
        audience=ngettext(
            "%(count)s company receives them",
            "%(count)s companies receive them",
            len(companies),
        )
        % {"count": len(companies)},
        recipients=[
            ngettext(
                "%(company)s (%(count)s contact told by e-mail)",
                "%(company)s (%(count)s contacts told by e-mail)",
                company.active_contacts,
            )
            % {"company": company.name, "count": company.active_contacts}
            for company in companies
        ],
        rows=rows,
        final=_("Once sent, the companies keep what they read; a share cannot be withdrawn."),
        confirm_label=_("Send to the companies"),
        cancel_url=reverse("monitoring:staff_report", kwargs={"pk": report.pk}),
        can_change=True,
    )


class ReplyAttachmentDownloadView(StaffRequiredMixin, View):
    """A file a company attached to its answer: EW staff (and the company itself, in its
    portal) only; everyone else 404."""

    model = ReplyAttachment

    def get(self, request, pk):
        attachment = get_object_or_404(
            ReplyAttachment.objects.visible_to(self.reader).select_related(
                "reply__right_of_reply__report"
            ),
            pk=pk,
        )
        extension = attachment.file.name.rsplit(".", 1)[-1]
        reference = attachment.reply.right_of_reply.report.reference
        return file_download(
            attachment.file,
            filename=f"{reference}-answer-{attachment.pk}.{extension}",
            content_type=attachment.content_type,
        )
