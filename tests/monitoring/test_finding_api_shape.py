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
