"""The performance tracker's demo data: four quarters computed from the demo's own records,
two method versions, a truthful comment, idempotent."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django_scopes import scopes_disabled

from engagement.models import QuarterScore, ScoreComment, ScoringMethod
from engagement.quarters import last_closed_quarter, recent_quarters
from engagement.services.performance import quarter_measures, quarter_scores_preview
from monitoring.models import FindingReply
from remediation.models import RemediationAction
from suppliers.models import Disclosure, Supplier
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo_data, db):
    """The demo (seeded once for the module, `demo_data`), seeded again here: nothing changes."""

    def counts():
        with scopes_disabled():
            return (
                QuarterScore.objects.count(),
                FindingReply.objects.count(),
                RemediationAction.objects.count(),
                Disclosure.objects.count(),
                ScoreComment.objects.count(),
            )

    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    return Supplier.objects.get(name="Acme Devices"), Supplier.objects.get(name="Northern IT")


def test_the_demo_scores_four_quarters_from_records_with_two_versions(seeded):
    acme, northern = seeded
    quarters = list(reversed(recent_quarters(4)))
    for company in (acme, northern):
        scores = list(QuarterScore.objects.filter(company=company).order_by("quarter_start"))
        assert [s.quarter_start for s in scores] == quarters
        assert [s.method.version for s in scores] == [1, 1, 1, 2]
        # Every quarter has records of its own behind it.
        for quarter in quarters:
            measured = quarter_measures(quarter=quarter, company_ids=[company.pk])[company.pk]
            assert any(m.value is not None for m in measured.values())
    acme_scores = list(QuarterScore.objects.filter(company=acme).order_by("quarter_start"))
    assert acme_scores[-1].quarter_start == last_closed_quarter()
    assert acme_scores[0].overall < acme_scores[-1].overall  # Acme improves
    assert ScoringMethod.objects.count() == 2
    v2 = ScoringMethod.objects.get(version=2)
    assert v2.indicators.get(code="reply_days").best == 10


def test_compute_again_gives_the_demo_numbers(seeded):
    staff = StaffFactory()
    for quarter in recent_quarters(4):
        plans = quarter_scores_preview(quarter=quarter, by=staff)
        assert plans
        assert all(not plan.changes for plan in plans), quarter


def test_acme_owns_actions_in_every_state_and_comments_truthfully(seeded):
    from django.utils import timezone

    acme, _northern = seeded
    today = timezone.localdate()
    owned = RemediationAction.objects.filter(owner_supplier=acme)
    assert not owned.exclude(owner_name=acme.name).exists()
    assert owned.filter(status="verified").exists()
    current = owned.exclude(description__contains="(Q")
    assert current.filter(status="planned", due_date__gte=today).exists()
    assert current.filter(status="planned", due_date__lt=today).exists()
    by_owner = RemediationAction.objects.filter(
        case__factory__owner__isnull=False, owner_supplier=F("case__factory__owner")
    ).select_related("owner_supplier")
    assert by_owner.exists()
    assert all(action.owner_name == action.owner_supplier.name for action in by_owner)
    comment = ScoreComment.objects.get(company=acme)
    latest = QuarterScore.objects.get(company=acme, quarter_start=last_closed_quarter())
    assert comment.quarter_start == latest.quarter_start
    assert str(latest.overall) in comment.text
