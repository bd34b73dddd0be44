"""The performance tracker's demo data: four quarters, two method versions, a comment."""

import pytest

from engagement.demo import performance as demo
from engagement.models import QuarterScore, ScoreComment, ScoringMethod
from engagement.quarters import last_closed_quarter
from tests.factories import CompanyContactFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_the_demo_scores_four_quarters_with_two_versions_and_is_idempotent():
    acme = SupplierFactory(name="Acme Devices", is_brand=True, is_contractor=False)
    CompanyContactFactory(company=acme, email="brand@acme-devices.example")
    SupplierFactory(name="Contoso Resellers")
    demo.seed()
    demo.seed()
    scores = list(QuarterScore.objects.filter(company=acme).order_by("quarter_start"))
    assert [s.method.version for s in scores] == [1, 1, 1, 2]
    assert scores[-1].quarter_start == last_closed_quarter()
    assert scores[0].overall < scores[-1].overall  # Acme improves
    assert ScoringMethod.objects.count() == 2
    assert QuarterScore.objects.filter(company__name="Northern IT").count() == 4
    assert QuarterScore.objects.filter(company__name="Contoso Resellers").count() == 4
    comment = ScoreComment.objects.get()
    assert comment.company == acme and comment.quarter_start == last_closed_quarter()
