"""The right of reply in the company portal: the findings Electronics Watch shared with the
contact's company, each in the version written for it, the answer form, the files it
attached, and a PDF of what was shared.

Only `FindingReply.objects.visible_to(reader)` (the company's own) is read, so another
company's finding is a plain 404. The pages show the factory, the period, the Code category,
the severity, the text written for the company and the deadline: never the partner's
confidential text or evidence, the report's narrative, evidence files, the partner's name or
worker counts (the querysets do not even load the encrypted texts).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import CompanyRequiredMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.pdf import render_pdf
from core.uploads import file_download
from core.views import ListView, show_domain_error
from monitoring.models import FindingReply, ReplyAttachment, RightOfReply
from monitoring.replies import answer_finding

from ..forms.replies import AnswerForm
from ..services.replies import company_finding_replies, company_rights_of_reply


class CompanyFindingListView(ExportMixin, CompanyRequiredMixin, ListView):
    # The list's columns (what the finding says is read on its own page, one at a time).
    export_columns = [
        Column(_l("Factory"), "right_of_reply.report.factory.name"),
        Column(_l("Country"), lambda reply: reply.right_of_reply.report.factory.country.name),
        Column(
            _l("Code category"),
            lambda reply: ": ".join(
                standard.label
                for standard in (reply.finding.standard, reply.finding.sub_standard)
                if standard
            ),
        ),
        Column(_l("Severity"), "finding.get_severity_display"),
        Column(_l("Answer due"), "right_of_reply.due_date"),
        Column(_l("Status"), "get_state_display"),
    ]

    model = FindingReply
    template_name = "engagement/replies/list.html"
    context_object_name = "replies"
    paginate_by = 25

    def get_queryset(self):
        return company_finding_replies(self.reader).order_by(
            "-right_of_reply__shared_at", "right_of_reply_id", "finding_id"
        )


class CompanyFindingDetailView(CompanyRequiredMixin, DetailView):
    model = FindingReply
    template_name = "engagement/replies/detail.html"
    context_object_name = "reply"

    def get_queryset(self):
        return company_finding_replies(self.reader).prefetch_related("attachments")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AnswerForm(initial={"answer": self.object.answer}))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                answer_finding(
                    reply=self.object,
                    by=request.user,
                    answer=form.cleaned_data["answer"],
                    files=form.cleaned_data["files"],
                )
            except DomainError as error:
                # Past the deadline the page shows no form: the reason goes on the page.
                show_domain_error(request, error, form if self.object.is_open else None)
            else:
                messages.success(
                    request,
                    _(
                        "Your answer is saved. You can change it until the deadline; "
                        "affiliates read it once the finding is published."
                    ),
                )
                return redirect("engagement:company_finding", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


class CompanyReplyAttachmentView(CompanyRequiredMixin, View):
    """A file the company attached to one of its answers; anyone else's is a 404."""

    model = ReplyAttachment

    def get(self, request, pk):
        attachment = get_object_or_404(ReplyAttachment.objects.visible_to(self.reader), pk=pk)
        extension = attachment.file.name.rsplit(".", 1)[-1]
        return file_download(
            attachment.file,
            filename=f"answer-{attachment.reply_id}-{attachment.pk}.{extension}",
            content_type=attachment.content_type,
        )


class CompanyReplyPdfView(CompanyRequiredMixin, View):
    """ "Findings shared with you": one right of reply as a PDF, in the contact's language."""

    model = RightOfReply

    def get(self, request, pk):
        right = get_object_or_404(company_rights_of_reply(self.reader), pk=pk)
        html = render_to_string(
            "engagement/replies/pdf.html",
            {
                "right": right,
                "replies": list(right.replies.all()),
                "today": timezone.localdate(),
                "LANGUAGE_CODE": translation.get_language(),
            },
        )
        response = HttpResponse(render_pdf(html), content_type="application/pdf")
        name = f"findings-shared-{right.report.reference}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
