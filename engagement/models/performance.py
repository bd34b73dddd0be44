"""The company performance tracker: a versioned scoring method, each company's scores per
quarter with the working of every indicator, and the company's comments on them.

A method version is published with the quarter it takes effect from, always a future one, and
never changes afterwards. A quarter's score keeps the method it was computed with: recomputing
it later uses that same method (`engagement.services.performance`), so a new method never
silently changes a past score.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..quarters import quarter_label, quarter_of

__all__ = [
    "FIRST_METHOD_FROM",
    "IndicatorCode",
    "IndicatorResult",
    "MethodIndicator",
    "QuarterScore",
    "ScoreComment",
    "ScoringMethod",
]


# The first version covers every quarter the platform can hold: it is "in force from the start".
FIRST_METHOD_FROM = date(2000, 1, 1)


class IndicatorCode(models.TextChoices):
    """What the platform can measure; a method picks its indicators among these."""

    DISCLOSURE_TIMELINESS = "disclosure_timeliness", _("Disclosure on time")
    DISCLOSURE_COMPLETENESS = "disclosure_completeness", _("Disclosure complete")
    REPLY_RATE = "reply_rate", _("Findings answered by the deadline")
    REPLY_DAYS = "reply_days", _("Days to answer findings")
    ACTIONS_ON_TIME = "actions_on_time", _("Actions done by their due date")
    ACTIONS_VERIFIED = "actions_verified", _("Actions verified")
    COMPENSATION_PAID = "compensation_paid", _("Compensation paid")
    GRIEVANCE_COOPERATION = "grievance_cooperation", _("Cooperation on grievances")


class ScoringMethodQuerySet(models.QuerySet):
    def in_force(self, quarter: date):
        """The version in force for the quarter starting on `quarter`, or None."""
        return self.filter(effective_from__lte=quarter).order_by("-effective_from").first()

    def in_force_with_indicators(self, quarter: date) -> tuple:
        """(`in_force(quarter)`, its indicators in order) in one query (a second one only for
        a version without indicators)."""
        version = self.filter(effective_from__lte=quarter).order_by("-effective_from")
        indicators = list(
            MethodIndicator.objects.filter(method=models.Subquery(version.values("pk")[:1]))
            .select_related("method")
            .order_by("position", "pk")
        )
        return (indicators[0].method if indicators else version.first()), indicators


class ScoringMethod(models.Model):
    """One version of the method: which indicators count, with what weight."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(
        _("in force from the quarter starting"),
        unique=True,
        help_text=_("The first day of a quarter."),
    )
    notes = models.TextField(_("published notes"), help_text=_("What changed and why."))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = ScoringMethodQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring method")
        verbose_name_plural = _("scoring methods")
        ordering = ["-version"]

    def __str__(self):
        return _("Method version %(version)s") % {"version": self.version}

    @property
    def from_the_start(self) -> bool:
        """The first version, in force for every quarter before the next one."""
        return self.effective_from <= FIRST_METHOD_FROM

    @property
    def effective_label(self) -> str:
        return quarter_label(self.effective_from)

    @property
    def is_upcoming(self) -> bool:
        """Not in force yet: it can still be withdrawn."""
        return self.effective_from > quarter_of(timezone.localdate())


class MethodIndicator(models.Model):
    """An indicator as one method version defines it: its text, formula and weight."""

    Code = IndicatorCode

    method = models.ForeignKey(
        ScoringMethod,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("method"),
    )
    code = models.CharField(_("indicator"), max_length=30, choices=IndicatorCode.choices)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(_("definition"))
    formula = models.TextField(_("formula"))
    weight = models.PositiveSmallIntegerField(_("weight"))
    # For indicators measured in days (lower is better): full points at `best` days or fewer,
    # none at `worst` or more, in a straight line between.
    best = models.DecimalField(
        _("full points at"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    worst = models.DecimalField(
        _("no points at"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator of a method")
        verbose_name_plural = _("indicators of a method")
        ordering = ["method", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["method", "code"], name="method_indicator_unique"),
            models.CheckConstraint(
                condition=models.Q(best__isnull=True) | models.Q(worst__gt=models.F("best")),
                name="method_indicator_best_below_worst",
            ),
        ]

    def __str__(self):
        return f"{self.method} – {self.name}"

    @property
    def in_days(self) -> bool:
        return self.code == IndicatorCode.REPLY_DAYS


class QuarterScore(models.Model):
    """A company's score for one quarter, computed with the method stored here."""

    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="quarter_scores",
        verbose_name=_("company"),
    )
    quarter_start = models.DateField(_("quarter"))
    method = models.ForeignKey(
        ScoringMethod,
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("method"),
    )
    # None: no indicator had data this quarter ("no data", not zero).
    overall = models.DecimalField(
        _("overall score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    # The record of the last "compute again" of an existing score: when, by whom, and the
    # overall score it replaced (None: there was none, "no data").
    previous_overall = models.DecimalField(
        _("previous overall score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    recomputed_at = models.DateTimeField(_("recomputed"), null=True, blank=True)
    recomputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recomputed by"),
    )

    class Meta:
        verbose_name = _("quarterly score")
        verbose_name_plural = _("quarterly scores")
        ordering = ["-quarter_start", "company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "quarter_start"], name="quarter_score_one_per_quarter"
            )
        ]
        indexes = [models.Index(fields=["quarter_start", "overall"], name="quarter_score_rank")]

    def __str__(self):
        return f"{self.company} – {self.quarter_label}"

    @property
    def quarter_label(self) -> str:
        return quarter_label(self.quarter_start)


class IndicatorResult(models.Model):
    """One indicator of a quarter's score, with its working: numerator over denominator gives
    the value (a percentage, or a number of days), which the method turns into points."""

    score = models.ForeignKey(
        QuarterScore,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("score"),
    )
    indicator = models.ForeignKey(
        MethodIndicator,
        on_delete=models.PROTECT,
        related_name="results",
        verbose_name=_("indicator"),
    )
    numerator = models.DecimalField(
        _("numerator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    denominator = models.DecimalField(
        _("denominator"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # None: nothing to measure this quarter.
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=1, null=True, blank=True)
    points = models.DecimalField(
        _("points out of 100"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    # Amounts per currency for compensation; nothing for the other indicators.
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("indicator result")
        verbose_name_plural = _("indicator results")
        ordering = ["indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["score", "indicator"], name="indicator_result_one_per_score"
            )
        ]

    def __str__(self):
        return f"{self.score} – {self.indicator.name}"

    @property
    def has_data(self) -> bool:
        return self.value is not None


class ScoreComment(models.Model):
    """What the company says about its scores of a quarter; affiliates and staff read it."""

    company = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.CASCADE,
        related_name="score_comments",
        verbose_name=_("company"),
    )
    quarter_start = models.DateField(_("quarter"))
    text = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on scores")
        verbose_name_plural = _("comments on scores")
        ordering = ["-quarter_start", "created_at", "pk"]
        indexes = [models.Index(fields=["company", "quarter_start"], name="score_comment_quarter")]

    def __str__(self):
        return f"{self.company} – {quarter_label(self.quarter_start)}"
