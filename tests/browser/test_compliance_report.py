"""Issue 7 end to end: the northvale officer asks for a compliance report on the page, a real
Celery worker (in a thread of this process, on the test Redis) renders it while the page
follows its progress by itself, and the PDF downloaded is the one whose checksum it shows."""

import hashlib
import io
import re
import threading
from datetime import date

import pytest
from celery import signals
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect
from pypdf import PdfReader

import reports.compliance as compliance
from reports.models import ComplianceReport
from tests.browser.steps import sign_in
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    published_finding,
)

REFERENCE = "NV-ICT-2026-31"
TITLE = "Desktops for the city schools"
FINDING = "Workers were charged recruitment fees by a broker in their home country."


def _keep_pytest_logging(**kwargs):
    """Any receiver of setup_logging stops Celery from replacing the root logger's handlers
    and level, which later tests (caplog) rely on."""


@pytest.fixture
def celery_worker(live_server):
    """A real worker of `config.celery.app` for the duration of the test. It consumes from
    the broker of REDIS_URL, like `make run`'s; its thread opens its own connections to the
    live server's (transactional) test database, and Celery's Django fixup closes them after
    each task. Messages left in the test broker by earlier tests name rows long flushed:
    purge them so that this worker does this test's work only."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.control.purge()
    signals.setup_logging.connect(_keep_pytest_logging)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
            yield
    finally:
        signals.setup_logging.disconnect(_keep_pytest_logging)


@pytest.fixture
def rendering_gate(monkeypatch):
    """Holds the worker once the report is marked "Rendering" and before WeasyPrint runs,
    until the test has seen that state on the page; the rendering itself is the real one."""
    started, release = threading.Event(), threading.Event()
    render = compliance.compliance_report_render

    def gated(report):
        started.set()
        release.wait(60)
        return render(report)

    monkeypatch.setattr(compliance, "compliance_report_render", gated)
    yield started, release
    release.set()  # never leave the worker waiting, whatever happened in the test


def _text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_officer_requests_a_report_watches_it_render_and_downloads_the_pdf(
    live_server, celery_worker, rendering_gate, page, northvale, northvale_officer
):
    started, release = rendering_gate
    today = timezone.localdate()
    period_start = date(today.year, 1, 1)
    factory = FactoryFactory(name="Ayutthaya Circuit Works", country="TH")
    published_finding(factory, published_text=FINDING)
    with scopes_disabled():
        contract = ContractFactory(
            affiliate=northvale,
            reference=REFERENCE,
            title=TITLE,
            start_date=period_start,
            end_date=date(today.year + 2, 12, 31),
        )
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=factory, brand="Acme Devices")

    sign_in(page, live_server.url, northvale_officer.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contract-compliance reports")
    expect(page.get_by_role("row").filter(has_text="No report yet.")).to_be_visible()

    request = page.get_by_role("region", name="Generate a report")
    request.get_by_label("From").fill(period_start.isoformat())
    request.get_by_label("To", exact=True).fill(date(today.year, 12, 31).isoformat())
    request.get_by_label("Language of the report").select_option(label="English")
    request.get_by_role("button", name="Generate the report").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Compliance report CR-\d{6} \(version 1\)$")
    )
    with scopes_disabled():
        report = ComplianceReport.objects.get()
    assert page.url == live_server.url + report.get_absolute_url()
    expect(page.get_by_role("status")).to_contain_text(
        f"Report {report.reference} is being prepared."
    )
    status = page.locator("#report-status")
    heading = status.get_by_role("heading", level=2)
    expect(heading).to_have_text(re.compile(r"^Status: (Queued|Rendering)$"))
    expect(status.get_by_role("progressbar")).to_be_visible()
    # The live region that announces the status is not the part htmx replaces: it stays.
    live = page.locator("[aria-live=polite]").filter(has=status)
    expect(live).to_have_count(1)
    live.evaluate("element => { element.dataset.kept = 'yes'; }")
    # From here on, a reload or a navigation would lose this mark.
    page.evaluate("window.sameDocument = true")

    # The worker took the task; the page follows without being reloaded.
    assert started.wait(30), "no Celery worker started rendering the report"
    expect(heading).to_have_text("Status: Rendering")
    expect(status.get_by_role("progressbar")).to_have_attribute("value", "2")
    # Polls that find the status unchanged get 204: htmx leaves the page (and what screen
    # readers were told) alone.
    with page.expect_response(lambda r: "shown=rendering" in r.url and r.status == 204):
        pass
    release.set()
    expect(heading).to_have_text("Status: Ready", timeout=60_000)
    expect(status.get_by_role("progressbar")).to_have_count(0)
    assert page.evaluate("window.sameDocument") is True
    expect(live).to_have_attribute("data-kept", "yes")
    expect(status).not_to_have_attribute("hx-trigger", re.compile(".+"))  # polling stopped

    with scopes_disabled():
        report.refresh_from_db()
    assert (report.status, report.attempts) == (ComplianceReport.Status.READY, 1)
    checksum = status.locator("code.checksum").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", checksum)
    assert checksum == report.sha256

    with page.expect_download() as download_info:
        status.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == f"northvale-compliance-{today.year}-v1.pdf"
    with open(download.path(), "rb") as file:
        pdf = file.read()
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == checksum
    text = _text_of(pdf)
    assert "City of Northvale" in text
    assert REFERENCE in text
    assert TITLE in text
    assert FINDING in text

    # The list shows the report as ready.
    page.get_by_role("link", name="All reports").click()
    row = page.get_by_role("row").filter(has_text=report.reference)
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text("English")
