"""The company performance tracker's API:

- `/api/v1/company/scores/`: a company contact reads its own company's scores and comments on
  them (`POST …/{id}/comments/`); anyone else gets 404 on every route;
- `/api/v1/company-scores/`: EW staff read every company's scores; an affiliate member (the
  affiliate resolved like every tenant API, `?affiliate=<slug>` when the user has several) the
  scores of the companies that supply the affiliate; anyone else 404.

Each score carries its method version, the working of every indicator (numerator,
denominator, value, points, weight; null for "no data", never 0) and the company's comments
on the quarter.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404  # a non-numeric id: 404, not 500
from rest_framework.response import Response

from affiliates.reader import ReaderKind
from affiliates.tenancy import AffiliateScopedAPIMixin, ReaderAPIMixin, log_denied

from ..models import IndicatorResult, QuarterScore, ScoreComment
from ..services.performance import companies_supplying, score_comment_add
from ..services.performance_display import translated


class IndicatorResultSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator.code", read_only=True)
    name = serializers.SerializerMethodField()
    weight = serializers.IntegerField(source="indicator.weight", read_only=True)
    unit = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorResult
        fields = [
            "code",
            "name",
            "numerator",
            "denominator",
            "value",
            "unit",
            "points",
            "weight",
            "detail",
        ]
        read_only_fields = fields

    def get_name(self, result) -> str:
        return translated(result.indicator.name)

    def get_unit(self, result) -> str:
        return "days" if result.indicator.in_days else "percent"


class ScoreCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreComment
        fields = ["text", "created_at"]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=True)


class QuarterScoreSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    quarter = serializers.CharField(source="quarter_label", read_only=True)
    method_version = serializers.IntegerField(source="method.version", read_only=True)
    results = IndicatorResultSerializer(many=True, read_only=True)
    comments = serializers.SerializerMethodField()

    class Meta:
        model = QuarterScore
        fields = [
            "id",
            "company",
            "company_name",
            "quarter_start",
            "quarter",
            "method_version",
            "overall",
            "computed_at",
            "previous_overall",
            "recomputed_at",
            "results",
            "comments",
        ]
        read_only_fields = fields

    @extend_schema_field(ScoreCommentSerializer(many=True))
    def get_comments(self, score):
        found = self.context.get("comments", {}).get((score.company_id, score.quarter_start), [])
        return ScoreCommentSerializer(found, many=True).data


class ScoreFilter(filters.FilterSet):
    quarter = filters.DateFilter(
        field_name="quarter_start", label=_("First day of the quarter, such as 2026-01-01.")
    )
    company = filters.NumberFilter(field_name="company_id", label=_("Id of the company."))

    class Meta:
        model = QuarterScore
        fields: list[str] = []


def _scores():
    return QuarterScore.objects.select_related("company", "method").prefetch_related(
        Prefetch(
            "results",
            queryset=IndicatorResult.objects.select_related("indicator").order_by(
                "indicator__position", "pk"
            ),
        )
    )


class _ScoresMixin:
    filterset_class = ScoreFilter
    serializer_class = QuarterScoreSerializer
    queryset = QuarterScore.objects.none()

    def get_serializer(self, *args, **kwargs):
        """The company's comments of the quarters served, in one query."""
        if args:
            rows = list(args[0]) if kwargs.get("many") else [args[0]]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["comments"] = _comments_for(rows)
        return super().get_serializer(*args, **kwargs)


def _comments_for(scores) -> dict:
    if not scores:
        return {}
    wanted = Q()
    for score in scores:
        wanted |= Q(company_id=score.company_id, quarter_start=score.quarter_start)
    found = defaultdict(list)
    for comment in ScoreComment.objects.filter(wanted).order_by("created_at", "pk"):
        found[(comment.company_id, comment.quarter_start)].append(comment)
    return found


@extend_schema_view(
    list=extend_schema(operation_id="company_own_scores_list"),
    retrieve=extend_schema(operation_id="company_own_scores_retrieve"),
)
class CompanyScoreViewSet(_ScoresMixin, ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """The scores of the caller's own company, newest quarter first (company contacts)."""

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        if not self.reader.is_company:
            log_denied(self.request, "company api")
            raise NotFound
        return _scores().filter(company_id=self.reader.company_id).order_by("-quarter_start")

    @extend_schema(
        operation_id="company_own_scores_comment",
        request=CommentInputSerializer,
        responses={
            201: ScoreCommentSerializer,
            400: OpenApiResponse(description=_("The comment is refused: the reason is given.")),
        },
        description=_(
            "Comment on the company's score of a quarter; affiliates and Electronics Watch "
            "read the comment beside the score."
        ),
    )
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        score = get_object_or_404(self.get_queryset(), pk=pk)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = score_comment_add(score=score, by=request.user, text=data.validated_data["text"])
        return Response(ScoreCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CompanyScoresViewSet(_ScoresMixin, AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Every company's scores (EW staff), or those of the companies that supply the caller's
    affiliate (affiliate members), newest quarter first."""

    readers_without_affiliate = frozenset({ReaderKind.STAFF})

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        scores = _scores().order_by("-quarter_start", "company__name", "pk")
        if self.reader.is_staff:
            return scores
        return scores.filter(company__in=companies_supplying(self.reader.affiliate))
