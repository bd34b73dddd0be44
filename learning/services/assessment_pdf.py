"""The PDF of a completed self-assessment, rendered by a Celery worker like the compliance
reports: requesting it marks the assessment `queued` and enqueues the task after commit; the
task moves it to `rendering` then `ready` (or `failed` with the reason), guarded by that status
so that a redelivered task renders nothing twice. `assessment_pdf_render` is a pure function
of the assessment and the database; the task only stores the bytes and their checksum.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from affiliates.models import Affiliate
from core.errors import DomainError
from core.pdf import is_live_rendering, render_or_fail, render_pdf

from ..models import Answer, Assessment
from . import assessment as rules

PdfStatus = Assessment.PdfStatus


def assessment_pdf_request(*, assessment: Assessment, by, language: str | None = None):
    """Queue the PDF of a completed assessment; a PDF already on its way is left alone."""
    if not assessment.is_completed:
        raise DomainError(_("Complete the self-assessment first: the PDF shows its scores."))
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose English or French."), field="language")
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.pdf_status in {PdfStatus.QUEUED, PdfStatus.RENDERING}:
            return locked
        locked.pdf_status = PdfStatus.QUEUED
        locked.pdf_language = language
        locked.pdf_requested_at = timezone.now()
        locked.pdf_error = ""
        locked.save(update_fields=["pdf_status", "pdf_language", "pdf_requested_at", "pdf_error"])
        from ..tasks import render_assessment_pdf

        transaction.on_commit(lambda: render_assessment_pdf.delay(locked.pk))
    return locked


def assessment_pdf_generate(assessment_id: int) -> Assessment | None:
    """Render and store one PDF; None when there is nothing to do (missing, not queued, or
    being rendered by a live worker)."""
    with transaction.atomic(), scopes_disabled():
        assessment = (
            Assessment.objects.select_for_update(skip_locked=True).filter(pk=assessment_id).first()
        )
        if assessment is None or assessment.pdf_status not in {
            PdfStatus.QUEUED,
            PdfStatus.RENDERING,
        }:
            return None
        if assessment.pdf_status == PdfStatus.RENDERING and is_live_rendering(
            assessment.pdf_started_at
        ):
            return None
        assessment.pdf_status = PdfStatus.RENDERING
        assessment.pdf_started_at = timezone.now()
        assessment.pdf_attempts += 1
        assessment.save(update_fields=["pdf_status", "pdf_started_at", "pdf_attempts"])
    affiliate = Affiliate.objects.get(pk=assessment.affiliate_id)
    with scope(affiliate=affiliate):
        assessment = Assessment.objects.select_related("affiliate", "questionnaire").get(
            pk=assessment_id
        )
        pdf = render_or_fail(
            lambda: assessment_pdf_render(assessment),
            lambda error: assessment_pdf_fail(
                assessment_id, _("The PDF could not be rendered: %(error)s") % {"error": error}
            ),
        )
        old_name = assessment.pdf_file.name
        assessment.pdf_file.save(assessment.pdf_download_name, ContentFile(pdf), save=False)
        assessment.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        assessment.pdf_status = PdfStatus.READY
        assessment.pdf_finished_at = timezone.now()
        assessment.pdf_error = ""
        assessment.save(
            update_fields=[
                "pdf_file",
                "pdf_sha256",
                "pdf_status",
                "pdf_finished_at",
                "pdf_error",
            ]
        )
        if old_name and old_name != assessment.pdf_file.name:
            assessment.pdf_file.storage.delete(old_name)
    return assessment


def assessment_pdf_fail(assessment_id: int, reason: str) -> None:
    """After the last retry, or a rendering error: the page and the API say why."""
    with scopes_disabled():
        Assessment.objects.filter(
            pk=assessment_id, pdf_status__in=[PdfStatus.QUEUED, PdfStatus.RENDERING]
        ).update(
            pdf_status=PdfStatus.FAILED, pdf_error=reason[:500], pdf_finished_at=timezone.now()
        )


def assessment_pdf_render(assessment: Assessment) -> bytes:
    """The PDF of a completed assessment. Call inside the affiliate's scope."""
    return render_pdf(assessment_pdf_html(assessment))


def assessment_pdf_html(assessment: Assessment) -> str:
    with translation.override(assessment.pdf_language or settings.LANGUAGE_CODE):
        answers = {
            answer.question_id: answer for answer in Answer.objects.filter(assessment=assessment)
        }
        stages = [
            (label, [(question, answers.get(question.pk)) for question in questions])
            for _stage, label, questions in rules.questions_by_stage(assessment.questionnaire)
        ]
        bench = rules.benchmark()
        context = {
            "assessment": assessment,
            "affiliate": assessment.affiliate,
            "results": rules.stage_results(assessment),
            "stages": stages,
            "recommendations": rules.recommendations(assessment),
            "benchmark": bench,
            "benchmark_rows": bench.rows(assessment) if bench else [],
            "LANGUAGE_CODE": assessment.pdf_language,
            "site_url": settings.SITE_URL,
        }
        return render_to_string("learning/assessment/pdf.html", context)
