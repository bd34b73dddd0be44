"""The demo's self-assessments: Northvale's progress and draft, and enough affiliates for the
median of affiliates to show; loading it twice adds nothing."""

from django.core.management import call_command
from django_scopes import scopes_disabled

from learning.models import Assessment, ProcurementStage, Question, Questionnaire
from learning.services.assessment import benchmark


def test_demo_has_progress_a_draft_and_a_median(db):
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)

    questionnaire = Questionnaire.objects.get(status=Questionnaire.Status.PUBLISHED)
    for stage in ProcurementStage.values:
        assert Question.objects.filter(questionnaire=questionnaire, stage=stage).count() == 3
    assert not questionnaire.questions.filter(text_fr="").exists()
    with scopes_disabled():
        northvale = list(
            Assessment.objects.filter(affiliate__slug="northvale").order_by("started_at")
        )
        assert (
            Assessment.objects.filter(status="completed").values("affiliate").distinct().count()
            >= 5
        )
    assert [a.status for a in northvale] == ["completed", "completed", "draft"]
    first, second = northvale[0], northvale[1]
    assert (second.completed_at - first.completed_at).days > 300
    assert second.overall_percent > first.overall_percent
    assert benchmark() is not None
