"""An affiliate's due-diligence self-assessment, under /a/<affiliate_slug>/self-assessment/:
the overview (current draft, history with its chart, the median of affiliates), the answer
form (saved question by question with htmx, or all at once without JavaScript), the result,
and its PDF rendered by a Celery worker.

Admins and officers answer (Membership.EDITORS); viewers read. Any member may ask for the PDF
of a completed assessment: it shows what they can already read on the page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import AffiliateViewMixin
from affiliates.models import Membership
from affiliates.tenancy import log_denied
from core.charts import bar_chart
from core.errors import DomainError
from core.uploads import file_download
from core.views import ListView, show_domain_error

from ..forms.assessment import AnswerForm, PdfRequestForm
from ..models import Answer, AnswerLevel, Assessment, ProcurementStage, Question
from ..services import assessment as rules
from ..services.assessment_pdf import assessment_pdf_request

HISTORY_CHART_SIZE = 20


def _label(assessment: Assessment) -> str:
    completed = timezone.localtime(assessment.completed_at)
    return f"{assessment.reference} · {formats.date_format(completed, 'DATE_FORMAT')}"


def benchmark_context(assessment: Assessment | None) -> dict:
    """The comparison with the median of affiliates, when there are enough of them."""
    bench = rules.benchmark() if assessment is not None else None
    if bench is None:
        return {"benchmark": None, "benchmark_minimum": rules.BENCHMARK_MIN_AFFILIATES}
    rows = bench.rows(assessment)
    chart_rows = []
    for label, mine, median in rows:
        chart_rows.append((_("%(stage)s: your score") % {"stage": label}, mine or 0))
        chart_rows.append((_("%(stage)s: median of affiliates") % {"stage": label}, median))
    return {
        "benchmark": bench,
        "benchmark_rows": rows,
        "benchmark_reference": assessment.reference,
        "benchmark_minimum": rules.BENCHMARK_MIN_AFFILIATES,
        "benchmark_chart": bar_chart(
            chart_rows,
            title=_("Your scores against the median of affiliates"),
            unit_label=_("Per cent of the points"),
            chart_id="benchmark-chart",
        ),
    }


class AssessmentMixin(AffiliateViewMixin):
    model = Assessment  # the isolation walker tries another tenant's assessment

    @property
    def can_answer(self) -> bool:
        return self.membership.role in Membership.EDITORS

    def require_editor(self, what: str) -> None:
        if not self.can_answer:
            log_denied(self.request, what)
            raise PermissionDenied

    def get_assessment(self) -> Assessment:
        if not hasattr(self, "_assessment"):
            self._assessment = get_object_or_404(
                Assessment.objects.select_related(
                    "questionnaire", "started_by", "completed_by", "affiliate"
                ),
                pk=self.kwargs["pk"],
            )
        return self._assessment


class AssessmentOverviewView(AssessmentMixin, ListView):
    template_name = "learning/assessment/overview.html"
    context_object_name = "completed"
    paginate_by = 25

    def get_queryset(self):
        return (
            Assessment.objects.filter(status=Assessment.Status.COMPLETED)
            .select_related("affiliate", "completed_by", "questionnaire")
            .order_by("-completed_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        draft = (
            Assessment.objects.filter(status=Assessment.Status.DRAFT)
            .select_related("affiliate", "questionnaire", "started_by")
            .first()
        )
        recent = list(
            Assessment.objects.filter(status=Assessment.Status.COMPLETED).order_by(
                "-completed_at", "-pk"
            )[:HISTORY_CHART_SIZE]
        )[::-1]
        latest = recent[-1] if recent else None
        context.update(
            draft=draft,
            draft_progress=self._progress(draft) if draft else None,
            questionnaire=rules.questionnaire_current(),
            can_answer=self.can_answer,
            stages=[label for _stage, label in ProcurementStage.choices],
            history_chart=bar_chart(
                [(_label(a), a.overall_percent or 0) for a in recent],
                title=_("Overall score of each completed self-assessment"),
                unit_label=_("Per cent of the points"),
                chart_id="history-chart",
            )
            if recent
            else None,
            latest=latest,
            **benchmark_context(latest),
        )
        return context

    def _progress(self, draft):
        answered = Answer.objects.filter(assessment=draft, level__isnull=False).count()
        return {"answered": answered, "total": draft.questionnaire.questions.count()}


class AssessmentStartView(AssessmentMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_editor("self-assessment start")
        try:
            assessment = rules.assessment_start(affiliate=self.affiliate, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("learning:assessment_overview", affiliate_slug=self.affiliate.slug)
        messages.success(request, _("Self-assessment started. Your answers are saved as you go."))
        return redirect(assessment.get_absolute_url())


class AssessmentDetailView(AssessmentMixin, DetailView):
    """A draft: the answer form (read-only for viewers). Completed: the result."""

    context_object_name = "assessment"

    def get_object(self, queryset=None):
        return self.get_assessment()

    def get_template_names(self):
        if self.object.is_completed:
            return ["learning/assessment/result.html"]
        return ["learning/assessment/form.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assessment = self.object
        answers = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)}
        forms = kwargs.get("forms") or {}
        stages = []
        for stage, label, questions in rules.questions_by_stage(assessment.questionnaire):
            items = []
            for question in questions:
                answer = answers.get(question.pk)
                form = forms.get(question.pk) or AnswerForm(
                    question=question,
                    initial={
                        "level": answer.level if answer else None,
                        "evidence": answer.evidence if answer else "",
                    },
                )
                items.append((question, form, answer))
            stages.append((stage, label, items))
        answered = sum(1 for a in answers.values() if a.level is not None)
        context.update(
            stages=stages,
            levels=AnswerLevel.choices,
            answered=answered,
            total=sum(len(items) for _s, _l, items in stages),
            can_answer=self.can_answer and not assessment.is_completed,
        )
        if assessment.is_completed:
            results = rules.stage_results(assessment)
            context.update(
                results=results,
                results_chart=bar_chart(
                    [(r.stage_label, r.percent) for r in results],
                    title=_("Score per stage of the procurement cycle"),
                    unit_label=_("Per cent of the points"),
                    chart_id="results-chart",
                ),
                recommendations=rules.recommendations(assessment),
                pdf_form=PdfRequestForm(initial={"language": self.request.LANGUAGE_CODE}),
                **benchmark_context(assessment),
            )
        return context

    def post(self, request, *args, **kwargs):
        """Without JavaScript: save every answer of the form, and complete on request."""
        self.require_editor("self-assessment answers")
        self.object = assessment = self.get_assessment()
        if assessment.is_completed:
            messages.error(
                request, _("This self-assessment is completed: its answers can no longer change.")
            )
            return redirect(assessment.get_absolute_url())
        questions = list(assessment.questionnaire.questions.all())
        forms = {q.pk: AnswerForm(request.POST, question=q) for q in questions}
        present = {pk: form for pk, form in forms.items() if form.is_present()}
        if not all(form.is_valid() for form in present.values()):
            messages.error(request, _("Some answers could not be saved: see the questions marked."))
            context = self.get_context_data(object=assessment, forms=forms)
            return self.render_to_response(context, status=400)
        saved = self._save_all(assessment, present)
        if request.POST.get("action") == "complete":
            try:
                rules.assessment_complete(assessment=assessment, by=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(assessment.get_absolute_url())
            messages.success(request, _("Self-assessment completed. Here is your result."))
            return redirect(assessment.get_absolute_url())
        messages.success(
            request,
            _("Answers saved (%(count)d changed).") % {"count": saved},
        )
        return redirect(assessment.get_absolute_url())

    def _save_all(self, assessment, present) -> int:
        stored = {a.question_id: a for a in Answer.objects.filter(assessment=assessment)}
        saved = 0
        with transaction.atomic():
            for pk, form in present.items():
                level, evidence = form.cleaned_data["level"], form.cleaned_data["evidence"]
                before = stored.get(pk)
                if before is None and level is None and not evidence.strip():
                    continue
                if before is not None and (before.level, before.evidence) == (level, evidence):
                    continue
                rules.answer_save(
                    assessment=assessment,
                    question=form.question,
                    level=level,
                    evidence=evidence,
                    by=self.request.user,
                )
                saved += 1
        return saved


class AnswerSaveView(AssessmentMixin, View):
    """One question, posted by htmx as the member answers; the answer is the question's save
    status. Without htmx, a redirect back to the question."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.require_editor("self-assessment answer")
        assessment = self.get_assessment()
        question = get_object_or_404(
            Question.objects.filter(questionnaire_id=assessment.questionnaire_id),
            pk=kwargs["question_pk"],
        )
        form = AnswerForm(request.POST, question=question)
        answer, error = None, None
        if form.is_valid():
            try:
                answer = rules.answer_save(
                    assessment=assessment,
                    question=question,
                    level=form.cleaned_data["level"],
                    evidence=form.cleaned_data["evidence"],
                    by=request.user,
                )
            except DomainError as domain_error:
                error = domain_error.message
        else:
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        if request.headers.get("HX-Request"):
            # 200 even for a refused answer: htmx swaps only successful responses, and the
            # member must read why (the status is a live region).
            return TemplateResponse(
                request,
                "learning/assessment/form.html#status",
                {"answer": answer, "error": error, "question": question},
            )
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Answer saved."))
        return redirect(f"{assessment.get_absolute_url()}#question-{question.pk}")


class AssessmentPdfView(AssessmentMixin, View):
    """POST asks for the PDF; GET (htmx) is the status fragment the result page polls."""

    http_method_names = ["get", "post"]

    def get(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        if not assessment.is_completed:
            raise Http404
        if not request.headers.get("HX-Request"):
            return redirect(f"{assessment.get_absolute_url()}#assessment-pdf")
        if request.GET.get("shown") == assessment.pdf_status:
            return HttpResponse(status=204)  # unchanged: screen readers are not told again
        return TemplateResponse(
            request,
            "learning/assessment/result.html#pdf",
            {
                "assessment": assessment,
                "affiliate": self.affiliate,
                "pdf_form": PdfRequestForm(initial={"language": request.LANGUAGE_CODE}),
            },
        )

    def post(self, request, *args, **kwargs):
        assessment = self.get_assessment()
        form = PdfRequestForm(request.POST)
        language = form.cleaned_data["language"] if form.is_valid() else None
        if not form.is_valid():
            messages.error(request, _("Choose English or French."))
        else:
            try:
                assessment_pdf_request(assessment=assessment, by=request.user, language=language)
            except DomainError as error:
                show_domain_error(request, error)
            else:
                messages.success(request, _("The PDF is being prepared."))
        return redirect(f"{assessment.get_absolute_url()}#assessment-pdf")


class AssessmentPdfDownloadView(AssessmentMixin, View):
    def get(self, request, *args, **kwargs):
        assessment = get_object_or_404(
            Assessment.objects.select_related("affiliate").filter(
                pdf_status=Assessment.PdfStatus.READY
            ),
            pk=kwargs["pk"],
        )
        return file_download(
            assessment.pdf_file,
            filename=assessment.pdf_download_name,
            content_type="application/pdf",
        )
