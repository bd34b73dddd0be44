"""The due-diligence self-assessment: a questionnaire over the procurement cycle, versioned by
EW staff, that an affiliate answers to see where it stands and what to read next.

- `Questionnaire`: one version of the questions. Draft (staff edit it) → published (the one
  affiliates answer; at most one at a time) → retired (replaced by a newer version). A
  published or retired questionnaire is frozen: staff change questions by making a new
  version, which copies the current one.
- `Question`: one question of one stage (`ProcurementStage`), in English and French. Every
  question is answered on the same fixed scale, `AnswerLevel` (0 = not in place … 3 = fully
  in place), so a stage's score is the sum of its points over 3 × its number of questions.
- `Assessment` (tenant-owned): one affiliate's answers to one questionnaire version. Draft while
  it is answered (one draft per affiliate at a time) → completed: its scores per stage,
  overall score and maturity levels are stored at completion, so a later questionnaire
  version never changes them. Its PDF is rendered by a Celery worker (`pdf_*` fields).
- `Answer` (tenant-owned): the level chosen for one question, with evidence notes; one per
  question and assessment.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from core.uploads import PrivateUploadTo

from .library import ProcurementStage

__all__ = [
    "Answer",
    "AnswerLevel",
    "Assessment",
    "MaturityLevel",
    "Question",
    "Questionnaire",
]


def _in_language(english: str, french: str) -> str:
    return french if (get_language() or "en").startswith("fr") and french else english


class AnswerLevel(models.IntegerChoices):
    """The one answer scale of every question; the value is the number of points."""

    NOT_IN_PLACE = 0, _("Not in place")
    PARTLY = 1, _("Partly in place")
    MOSTLY = 2, _("Mostly in place")
    FULLY = 3, _("Fully in place")


class MaturityLevel(models.TextChoices):
    """Named by the share of the points reached (learning.services.assessment.maturity_level):
    under 25 % starting, under 50 % developing, under 75 % established, else leading."""

    STARTING = "starting", _("Starting")
    DEVELOPING = "developing", _("Developing")
    ESTABLISHED = "established", _("Established")
    LEADING = "leading", _("Leading")


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    version = models.PositiveIntegerField(_("version"), unique=True)
    title_en = models.CharField(_("title in English"), max_length=200)
    title_fr = models.CharField(_("title in French"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("self-assessment questionnaire")
        verbose_name_plural = _("self-assessment questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="published"),
                name="questionnaire_one_published",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="draft"),
                name="questionnaire_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self):
        return reverse("learning:questionnaire_detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_fr)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    stage = models.CharField(_("stage"), max_length=32, choices=ProcurementStage.choices)
    order = models.PositiveSmallIntegerField(_("order within the stage"), default=1)
    text_en = models.TextField(_("question in English"), max_length=1000)
    text_fr = models.TextField(_("question in French"), max_length=1000)
    help_en = models.TextField(_("help in English"), max_length=2000, blank=True)
    help_fr = models.TextField(_("help in French"), max_length=2000, blank=True)

    class Meta:
        ordering = ["questionnaire", "order", "pk"]
        verbose_name = _("self-assessment question")
        verbose_name_plural = _("self-assessment questions")

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return _in_language(self.text_en, self.text_fr)

    @property
    def help(self) -> str:
        return _in_language(self.help_en, self.help_fr)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        COMPLETED = "completed", _("Completed")

    class PdfStatus(models.TextChoices):
        NONE = "none", _("Not requested")
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("affiliate"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Stored at completion: {stage: {"points", "maximum", "percent", "level"}} in the order of
    # ProcurementStage; the questionnaire may change later, these do not.
    stage_scores = models.JSONField(_("scores per stage"), default=dict, blank=True)
    overall_points = models.PositiveIntegerField(_("points"), null=True, blank=True)
    overall_maximum = models.PositiveIntegerField(_("maximum points"), null=True, blank=True)
    overall_percent = models.PositiveSmallIntegerField(_("overall score"), null=True, blank=True)
    overall_level = models.CharField(
        _("maturity level"), max_length=16, choices=MaturityLevel.choices, blank=True
    )
    # The PDF, rendered by learning.tasks.render_assessment_pdf; the status guards the task.
    pdf_status = models.CharField(
        _("PDF status"), max_length=10, choices=PdfStatus.choices, default=PdfStatus.NONE
    )
    pdf_language = models.CharField(
        _("PDF language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    pdf_file = models.FileField(
        _("PDF"), upload_to=PrivateUploadTo("self-assessments"), max_length=200, blank=True
    )
    pdf_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    pdf_error = models.CharField(_("why the PDF failed"), max_length=500, blank=True)
    pdf_requested_at = models.DateTimeField(_("PDF requested"), null=True, blank=True)
    pdf_started_at = models.DateTimeField(_("PDF started"), null=True, blank=True)
    pdf_finished_at = models.DateTimeField(_("PDF finished"), null=True, blank=True)
    pdf_attempts = models.PositiveSmallIntegerField(_("PDF attempts"), default=0)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        ordering = ["-completed_at", "-started_at", "-pk"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate"],
                condition=models.Q(status="draft"),
                name="assessment_one_draft_per_affiliate",
            ),
        ]
        indexes = [models.Index(fields=["affiliate", "status", "-completed_at"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.affiliate_id}"

    def get_absolute_url(self):
        return reverse(
            "learning:assessment_detail",
            kwargs={"affiliate_slug": self.affiliate.slug, "pk": self.pk},
        )

    @property
    def reference(self) -> str:
        return f"SA-{self.pk:06d}" if self.pk else "SA-new"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def pdf_is_finished(self) -> bool:
        return self.pdf_status in {self.PdfStatus.READY, self.PdfStatus.FAILED, self.PdfStatus.NONE}

    @property
    def pdf_download_name(self) -> str:
        return f"{self.affiliate.slug}-self-assessment-{self.reference}.pdf"

    def stage_percents(self) -> list[int | None]:
        """The stored percentage of each stage, in the order of ProcurementStage."""
        scores = self.stage_scores or {}
        return [(scores.get(stage) or {}).get("percent") for stage in ProcurementStage.values]

    def get_overall_level_label(self) -> str:
        return MaturityLevel(self.overall_level).label if self.overall_level else ""


class Answer(models.Model):
    affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("affiliate"),
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    # Empty while only evidence notes were saved: the question counts as unanswered.
    level = models.PositiveSmallIntegerField(
        _("answer"), choices=AnswerLevel.choices, null=True, blank=True
    )
    evidence = models.TextField(_("evidence notes"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = ScopedManager(affiliate="affiliate")

    class Meta:
        ordering = ["assessment", "question__order", "question_id"]
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__lte=3),
                name="answer_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}/{self.question_id}: {self.level}"
