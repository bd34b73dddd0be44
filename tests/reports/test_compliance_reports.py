"""Contract-compliance reports: rendered by the Celery task with WeasyPrint, read back with
pypdf; who may download them; the API; versions; the yearly schedule."""

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from affiliates.models import Membership
from core.errors import DomainError
from core.outbox import outbox_send_pending
from remediation.models import Audience
from reports.compliance import (
    compliance_report_request,
    compliance_reports_schedule,
    last_calendar_year,
)
from reports.models import ComplianceReport
from reports.tasks import render_compliance_report
from tests.factories import (
    CaseUpdateFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FindingFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    joined_case,
    member,
    published_finding,
)

pytestmark = [pytest.mark.django_db, pytest.mark.long]
INTERNAL = "Internal note: the brand's auditor tipped off management"
UNPUBLISHED = "Unpublished finding about the dormitory locks"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def supply_chain(northvale, southport):
    """A northvale contract running this year, with a factory that has a published and an
    unpublished finding, a joined case with an internal update; southport's own contract."""
    with scopes_disabled():
        contract = ContractFactory(
            affiliate=northvale,
            reference="NV-ICT-2026-77",
            title="Laptops for the libraries",
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            ew_conditions_version="v2.1",
        )
        other = ContractFactory(
            affiliate=southport, reference="SP-SECRET-9", title="Southport servers"
        )
    finding = published_finding(
        published_text="Migrant workers paid recruitment fees to a broker.",
        ilo_indicators=["debt", "documents"],
    )
    factory_ = finding.report.factory
    with scopes_disabled():
        disclosure = DisclosureFactory(contract=contract, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=factory_, brand="Acme Devices")
    FindingFactory(report__factory=factory_, confidential_text=UNPUBLISHED)
    case = joined_case(northvale, RemediationCaseFactory(factory=factory_, title="Fees repaid"))
    CaseUpdateFactory(case=case, audience=Audience.INTERNAL, text=INTERNAL)
    RemediationActionFactory(
        case=case, description="Repay the fees", due_date=timezone.localdate() - timedelta(days=3)
    )
    return {"contract": contract, "other": other, "finding": finding, "case": case}


def _ready_report(affiliate, **fields) -> ComplianceReport:
    with scope(affiliate=affiliate):
        report = compliance_report_request(
            affiliate=affiliate,
            by=None,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            **fields,
        )
    render_compliance_report.apply(args=[report.pk])  # the real task, in this process
    with scopes_disabled():
        return ComplianceReport.objects.get(pk=report.pk)


def test_the_pdf_says_what_the_affiliate_did_and_nothing_it_may_not_read(
    northvale, southport, supply_chain
):
    report = _ready_report(northvale)

    assert report.status == ComplianceReport.Status.READY
    pdf = report.file.read()
    text = text_of(pdf)
    assert "City of Northvale" in text
    assert "NV-ICT-2026-77" in text
    assert "Laptops for the libraries" in text
    assert "Migrant workers paid recruitment fees to a broker." in text
    assert "Debt bondage" in text
    assert "Fees repaid" in text
    assert "Repay the fees" in text  # overdue action of a joined case
    assert "SP-SECRET-9" not in text
    assert "Southport" not in text
    assert UNPUBLISHED not in text
    assert supply_chain["finding"].confidential_text not in text
    assert INTERNAL[:30] not in text
    assert report.sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.page_count >= 3
    # Every page's footer says where the file's checksum can be compared.
    last_page = PdfReader(io.BytesIO(pdf)).pages[-1].extract_text()
    assert f"Checksum: {settings.SITE_URL}{report.get_absolute_url()}" in " ".join(
        last_page.split()
    )


def test_the_pdf_is_pdf_a_tagged_with_its_title_and_language(northvale, supply_chain):
    report = _ready_report(northvale, language="fr")
    pdf = report.file.read()
    reader = PdfReader(io.BytesIO(pdf))

    assert reader.metadata.title == "Rapport de conformité contractuelle : City of Northvale"
    assert reader.trailer["/Root"]["/Lang"] == "fr"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp
    assert "Rapport de conformité contractuelle" in text_of(pdf)


def test_the_task_run_twice_renders_once(northvale, supply_chain):
    report = _ready_report(northvale)
    first = report.file.name
    render_compliance_report.apply(args=[report.pk])
    with scopes_disabled():
        report.refresh_from_db()
    assert report.file.name == first
    assert report.attempts == 1


def test_regenerating_keeps_earlier_versions(northvale, supply_chain):
    first = _ready_report(northvale)
    second = _ready_report(northvale)
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert first.file.storage.exists(first.file.name)


def test_a_bad_period_is_refused_and_nothing_is_queued(client, northvale, northvale_officer):
    client.force_login(northvale_officer)
    response = client.post(
        reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}),
        {"period_start": "2026-06-01", "period_end": "2026-01-01", "language": "en"},
    )
    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    with scopes_disabled():
        assert not ComplianceReport.objects.exists()
    with pytest.raises(DomainError):
        compliance_report_request(
            affiliate=northvale,
            by=northvale_officer,
            period_start=timezone.localdate() + timedelta(days=3),
            period_end=timezone.localdate() + timedelta(days=30),
        )


def test_officer_requests_on_the_page_and_members_and_staff_download(
    client,
    northvale,
    southport,
    northvale_officer,
    supply_chain,
    django_capture_on_commit_callbacks,
):
    client.force_login(northvale_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"}),
            {"period_start": "2026-01-01", "period_end": "2026-12-31", "language": "en"},
        )
    assert len(callbacks) == 1  # the rendering is enqueued after commit
    with scopes_disabled():
        report = ComplianceReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    page = client.get(report.get_absolute_url(), headers={"HX-Request": "true"})
    assert "Queued" in page.content.decode()
    assert 'hx-trigger="every 2s"' in page.content.decode()

    render_compliance_report.apply(args=[report.pk])
    page = client.get(report.get_absolute_url()).content.decode()
    with scopes_disabled():
        report.refresh_from_db()
    assert report.sha256 in page
    assert "every 2s" not in page
    download = reverse(
        "reports:report_download", kwargs={"affiliate_slug": "northvale", "pk": report.pk}
    )
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == report.sha256

    outsider = member(southport, Membership.Role.ADMIN)
    client.force_login(outsider)
    other_url = reverse(
        "reports:report_download", kwargs={"affiliate_slug": "southport", "pk": report.pk}
    )
    assert client.get(other_url).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(StaffFactory())
    staff_url = reverse("reports:staff_report_download", kwargs={"pk": report.pk})
    assert client.get(staff_url).status_code == 200


def test_api_answers_202_with_the_url_then_the_status_and_download_url(
    client, northvale, northvale_officer, supply_chain
):
    client.force_login(northvale_officer)
    response = client.post(
        "/api/v1/compliance-reports/",
        {"contract": supply_chain["contract"].pk},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["download_url"] is None
    assert body["period_start"] == "2026-01-01"  # the contract's term
    status = client.get(body["url"]).json()
    assert status["status"] == "queued"

    render_compliance_report.apply(args=[body["id"]])
    status = client.get(body["url"]).json()
    assert status["status"] == "ready"
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200
    assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == status["sha256"]


def test_api_refuses_another_affiliates_contract_and_viewers(
    client, northvale, northvale_officer, supply_chain
):
    client.force_login(northvale_officer)
    response = client.post(
        "/api/v1/compliance-reports/",
        {"contract": supply_chain["other"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "contract" in response.json()
    client.force_login(member(northvale, Membership.Role.VIEWER))
    response = client.post("/api/v1/compliance-reports/", {}, content_type="application/json")
    assert response.status_code == 403
    with scopes_disabled():
        assert not ComplianceReport.objects.exists()


def test_a_failed_rendering_says_why(northvale, monkeypatch):
    import reports.compliance as compliance

    def broken(report):
        raise ValueError("template exploded")

    monkeypatch.setattr(compliance, "compliance_report_html", broken)
    with scope(affiliate=northvale):
        report = compliance_report_request(affiliate=northvale, by=None)
    render_compliance_report.apply(args=[report.pk])
    with scopes_disabled():
        report.refresh_from_db()
    assert report.status == ComplianceReport.Status.FAILED
    assert "ValueError" in report.failure_reason


def test_the_yearly_schedule_runs_once_on_its_day_and_emails_the_admins(
    settings, northvale, northvale_admin, northvale_officer, southport
):
    settings.EW_ANNUAL_REPORT_DATE = "01-15"
    assert compliance_reports_schedule(today=date(2027, 1, 14)) == 0
    assert compliance_reports_schedule(today=date(2027, 1, 15)) == 2
    assert compliance_reports_schedule(today=date(2027, 1, 15)) == 0
    with scopes_disabled():
        report = ComplianceReport.objects.get(affiliate=northvale)
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 12, 31))
    render_compliance_report.apply(args=[report.pk])
    outbox_send_pending()
    assert [m.to for m in mail.outbox] == [[northvale_admin.email]]
    assert report.get_absolute_url() in mail.outbox[0].body


def test_last_calendar_year_is_the_default_period():
    assert last_calendar_year(date(2026, 12, 2)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_report_list_has_a_query_budget(
    client, northvale, northvale_officer, supply_chain, django_assert_max_num_queries
):
    for _ in range(5):
        _ready_report(northvale)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(45):
        response = client.get(
            reverse("reports:report_list", kwargs={"affiliate_slug": "northvale"})
        )
    assert response.status_code == 200
    # One row per report, its four earlier versions inside it, and a download button.
    [latest] = response.context["reports"]
    assert latest.version == 5
    assert [v.version for v in latest.older_versions] == [4, 3, 2, 1]
    page = response.content.decode()
    assert f"Download {latest.reference} (PDF)" in page
    assert "4 earlier versions" in page
    assert "<svg" in page


def test_api_list_has_a_query_budget(
    client, northvale, northvale_officer, django_assert_max_num_queries
):
    from tests.factories import ComplianceReportFactory

    ComplianceReportFactory.create_batch(8, affiliate=northvale)
    client.force_login(northvale_officer)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/compliance-reports/")
    assert response.status_code == 200
    assert response.json()["count"] == 8


def test_the_versions_list_leaves_the_live_status_to_the_status_section(
    client, northvale, northvale_officer, supply_chain
):
    """The list of versions is not refreshed while a report renders: it names this version
    without a status, so it never says "Rendering" beside a report that is ready."""
    _ready_report(northvale)
    with scope(affiliate=northvale):
        rendering = compliance_report_request(
            affiliate=northvale,
            by=None,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
        )
        ComplianceReport.objects.filter(pk=rendering.pk).update(status="rendering")
    client.force_login(northvale_officer)
    page = client.get(rendering.get_absolute_url()).content.decode()
    versions = page.split("<h2>Versions</h2>", 1)[1]
    assert "this version: its status is above" in versions
    assert "Rendering" not in versions
    assert "Ready" in versions
