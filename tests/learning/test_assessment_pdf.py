"""The PDF of a completed self-assessment: queued on the page, rendered by the Celery task with
WeasyPrint, read back with pypdf, downloaded by members only."""

import hashlib
import io

import pytest
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from affiliates.models import Membership
from core.errors import DomainError
from learning.models import Assessment
from learning.services.assessment_pdf import assessment_pdf_request
from learning.tasks import render_assessment_pdf
from tests.factories import AssessmentFactory, completed_assessment, member

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _level(question):
    return {"policy": 3, "planning": 1}.get(question.stage, 2)


def test_the_task_renders_the_scores_and_stage_names(
    client, northvale, northvale_officer, django_capture_on_commit_callbacks
):
    assessment = completed_assessment(northvale, _level, by=northvale_officer)
    client.force_login(northvale_officer)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/a/northvale/self-assessment/{assessment.pk}/pdf/", {"language": "en"}
        )
    assert response.status_code == 302
    assert len(callbacks) == 1  # the task is enqueued after commit
    with scopes_disabled():
        assessment.refresh_from_db()
    assert assessment.pdf_status == Assessment.PdfStatus.QUEUED
    poll = client.get(
        f"/a/northvale/self-assessment/{assessment.pk}/pdf/?shown=queued", HTTP_HX_REQUEST="true"
    )
    assert poll.status_code == 204  # unchanged

    render_assessment_pdf.apply(args=[assessment.pk])  # the real task, in this process

    with scopes_disabled():
        assessment.refresh_from_db()
    assert assessment.pdf_status == Assessment.PdfStatus.READY
    pdf = assessment.pdf_file.read()
    assert assessment.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    text = text_of(pdf)
    assert "City of Northvale" in text
    assert assessment.reference in text
    for stage in (
        "Policy commitment",
        "Procurement planning and risk assessment",
        "Tender and contract conditions",
        "Contract management and monitoring",
        "Remediation",
        "Reporting",
    ):
        assert stage in text
    assert "6 / 6 100 % Leading" in text
    assert "2 / 6 33 % Developing" in text
    assert "4 / 6 67 % Established" in text
    assert "24 / 36 67 % Established" in text  # overall: 6 + 2 + 4 stages × 4 points

    poll = client.get(
        f"/a/northvale/self-assessment/{assessment.pk}/pdf/?shown=queued", HTTP_HX_REQUEST="true"
    )
    assert "Download the PDF" in poll.content.decode()
    download = client.get(f"/a/northvale/self-assessment/{assessment.pk}/pdf/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf

    # A redelivered task does nothing twice.
    render_assessment_pdf.apply(args=[assessment.pk])
    with scopes_disabled():
        assert Assessment.objects.get(pk=assessment.pk).pdf_sha256 == assessment.pdf_sha256


def test_the_pdf_speaks_french_when_asked(northvale):
    assessment = completed_assessment(northvale, 2)
    with scope(affiliate=northvale):
        assessment_pdf_request(assessment=assessment, by=None, language="fr")
    render_assessment_pdf.apply(args=[assessment.pk])

    with scopes_disabled():
        assessment.refresh_from_db()
    text = text_of(assessment.pdf_file.read())
    assert "Auto-évaluation du devoir de vigilance" in text
    assert "question 1 ?" in text  # the questions' French wording
    assert "question 1?" not in text


def test_a_draft_has_no_pdf_and_nobody_else_downloads_one(
    client, northvale, southport, southport_officer
):
    with scopes_disabled():
        draft = AssessmentFactory(affiliate=northvale)
    with (
        scope(affiliate=northvale),
        pytest.raises(DomainError, match="Complete the self-assessment"),
    ):
        assessment_pdf_request(assessment=draft, by=None, language="en")
    with scopes_disabled():
        Assessment.objects.filter(pk=draft.pk).delete()
    assessment = completed_assessment(northvale, 2)
    with scope(affiliate=northvale):
        assessment_pdf_request(assessment=assessment, by=None, language="en")
    render_assessment_pdf.apply(args=[assessment.pk])

    client.force_login(southport_officer)
    assert (
        client.get(f"/a/southport/self-assessment/{assessment.pk}/pdf/download/").status_code == 404
    )
    assert (
        client.get(f"/a/northvale/self-assessment/{assessment.pk}/pdf/download/").status_code == 404
    )
    viewer = member(northvale, Membership.Role.VIEWER)
    client.force_login(viewer)
    assert (
        client.get(f"/a/northvale/self-assessment/{assessment.pk}/pdf/download/").status_code == 200
    )
