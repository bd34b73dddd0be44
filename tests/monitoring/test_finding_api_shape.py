"""The affiliate's shape of a finding (`AffiliateFindingSerializer.to_representation`, written
out for speed) answers what DRF's generic walk through its fields answers."""

import pytest
from django.utils.translation import override
from rest_framework import serializers

from monitoring.models import CodeStandard, CodeSubStandard, Finding
from monitoring.serializers import (
    FINDING_FACTS,
    AffiliateFindingSerializer,
    PartnerFindingSerializer,
    StaffFindingSerializer,
)
from tests.factories import published_finding

pytestmark = pytest.mark.django_db


def _generic(finding) -> dict:
    """DRF's own path: `Serializer.to_representation` with the same fields."""
    serializer = AffiliateFindingSerializer()
    return serializers.Serializer.to_representation(serializer, finding)


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
def test_the_written_out_shape_equals_drfs(language):
    findings = _findings()
    loaded = list(
        Finding.objects.filter(pk__in=[f.pk for f in findings])
        .select_related("report__factory", "standard", "sub_standard")
        .defer("confidential_text", "evidence_summary", "report__summary")
        .order_by("pk")
    )
    with override(language):
        fast = AffiliateFindingSerializer(loaded, many=True).data
        generic = [_generic(finding) for finding in loaded]
    assert [dict(row) for row in fast] == [dict(row) for row in generic]
    assert all(list(row) == FINDING_FACTS for row in fast)  # the same keys, in order
    assert fast[1]["sub_standard"] and fast[0]["sub_standard"] is None
    assert fast[2]["workers_affected"] is None and fast[2]["workers_affected_withheld"]


def test_the_wider_shapes_keep_drfs_path():
    finding = published_finding()
    for shape in (PartnerFindingSerializer, StaffFindingSerializer):
        row = shape(finding).data
        assert "confidential_text" in row and "cohorts" in row
