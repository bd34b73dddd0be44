"""EW staff's editing of the self-assessment questionnaire.

Versions: a draft is edited, then published; publishing retires the version published before.
A published or retired version is frozen (completed assessments point at it): to change a
question, staff make a new version, which copies the questions of the current one. One draft
at a time.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError

from ..models import Question, Questionnaire

QUESTION_FIELDS = ("stage", "order", "text_en", "text_fr", "help_en", "help_fr")


def questionnaire_new_version(*, by) -> Questionnaire:
    """A draft copying the published version (or the latest one, or empty at the start)."""
    if Questionnaire.objects.filter(status=Questionnaire.Status.DRAFT).exists():
        raise DomainError(_("A draft version already exists: edit it, or publish it first."))
    source = (
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).first()
        or Questionnaire.objects.order_by("-version").first()
    )
    number = (Questionnaire.objects.aggregate(top=Max("version"))["top"] or 0) + 1
    try:
        with transaction.atomic():
            draft = Questionnaire.objects.create(
                version=number,
                title_en=source.title_en if source else "Due-diligence self-assessment",
                title_fr=source.title_fr if source else "Auto-évaluation du devoir de vigilance",
                created_by=by,
            )
            if source is not None:
                Question.objects.bulk_create(
                    Question(
                        questionnaire=draft,
                        **{field: getattr(question, field) for field in QUESTION_FIELDS},
                    )
                    for question in source.questions.all()
                )
    except IntegrityError as error:
        raise DomainError(
            _("A draft version already exists: edit it, or publish it first.")
        ) from error
    return draft


def _require_draft(questionnaire: Questionnaire) -> None:
    if not questionnaire.is_editable:
        raise DomainError(
            _(
                "Version %(version)d is no longer a draft (%(status)s) and cannot change: make "
                "a new version to edit the questions."
            )
            % {"version": questionnaire.version, "status": questionnaire.get_status_display()}
        )


def question_save(*, questionnaire: Questionnaire, question: Question | None = None, **fields):
    """Add a question to a draft, or change one of its questions."""
    _require_draft(questionnaire)
    unknown = set(fields) - set(QUESTION_FIELDS)
    if unknown:
        raise ValueError(f"Not a question field: {sorted(unknown)}")
    if question is None:
        question = Question(questionnaire=questionnaire)
    elif question.questionnaire_id != questionnaire.pk:
        raise DomainError(_("This question belongs to another version."))
    for field, value in fields.items():
        setattr(question, field, value)
    question.save()
    return question


def question_delete(*, questionnaire: Questionnaire, question: Question) -> None:
    _require_draft(questionnaire)
    if question.questionnaire_id != questionnaire.pk:
        raise DomainError(_("This question belongs to another version."))
    question.delete()


def questionnaire_publish(*, questionnaire: Questionnaire, by) -> Questionnaire:
    """The draft becomes the version affiliates answer; the one before it is retired.
    Drafts already started on the earlier version keep it until they are completed."""
    _require_draft(questionnaire)
    if not questionnaire.questions.exists():
        raise DomainError(_("Add at least one question before publishing."))
    with transaction.atomic():
        Questionnaire.objects.filter(status=Questionnaire.Status.PUBLISHED).update(
            status=Questionnaire.Status.RETIRED
        )
        questionnaire.status = Questionnaire.Status.PUBLISHED
        questionnaire.published_at = timezone.now()
        questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


def questionnaire_update(*, questionnaire: Questionnaire, title_en: str, title_fr: str):
    _require_draft(questionnaire)
    questionnaire.title_en, questionnaire.title_fr = title_en, title_fr
    questionnaire.save(update_fields=["title_en", "title_fr"])
    return questionnaire
