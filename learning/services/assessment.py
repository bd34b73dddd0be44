"""The rules of the due-diligence self-assessment (see learning.models.assessment).

Scoring, documented once here:
- every question is answered on `AnswerLevel`: 0 (not in place) to 3 (fully in place) points;
- a stage's score is its points over its maximum (3 × its questions), as a percentage rounded
  half up; the overall score is all points over all maximum points (so a stage with more
  questions weighs more), rounded the same way;
- the maturity level comes from the exact share, not the rounded one: under 25 % starting,
  under 50 % developing, under 75 % established, 75 % and over leading;
- a stage under 50 % (starting or developing) is weak: the result recommends library
  resources of that stage.

Scores and levels are computed once, at completion, and stored on the assessment.

The benchmark compares with the median of every active affiliate's latest completed
assessment, only when at least `BENCHMARK_MIN_AFFILIATES` affiliates have one, and gives
numbers only: never which affiliate scored what.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scopes_disabled

from core.errors import DomainError

from ..models import (
    Answer,
    AnswerLevel,
    Assessment,
    MaturityLevel,
    ProcurementStage,
    Question,
    Questionnaire,
)

BENCHMARK_MIN_AFFILIATES = 5
EVIDENCE_MAX_LENGTH = 2000
WEAK_LEVELS = (MaturityLevel.STARTING, MaturityLevel.DEVELOPING)
RECOMMENDATIONS_PER_STAGE = 3
POINTS_PER_QUESTION = max(AnswerLevel.values)


# --- Scores ------------------------------------------------------------------------------


def maturity_level(points: int, maximum: int) -> MaturityLevel:
    """Thresholds on the exact share: < 25 % starting, < 50 % developing, < 75 % established."""
    share = 100 * points
    if share < 25 * maximum:
        return MaturityLevel.STARTING
    if share < 50 * maximum:
        return MaturityLevel.DEVELOPING
    if share < 75 * maximum:
        return MaturityLevel.ESTABLISHED
    return MaturityLevel.LEADING


@dataclass(frozen=True)
class Score:
    points: int
    maximum: int

    @property
    def percent(self) -> int:
        if not self.maximum:
            return 0
        return (200 * self.points + self.maximum) // (2 * self.maximum)  # half up

    @property
    def level(self) -> MaturityLevel:
        return maturity_level(self.points, self.maximum)

    def as_json(self) -> dict:
        return {
            "points": self.points,
            "maximum": self.maximum,
            "percent": self.percent,
            "level": self.level.value,
        }


def score_answers(questions, levels: dict[int, int]) -> tuple[dict[str, Score], Score]:
    """Scores per stage (in the order of the procurement cycle, stages without questions
    left out) and overall; an unanswered question counts 0 points."""
    points: dict[str, int] = {}
    maximum: dict[str, int] = {}
    for question in questions:
        points[question.stage] = points.get(question.stage, 0) + (levels.get(question.pk) or 0)
        maximum[question.stage] = maximum.get(question.stage, 0) + POINTS_PER_QUESTION
    stages = {
        stage: Score(points[stage], maximum[stage])
        for stage in ProcurementStage.values
        if stage in maximum
    }
    overall = Score(sum(points.values()), sum(maximum.values()))
    return stages, overall


@dataclass(frozen=True)
class StageResult:
    """A stored stage score, ready for a page, the API or the PDF."""

    stage: str
    points: int
    maximum: int
    percent: int
    level: str

    @property
    def stage_label(self) -> str:
        return ProcurementStage(self.stage).label

    @property
    def level_label(self) -> str:
        return MaturityLevel(self.level).label

    @property
    def is_weak(self) -> bool:
        return self.level in WEAK_LEVELS


def stage_results(assessment: Assessment) -> list[StageResult]:
    """The stored scores of a completed assessment, in the order of the procurement cycle."""
    stored = assessment.stage_scores or {}
    return [
        StageResult(stage=stage, **stored[stage])
        for stage in ProcurementStage.values
        if stage in stored
    ]


# --- The questionnaire an affiliate answers ------------------------------------------------


def questionnaire_current() -> Questionnaire | None:
    return Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()


def questions_by_stage(questionnaire: Questionnaire) -> list[tuple[str, str, list[Question]]]:
    """(stage, label, questions) in the order of the procurement cycle."""
    questions = list(questionnaire.questions.order_by("order", "pk"))
    return [
        (stage, label, [q for q in questions if q.stage == stage])
        for stage, label in ProcurementStage.choices
        if any(q.stage == stage for q in questions)
    ]


# --- Workflow ------------------------------------------------------------------------------


def assessment_start(*, affiliate, by) -> Assessment:
    """A new draft on the published questionnaire; one draft per affiliate at a time."""
    questionnaire = questionnaire_current()
    if questionnaire is None:
        raise DomainError(
            _("Electronics Watch has not published a questionnaire yet. Try again later.")
        )
    if Assessment.objects.filter(affiliate=affiliate, status=Assessment.Status.DRAFT).exists():
        raise DomainError(
            _("A self-assessment is already in progress: continue it instead of starting another.")
        )
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                affiliate=affiliate, questionnaire=questionnaire, started_by=by
            )
    except IntegrityError as error:  # another member started one at the same moment
        raise DomainError(
            _("A self-assessment is already in progress: continue it instead of starting another.")
        ) from error


def _locked_draft(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Assessment.Status.DRAFT:
        raise DomainError(_("This self-assessment is completed: its answers can no longer change."))
    return locked


def answer_save(
    *, assessment: Assessment, question: Question, level: int | None, evidence: str, by
) -> Answer:
    """Save one answer as the member goes (autosave). `level` None keeps the question
    unanswered while its evidence notes are saved."""
    evidence = (evidence or "").strip()
    if question.questionnaire_id != assessment.questionnaire_id:
        raise DomainError(_("This question is not part of this self-assessment."), field="question")
    if level is not None and level not in AnswerLevel.values:
        raise DomainError(
            _("Choose one of the answers: not in place, partly, mostly or fully in place."),
            field="level",
        )
    if len(evidence) > EVIDENCE_MAX_LENGTH:
        raise DomainError(
            _("Evidence notes can be at most %(limit)d characters long (they are %(length)d).")
            % {"limit": EVIDENCE_MAX_LENGTH, "length": len(evidence)},
            field="evidence",
        )
    with transaction.atomic():
        draft = _locked_draft(assessment)
        answer, _created = Answer.objects.update_or_create(
            assessment=draft,
            question=question,
            defaults={
                "affiliate_id": draft.affiliate_id,
                "level": level,
                "evidence": evidence,
                "updated_by": by,
                "updated_at": timezone.now(),
            },
        )
    return answer


def unanswered_questions(assessment: Assessment) -> list[Question]:
    answered = set(
        Answer.objects.filter(assessment=assessment, level__isnull=False).values_list(
            "question_id", flat=True
        )
    )
    return [
        question
        for _stage, _label, questions in questions_by_stage(assessment.questionnaire)
        for question in questions
        if question.pk not in answered
    ]


def assessment_complete(*, assessment: Assessment, by) -> Assessment:
    """Score and close the assessment; refused, with the questions to answer, while any
    question has no answer. Scores and levels are stored now and never recomputed."""
    with transaction.atomic():
        draft = _locked_draft(assessment)
        missing = unanswered_questions(draft)
        if missing:
            listed = "; ".join(
                f"{ProcurementStage(q.stage).label}: {Truncator(q.text).chars(90)}" for q in missing
            )
            raise DomainError(
                ngettext(
                    "The self-assessment cannot be completed yet: %(count)d question has no "
                    "answer. %(questions)s",
                    "The self-assessment cannot be completed yet: %(count)d questions have no "
                    "answer. %(questions)s",
                    len(missing),
                )
                % {"count": len(missing), "questions": listed}
            )
        questions = list(draft.questionnaire.questions.all())
        if not questions:
            raise DomainError(_("This questionnaire has no questions to answer."))
        levels = dict(Answer.objects.filter(assessment=draft).values_list("question_id", "level"))
        stages, overall = score_answers(questions, levels)
        draft.stage_scores = {stage: score.as_json() for stage, score in stages.items()}
        draft.overall_points = overall.points
        draft.overall_maximum = overall.maximum
        draft.overall_percent = overall.percent
        draft.overall_level = overall.level.value
        draft.status = Assessment.Status.COMPLETED
        draft.completed_by = by
        draft.completed_at = timezone.now()
        draft.save()
    return draft


# --- What the result says ------------------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    stage: StageResult
    resources: list


def recommendations(assessment: Assessment) -> list[Recommendation]:
    """For each weak stage of a completed assessment, library resources of that stage."""
    from .library import recommended_resources

    return [
        Recommendation(
            stage=result,
            resources=list(
                recommended_resources(stages=(result.stage,), limit=RECOMMENDATIONS_PER_STAGE)
            ),
        )
        for result in stage_results(assessment)
        if result.is_weak
    ]


@dataclass(frozen=True)
class Benchmark:
    affiliates: int
    overall: float
    stages: dict[str, float]

    def rows(self, assessment: Assessment) -> list[tuple[str, int | None, float]]:
        """(label, this assessment's percent, median) per stage of the assessment, then overall."""
        rows = [
            (result.stage_label, result.percent, self.stages[result.stage])
            for result in stage_results(assessment)
            if result.stage in self.stages
        ]
        rows.append((_("Overall"), assessment.overall_percent, self.overall))
        return rows


def benchmark() -> Benchmark | None:
    """Medians of the latest completed assessment of every active affiliate, or None when
    fewer than BENCHMARK_MIN_AFFILIATES have one.

    Reads across tenants on purpose, and only this: percentages, with no affiliate attached,
    out of one query (PostgreSQL DISTINCT ON keeps each affiliate's latest)."""
    with scopes_disabled():
        latest = list(
            Assessment.objects.filter(status=Assessment.Status.COMPLETED, affiliate__is_active=True)
            .order_by("affiliate_id", "-completed_at", "-pk")
            .distinct("affiliate_id")
            .values_list("overall_percent", "stage_scores")
        )
    if len(latest) < BENCHMARK_MIN_AFFILIATES:
        return None
    stages = {}
    for stage in ProcurementStage.values:
        values = [scores[stage]["percent"] for _overall, scores in latest if stage in scores]
        if values:
            stages[stage] = float(statistics.median(values))
    overall = float(statistics.median(percent for percent, _scores in latest))
    return Benchmark(affiliates=len(latest), overall=overall, stages=stages)


def history(affiliate) -> list[Assessment]:
    """The affiliate's completed assessments, oldest first (inside its scope)."""
    return list(
        Assessment.objects.filter(affiliate=affiliate, status=Assessment.Status.COMPLETED).order_by(
            "completed_at", "pk"
        )
    )
