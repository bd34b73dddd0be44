"""Issue 12, item 4 end to end: the northvale officer answers a self-assessment (each answer
saved as it is chosen), completes it, sees the result and downloads its PDF, rendered by a real
Celery worker. axe finds no WCAG violation on the overview, the form and the result page, in
English and French."""

import io
import re

import pytest
from celery import signals
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect
from pypdf import PdfReader

from affiliates.models import Membership
from learning.models import Answer, Assessment
from learning.services.assessment import answer_save, assessment_start
from tests.browser.steps import sign_in, violations
from tests.factories import AffiliateFactory, completed_assessment, member, published_questionnaire


def _keep_pytest_logging(**kwargs):
    """Any receiver of setup_logging stops Celery from replacing the root logger's handlers."""


@pytest.fixture
def celery_worker(live_server):
    """A real worker of `config.celery.app`, in a thread, on the test Redis (see
    tests/browser/test_compliance_report.py)."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    signals.setup_logging.connect(_keep_pytest_logging)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
            yield
    finally:
        signals.setup_logging.disconnect(_keep_pytest_logging)


def _text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_officer_answers_completes_and_downloads_the_pdf(
    live_server, celery_worker, page, northvale, northvale_officer
):
    questionnaire = published_questionnaire()
    questions = list(questionnaire.questions.order_by("pk"))
    sign_in(page, live_server.url, northvale_officer.email)
    page.goto(live_server.url + "/a/northvale/self-assessment/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Due-diligence self-assessment")
    page.get_by_role("button", name="Start a self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Self-assessment SA-\d{6}$")
    )

    # The first answer is saved as soon as it is chosen: the question says so, and a reload
    # shows it chosen.
    first = page.get_by_role("group", name=questions[0].text_en)
    first.get_by_label("Mostly in place").check()
    expect(first.get_by_role("status")).to_contain_text("Mostly in place")
    first.get_by_label("Evidence notes").fill("Council procurement strategy, March 2025.")
    # The status already reads "Saved at" from the choice: wait for the notes' own save
    # before reloading, or the reload may win the race (it did on a busy machine).
    with page.expect_response(
        lambda response: (
            response.request.method == "POST" and f"/questions/{questions[0].pk}/" in response.url
        )
    ) as notes_saved:
        first.get_by_label("Evidence notes").blur()
    assert notes_saved.value.ok
    expect(first.get_by_role("status")).to_contain_text("Saved at")
    page.reload()
    first = page.get_by_role("group", name=questions[0].text_en)
    expect(first.get_by_label("Mostly in place")).to_be_checked()
    expect(first.get_by_label("Evidence notes")).to_have_value(
        "Council procurement strategy, March 2025."
    )

    # Completing too early names what is missing.
    page.get_by_role("button", name="Save and complete").click()
    expect(page.get_by_role("status").first).to_contain_text("11 questions have no answer")

    for question in questions[1:]:
        group = page.get_by_role("group", name=question.text_en)
        level = "Fully in place" if question.stage == "policy" else "Partly in place"
        group.get_by_label(level).check()
        expect(group.get_by_role("status")).to_contain_text(level)
    with scopes_disabled():
        assert Answer.objects.filter(level__isnull=False).count() == 12
    page.get_by_role("button", name="Save and complete").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"result$"))
    scores = page.get_by_role("table").filter(has_text="Maturity level").first
    # policy: 2 + 3 = 5/6 = 83 %; other stages 1 + 1 = 2/6 = 33 %; overall 15/36 = 42 %.
    expect(scores.get_by_role("row", name=re.compile("Policy commitment"))).to_contain_text("83 %")
    expect(scores.get_by_role("row", name=re.compile("Reporting"))).to_contain_text("Developing")
    expect(page.locator("dl.facts")).to_contain_text("42 %")

    pdf_section = page.locator("#assessment-pdf")
    pdf_section.get_by_label("Language of the PDF").select_option(label="English")
    pdf_section.get_by_role("button", name="Prepare the PDF").click()
    pdf_section = page.locator("#assessment-pdf")
    link = pdf_section.get_by_role("link", name="Download the PDF")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.failure() is None
    with scopes_disabled():
        assessment = Assessment.objects.get()
    assert download.suggested_filename == f"northvale-self-assessment-{assessment.reference}.pdf"
    with open(download.path(), "rb") as file:
        text = _text_of(file.read())
    assert "City of Northvale" in text
    assert "Policy commitment" in text
    assert "5 / 6 83 % Leading" in text
    assert "Council procurement strategy, March 2025." in text


@pytest.mark.parametrize("language", ["en", "fr"])
def test_self_assessment_pages_have_no_wcag_violation(live_server, page, northvale, language):
    officer = member(northvale, Membership.Role.OFFICER, language=language)
    for level in (0, 1, 2, 3):
        completed_assessment(AffiliateFactory(), level)  # enough affiliates for the median
    completed_assessment(northvale, 1, completed_at="2025-06-01T10:00Z")
    result = completed_assessment(northvale, 2)
    with scope(affiliate=northvale):
        draft = assessment_start(affiliate=northvale, by=officer)
        answer_save(
            assessment=draft,
            question=draft.questionnaire.questions.first(),
            level=2,
            evidence="A note",
            by=officer,
        )
    sign_in(page, live_server.url, officer.email)

    found = []
    for path in (
        "/a/northvale/self-assessment/",
        f"/a/northvale/self-assessment/{draft.pk}/",
        f"/a/northvale/self-assessment/{result.pk}/",
    ):
        found += violations(page, live_server.url + path)
    assert page.locator("html").get_attribute("lang") == language
    assert found == []
