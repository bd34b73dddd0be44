"""`/api/v1/self-assessments/`: the caller's affiliate's self-assessments (list, detail with
the questions and answers) and `/api/v1/self-assessments/<id>/answers/` to read the answers
and write one (admins and officers only, while the assessment is in progress)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from affiliates.models import Membership
from affiliates.tenancy import AffiliateScopedAPIMixin, log_denied

from ..models import Answer, AnswerLevel, Assessment, MaturityLevel, ProcurementStage, Question
from ..services import assessment as rules


class StageScoreSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=ProcurementStage.choices)
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()
    percent = serializers.IntegerField(help_text=_("Points over maximum, in per cent."))
    level = serializers.ChoiceField(choices=MaturityLevel.choices)


class AssessmentAnswerSerializer(serializers.ModelSerializer):
    """One answer: `level` from 0 (not in place) to 3 (fully in place), or null while only
    evidence notes are saved."""

    question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(), help_text=_("Id of a question of this self-assessment.")
    )
    level = serializers.ChoiceField(
        choices=AnswerLevel.choices,
        allow_null=True,
        required=False,
        default=None,
        error_messages={
            "invalid_choice": _(
                "Choose one of the answers: 0 (not in place), 1 (partly), 2 (mostly) or 3 "
                "(fully in place)."
            )
        },
    )
    evidence = serializers.CharField(
        max_length=rules.EVIDENCE_MAX_LENGTH, allow_blank=True, required=False, default=""
    )

    class Meta:
        model = Answer
        fields = ["question", "level", "evidence", "updated_at"]
        read_only_fields = ["updated_at"]


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "stage", "order", "text_en", "text_fr", "help_en", "help_fr"]


class AssessmentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    questionnaire_version = serializers.IntegerField(source="questionnaire.version")
    stage_scores = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "reference",
            "status",
            "questionnaire_version",
            "started_at",
            "completed_at",
            "overall_points",
            "overall_maximum",
            "overall_percent",
            "overall_level",
            "stage_scores",
            "pdf_status",
        ]
        read_only_fields = fields

    @extend_schema_field(StageScoreSerializer(many=True))
    def get_stage_scores(self, assessment) -> list[dict]:
        """Stored at completion; empty while in progress."""
        return [
            {
                "stage": r.stage,
                "points": r.points,
                "maximum": r.maximum,
                "percent": r.percent,
                "level": r.level,
            }
            for r in rules.stage_results(assessment)
        ]


class AssessmentDetailSerializer(AssessmentSerializer):
    questions = QuestionSerializer(source="questionnaire.questions", many=True, read_only=True)
    answers = AssessmentAnswerSerializer(many=True, read_only=True)

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "questions", "answers"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(description=_("The self-assessments of the caller's affiliate.")),
    retrieve=extend_schema(
        description=_("One self-assessment with its questions, answers and stored scores.")
    ),
)
class AssessmentViewSet(
    AffiliateScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Another affiliate's self-assessments are 404."""

    queryset = Assessment.objects.none()
    serializer_class = AssessmentSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in SAFE_METHODS and self.reader.role not in Membership.EDITORS:
            log_denied(request, "api affiliate role")
            raise PermissionDenied(_("Viewers may read self-assessments but not answer them."))

    def get_queryset(self):
        assessments = Assessment.objects.select_related("questionnaire").order_by(
            "-started_at", "-pk"
        )
        if self.action in {"retrieve", "answers"}:
            assessments = assessments.prefetch_related("questionnaire__questions", "answers")
        return assessments

    def get_serializer_class(self):
        if self.action == "retrieve":
            return AssessmentDetailSerializer
        if self.action == "answers":
            return AssessmentAnswerSerializer
        return AssessmentSerializer

    @extend_schema(
        methods=["GET"],
        responses=AssessmentAnswerSerializer(many=True),
        description=_("The answers saved so far."),
    )
    @extend_schema(
        methods=["POST"],
        request=AssessmentAnswerSerializer,
        responses=AssessmentAnswerSerializer,
        description=_(
            "Save the answer to one question (replacing the earlier one) while the "
            "self-assessment is in progress. Admins and officers only. A bad question, level "
            "or evidence is refused with 400 and nothing is saved."
        ),
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def answers(self, request, *args, **kwargs):
        assessment = self.get_object()
        if request.method == "GET":
            return Response(AssessmentAnswerSerializer(assessment.answers.all(), many=True).data)
        serializer = AssessmentAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = rules.answer_save(
            assessment=assessment,
            question=serializer.validated_data["question"],
            level=serializer.validated_data.get("level"),
            evidence=serializer.validated_data.get("evidence", ""),
            by=request.user,
        )
        return Response(AssessmentAnswerSerializer(answer).data)
