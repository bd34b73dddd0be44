"""Monitoring pages: who sees what (DESIGN.md §4), uploads, and query budgets."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from monitoring.models import EvidenceFile, Finding, MigrantCohort, MonitoringReport
from tests.factories import (
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    in_supply_chain,
    published_finding,
)
from tests.platform.test_uploads import GPS_IFD, photo_with_gps

Status = MonitoringReport.Status
CONFIDENTIAL = "Worker A said the agent keeps her passport in a locked office."


def factory_page(affiliate, factory_):
    return reverse(
        "reports:factory_detail", kwargs={"affiliate_slug": affiliate.slug, "pk": factory_.pk}
    )


@pytest.fixture
def shared_finding(northvale):
    finding = published_finding(workers_affected=40, child_labour=["hazardous"])
    cohort = MigrantCohort.objects.create(
        report=finding.report, origin_country="MM", destination_country="TH", workers_men=40
    )
    cohort.findings.add(finding)
    in_supply_chain(northvale, finding.report.factory)
    return finding


def test_affiliate_reads_the_published_text_and_never_the_confidential_one(
    client, northvale, northvale_officer, shared_finding
):
    factory_ = shared_finding.report.factory
    held_back = FindingFactory(report=shared_finding.report, confidential_text="HELD BACK text")
    EvidenceFile.objects.create(
        report=shared_finding.report,
        original_name="passport-photo.jpg",
        content_type="image/jpeg",
        size=10,
        sha256="0" * 64,
        uploaded_by=shared_finding.report.created_by,
        file="monitoring/evidence/x.jpg",
    )
    client.force_login(northvale_officer)

    for url in (
        factory_page(northvale, factory_),
        reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": northvale.slug}),
        reverse("reports:dashboard", kwargs={"affiliate_slug": northvale.slug}),
    ):
        body = client.get(url).content.decode()
        assert "Identity documents of migrant workers were retained." in body, url
        assert "Hazardous work under 18" in body, url
        assert "Myanmar → Thailand" not in body, url  # cohorts: staff and the partner only
        assert CONFIDENTIAL not in body and "HELD BACK" not in body, url
        assert shared_finding.report.summary not in body, url
        assert "passport-photo.jpg" not in body and "/evidence/" not in body, url
        assert held_back.standard.label in body  # the published finding's category only


def test_small_worker_counts_are_withheld_from_affiliates(
    client, northvale, northvale_officer, staff
):
    finding = published_finding(workers_affected=3)
    in_supply_chain(northvale, finding.report.factory)
    client.force_login(northvale_officer)
    body = client.get(factory_page(northvale, finding.report.factory)).content.decode()
    assert "fewer than 5" in body
    assert ">3<" not in body


def test_unpublished_findings_and_other_supply_chains_stay_hidden(
    client, northvale, southport, northvale_officer
):
    validated = FindingFactory(report=MonitoringReportFactory(status=Status.VALIDATED))
    in_supply_chain(northvale, validated.report.factory)
    elsewhere = published_finding()
    in_supply_chain(southport, elsewhere.report.factory)
    client.force_login(northvale_officer)

    listing = client.get(
        reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": northvale.slug})
    )
    assert list(listing.context["findings"]) == []
    assert "No published findings" in listing.content.decode()
    assert client.get(factory_page(northvale, elsewhere.report.factory)).status_code == 404
    page = client.get(factory_page(northvale, validated.report.factory)).content.decode()
    assert "has published no monitoring findings" in page


def test_partner_sees_only_its_own_organisation_reports(client, partner_member):
    own = MonitoringReportFactory(partner=partner_member.partner_membership.partner)
    other = MonitoringReportFactory()
    client.force_login(partner_member)
    dashboard = client.get(reverse("monitoring:partner_dashboard")).content.decode()
    assert own.reference in dashboard and other.reference not in dashboard
    assert client.get(reverse("monitoring:report_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("monitoring:report_detail", args=[other.pk])).status_code == 404


def test_affiliate_member_gets_404_on_partner_and_staff_monitoring_pages(client, northvale_officer):
    report = MonitoringReportFactory()
    client.force_login(northvale_officer)
    for url in (
        reverse("monitoring:partner_dashboard"),
        reverse("monitoring:report_detail", args=[report.pk]),
        reverse("monitoring:staff_reports"),
        reverse("monitoring:staff_report", args=[report.pk]),
        reverse("reports:staff_risk"),
    ):
        assert client.get(url).status_code == 404, url


def _upload(client, report, content, name):
    return client.post(
        reverse("monitoring:evidence_upload", args=[report.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "Dormitory"},
        follow=True,
    )


@pytest.fixture
def draft(partner_member):
    return MonitoringReportFactory(
        partner=partner_member.partner_membership.partner,
        status=Status.DRAFT,
        submitted_at=None,
        created_by=partner_member,
    )


def test_photo_gps_is_gone_from_the_stored_file(client, partner_member, draft):
    client.force_login(partner_member)
    response = _upload(client, draft, photo_with_gps(), "IMG_2041.jpg")
    assert "File added. Its metadata (GPS, camera) was removed." in response.content.decode()

    evidence = EvidenceFile.objects.get()
    assert evidence.file.name.startswith("monitoring/evidence/")
    assert "IMG_2041" not in evidence.file.name
    with default_storage.open(evidence.file.name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.getexif().get_ifd(GPS_IFD) == {}
        assert dict(image.getexif()) == {}


def test_oversized_or_disguised_file_gets_a_clear_error_and_saves_nothing(
    client, settings, partner_member, draft
):
    client.force_login(partner_member)
    disguised = _upload(client, draft, b"MZ\x90\x00" + b"\x00" * 100, "payslip.pdf.jpg")
    assert "“payslip.pdf.jpg” is not a JPEG, PNG or WebP photo or a PDF document" in (
        disguised.content.decode()
    )
    settings.EW_UPLOAD_MAX_BYTES = 2048
    big = _upload(client, draft, b"%PDF-1.4\n" + b"0" * 4096, "scan.pdf")
    assert "“scan.pdf” is 4.0\xa0KB; files may be at most 2.0\xa0KB." in big.content.decode()
    assert EvidenceFile.objects.count() == 0
    assert (
        not default_storage.exists("monitoring/evidence")
        or not (default_storage.listdir("monitoring/evidence")[1])
    )


def test_evidence_downloads_for_staff_and_the_submitting_partner_only(
    client, partner_member, staff, northvale, northvale_officer, draft
):
    client.force_login(partner_member)
    _upload(client, draft, photo_with_gps(), "a.jpg")
    evidence = EvidenceFile.objects.get()
    url = reverse("monitoring:evidence_download", args=[evidence.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    client.force_login(staff)
    assert client.get(url).status_code == 200
    in_supply_chain(northvale, draft.factory)
    for outsider in (northvale_officer, PartnerMemberFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_staff_publish_page_refuses_an_empty_published_text(client, staff):
    report = MonitoringReportFactory(status=Status.VALIDATED)
    finding = FindingFactory(report=report)
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:staff_report_publish", args=[report.pk]),
        {"summary": "Summary", f"include_{finding.pk}": "on", f"text_{finding.pk}": " "},
    )
    assert response.status_code == 200
    assert "Write the published text of the finding" in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).status == Status.VALIDATED
    assert Finding.objects.get(pk=finding.pk).published_at is None


def test_each_textarea_on_the_staff_report_page_has_its_own_id_and_label(client, staff):
    """The request for information and the comment both post a `text` field: the ids must
    differ, or the “Comment” label names the other textarea and the comment has none."""
    report = MonitoringReportFactory(status=Status.SUBMITTED)
    client.force_login(staff)
    body = client.get(reverse("monitoring:staff_report", args=[report.pk])).content.decode()
    ids = re.findall(r'<textarea[^>]* id="([^"]+)"', body)
    assert len(ids) == 3 and len(set(ids)) == 3, ids  # information request, reason, comment
    for id_ in ids:
        assert body.count(f'id="{id_}"') == 1, id_
        assert body.count(f'<label for="{id_}"') == 1, id_


@pytest.mark.parametrize("rows", [2, 12])
def test_monitoring_lists_have_a_fixed_query_budget(
    client,
    django_assert_max_num_queries,
    northvale,
    northvale_officer,
    staff,
    partner_member,
    rows,
):
    partner = partner_member.partner_membership.partner
    for _ in range(rows):
        finding = published_finding(workers_affected=10, child_labour=["under_minimum_age"])
        in_supply_chain(northvale, finding.report.factory)
        FindingFactory(report=MonitoringReportFactory(partner=partner))
    shared = FactoryFactory()
    in_supply_chain(northvale, shared)
    for _ in range(rows):
        published_finding(shared)
    slug = {"affiliate_slug": "northvale"}
    pages = [
        (northvale_officer, reverse("monitoring:affiliate_findings", kwargs=slug)),
        (northvale_officer, reverse("reports:dashboard", kwargs=slug)),
        (northvale_officer, factory_page(northvale, shared)),
        (staff, reverse("monitoring:staff_reports")),
        (partner_member, reverse("monitoring:partner_dashboard")),
        (staff, reverse("monitoring:staff_report", args=[MonitoringReport.objects.first().pk])),
    ]
    for user, url in pages:
        client.force_login(user)
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200, url
