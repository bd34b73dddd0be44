"""The affiliate's shape of a finding (`AffiliateFindingSerializer.to_representation`, written
out for speed) answers what DRF's generic walk through its fields answers."""

import pytest
from django.utils.translation import override
from rest_framework import serializers

from monitoring.models import CodeStandard, CodeSubStandard, Finding, MigrantCohort
from monitoring.serializers import (
    FINDING_FACTS,
    AffiliateFindingSerializer,
    PartnerFindingSerializer,
    StaffFindingSerializer,
)
from tests.factories import published_finding

pytestmark = pytest.mark.django_db


def _generic(shape, finding) -> dict:
    """DRF's own path: `Serializer.to_representation` with the same fields."""
    return serializers.Serializer.to_representation(shape(), finding)


def _findings() -> list[Finding]:
    standard = CodeStandard.objects.current().get(number=2)
    return [
        published_finding(),
        published_finding(
            standard=standard,
            sub_standard=CodeSubStandard.objects.get(standard=standard, number="2.1"),
            ilo_indicators=["debt", "documents"],
            child_labour=["hazardous"],
            trafficking_acts=["recruitment"],
            trafficking_means=["deception"],
            trafficking_purposes=["forced_labour"],
            fast_track=True,
            youngest_age_observed=14,
        ),
        published_finding(workers_affected=3, ilo_indicators=[], published_text=""),
        published_finding(workers_affected=None, severity="critical"),
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "shape", [AffiliateFindingSerializer, PartnerFindingSerializer, StaffFindingSerializer]
)
def test_the_written_out_shape_equals_drfs(shape, language):
    findings = _findings()
    cohort = MigrantCohort.objects.create(
        report=findings[1].report, origin_country="NP", destination_country="MY", workers_men=9
    )
    cohort.findings.add(findings[1])
    loaded = list(
        Finding.objects.filter(pk__in=[f.pk for f in findings])
        .select_related("report__factory", "standard", "sub_standard", "report__partner")
        .order_by("pk")
    )
    with override(language):
        fast = shape(loaded, many=True).data
        generic = [_generic(shape, finding) for finding in loaded]
    assert [dict(row) for row in fast] == [dict(row) for row in generic]
    assert [list(row) for row in fast] == [list(row) for row in generic]  # in the same order
    assert all(list(row)[: len(FINDING_FACTS)] == FINDING_FACTS for row in fast)
    assert fast[1]["sub_standard"] and fast[0]["sub_standard"] is None
    assert fast[2]["workers_affected_withheld"]
    if shape is AffiliateFindingSerializer:
        assert fast[2]["workers_affected"] is None and "cohorts" not in fast[1]
    else:
        assert fast[2]["workers_affected"] == 3 and fast[1]["cohorts"][0]["id"] == cohort.pk


def test_the_api_lists_files_and_cohorts_as_their_relations_do(client):
    """Staff's and partners' pages read a finding's files and cohorts by the ids its row holds,
    fetched once for the page (`FindingViewSet._with_relations`): the same rows, in the
    relations' own order, as DRF's walk through the relations."""
    from datetime import timedelta

    from django.utils import timezone

    from monitoring.models import EvidenceFile
    from tests.factories import FindingFactory, StaffFactory

    first = published_finding()
    second = FindingFactory(report=first.report)
    other = published_finding()
    now = timezone.now()
    for finding, offsets in ((first, (2, 0, 1)), (other, (0,))):
        for index, hours in enumerate(offsets):
            EvidenceFile.objects.create(
                report=finding.report,
                finding=finding,
                file=f"monitoring/evidence/{finding.pk}-{index}.jpg",
                original_name=f"{index}.jpg",
                content_type="image/jpeg",
                size=10,
                sha256="ab" * 32,
                uploaded_by=finding.report.created_by,
                uploaded_at=now - timedelta(hours=hours),
            )
    for destination in ("MY", "TH"):
        cohort = MigrantCohort.objects.create(
            report=first.report, origin_country="NP", destination_country=destination
        )
        cohort.findings.add(second, first)
    client.force_login(StaffFactory())
    rows = {row["id"]: row for row in client.get("/api/v1/findings/").json()["results"]}
    for finding in (first, second, other):
        generic = _generic(StaffFindingSerializer, Finding.objects.get(pk=finding.pk))
        row = rows[finding.pk]
        assert [f["id"] for f in row["evidence_files"]] == [
            f["id"] for f in generic["evidence_files"]
        ]
        assert [c["id"] for c in row["cohorts"]] == [c["id"] for c in generic["cohorts"]]
        assert [c["findings"] for c in row["cohorts"]] == [
            c["findings"] for c in generic["cohorts"]
        ]
    assert len(rows[first.pk]["evidence_files"]) == 3 and len(rows[other.pk]["evidence_files"]) == 1
    assert len(rows[first.pk]["cohorts"]) == 2
    assert rows[first.pk]["cohorts"][0]["findings"] == sorted([first.pk, second.pk])
