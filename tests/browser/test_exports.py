"""Issue 16, item 5 in the browser: an officer filters the contracts, downloads the XLSX and
finds exactly the rows the page listed; a long list goes to the background (a real Celery
worker) and its progress page reaches the download link by itself. axe finds nothing serious
or critical on the progress page, in English and French, at 1280 and 360 px."""

import io
from pathlib import Path

import openpyxl
import pytest
from celery import signals
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from affiliates.models import Membership
from core.models import ExportJob
from tests.browser.steps import sign_in, violations, without_second_factor
from tests.factories import ContractFactory, ExportJobFactory, member

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}


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


def _contracts(affiliate):
    with scopes_disabled():
        for number in range(3):
            ContractFactory(affiliate=affiliate, reference=f"NV-LAP-{number}", title="Laptops")
        ContractFactory(affiliate=affiliate, reference="NV-VAN", title="Delivery vans")


def _filter_contracts(page, base_url, search):
    page.goto(base_url + "/a/northvale/contracts/")
    page.get_by_label("Search", exact=True).fill(search)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    return sorted(page.locator("table.data tbody th").all_inner_texts())


def _sheet_rows(download) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    return list(workbook.active.iter_rows(values_only=True))


def test_officer_downloads_the_filtered_contracts_then_a_long_export_in_the_background(
    live_server, celery_worker, page, settings, northvale
):
    officer = member(northvale, Membership.Role.OFFICER, email="exports@northvale.example")
    _contracts(northvale)
    page.set_viewport_size(WIDE)
    with without_second_factor(officer):
        sign_in(page, live_server.url, officer.email)
        shown = _filter_contracts(page, live_server.url, "Laptops")
        assert shown == ["NV-LAP-0", "NV-LAP-1", "NV-LAP-2"]
        buttons = page.locator(".export-buttons")
        expect(buttons).to_have_count(1)
        with page.expect_download() as downloaded:
            buttons.get_by_role("link", name="Excel (XLSX)").click()
        download = downloaded.value
        assert download.suggested_filename.startswith("contracts-northvale-")
        rows = _sheet_rows(download)
        assert rows[0][0] == "Reference"
        assert sorted(row[0] for row in rows[1:]) == shown

        # Longer than the threshold: the background path, its progress page, its download.
        settings.EW_EXPORT_BACKGROUND_ROWS = 2
        page.locator(".export-buttons").get_by_role("link", name="Excel (XLSX)").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Export of")
        assert "/a/northvale/exports/" in page.url
        link = page.get_by_role("link", name="Download contracts-northvale-")
        expect(link).to_be_visible(timeout=30_000)
        with page.expect_download() as downloaded:
            link.click()
        rows = _sheet_rows(downloaded.value)
        assert sorted(row[0] for row in rows[1:]) == shown
    with scopes_disabled():
        job = ExportJob.objects.get()
    assert "q=Laptops" in job.query.split("&")
    assert (job.status, job.rows_total) == (ExportJob.Status.DONE, 3)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_progress_page_has_no_serious_violation(live_server, page, northvale, language):
    officer = member(
        northvale, Membership.Role.OFFICER, email="progress@northvale.example", language=language
    )
    with scopes_disabled():
        jobs = [
            ExportJobFactory(
                affiliate=northvale,
                requested_by=officer,
                status=ExportJob.Status.RUNNING,
                rows_total=12000,
                rows_done=4500,
                file=None,
            ),
            ExportJobFactory(affiliate=northvale, requested_by=officer),
            ExportJobFactory(
                affiliate=northvale,
                requested_by=officer,
                status=ExportJob.Status.FAILED,
                message="Nothing was exported: correct the filters first.",
                file=None,
            ),
        ]
    found = []
    with without_second_factor(officer):
        sign_in(page, live_server.url, officer.email)
        for job in jobs:
            url = f"{live_server.url}/a/northvale/exports/{job.pk}/"
            for viewport in (WIDE, PHONE):
                page.set_viewport_size(viewport)
                found += violations(page, url, impacts={"serious", "critical"}, page_itself=True)
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= viewport["width"], (url, viewport, width)
    assert found == []
