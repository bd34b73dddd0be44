"""`visible_to(reader)`: each audience reads exactly its monitoring rows (DESIGN.md §4)."""

import pytest
from django.utils import timezone

from affiliates.reader import Reader
from monitoring.models import EvidenceFile, Finding, MonitoringReport
from tests.factories import (
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    StaffFactory,
    in_supply_chain,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(northvale, southport):
    """Published findings in each affiliate's chain, one outside both, and unpublished ones
    in northvale's chain: a draft, and a published report whose other finding is not."""
    ours = published_finding()
    theirs = published_finding()
    elsewhere = published_finding()
    in_supply_chain(northvale, ours.report.factory)
    in_supply_chain(southport, theirs.report.factory)
    in_supply_chain(northvale, elsewhere.report.factory, status="requested")
    unpublished = FindingFactory(report=ours.report)
    draft = MonitoringReportFactory(
        factory=ours.report.factory, partner=ours.report.partner, status="draft"
    )
    draft_finding = FindingFactory(report=draft, published_at=timezone.now())
    return {
        "ours": ours,
        "theirs": theirs,
        "elsewhere": elsewhere,
        "unpublished": unpublished,
        "draft": draft_finding,
    }


@pytest.fixture
def readers(northvale, southport, rows):
    return {
        "staff": Reader.of(StaffFactory()),
        # A member of the organisation that monitored "ours" (and wrote the draft).
        "partner": Reader.of(PartnerMemberFactory(partner=rows["ours"].report.partner)),
        "northvale": Reader.for_affiliate(northvale),
        "southport": Reader.for_affiliate(southport),
        "no affiliate": Reader.of(member(northvale)),
        "anonymous": Reader.anonymous(),
    }


def _evidence(report) -> EvidenceFile:
    return EvidenceFile.objects.create(
        report=report,
        file="monitoring/evidence/a1b2c3.jpg",
        original_name="cabinet.jpg",
        content_type="image/jpeg",
        size=2048,
        sha256="ab" * 32,
        uploaded_by=report.created_by,
    )


def test_findings_visible_to_each_reader(rows, readers):
    visible = {name: set(Finding.objects.visible_to(r)) for name, r in readers.items()}
    assert visible == {
        "staff": set(rows.values()),
        "partner": {rows["ours"], rows["unpublished"], rows["draft"]},
        "northvale": {rows["ours"]},
        "southport": {rows["theirs"]},
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_reports_visible_to_each_reader(rows, readers):
    ours, theirs, elsewhere, draft = (
        rows[name].report for name in ("ours", "theirs", "elsewhere", "draft")
    )
    visible = {name: set(MonitoringReport.objects.visible_to(r)) for name, r in readers.items()}
    assert visible == {
        "staff": {ours, theirs, elsewhere, draft},
        "partner": {ours, draft},
        "northvale": {ours},
        "southport": {theirs},
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_evidence_visible_to_staff_and_its_partner_only_even_once_published(rows, readers):
    ours = _evidence(rows["ours"].report)
    theirs = _evidence(rows["theirs"].report)
    visible = {name: set(EvidenceFile.objects.visible_to(r)) for name, r in readers.items()}
    assert visible == {
        "staff": {ours, theirs},
        "partner": {ours},
        "northvale": set(),
        "southport": set(),
        "no affiliate": set(),
        "anonymous": set(),
    }
