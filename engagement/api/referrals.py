"""`/api/v1/rba-referrals/`: EW staff's RBA referrals (anyone else signed in: 404, as on the
pages). Staff read them, refer a case (POST), record the RBA's response and close them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from affiliates.tenancy import ReaderAPIMixin, log_denied
from core.api import StrictBooleanFilter
from remediation.models import RemediationCase

from ..models import RbaReferral
from ..services import referrals as services


class StaffOnlyAPIMixin(ReaderAPIMixin):
    """EW staff only; any other signed-in caller is told the resource does not exist."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # 401/403 for anonymous callers
        if not self.reader.is_staff:
            log_denied(request, "staff API")
            raise NotFound


class RbaReferralSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    case_reference = serializers.CharField(source="case.reference", read_only=True)
    factory = serializers.IntegerField(source="case.factory_id", read_only=True)
    referred_by = serializers.EmailField(source="referred_by.email", read_only=True)
    materials = serializers.ListField(
        child=serializers.ChoiceField(choices=RbaReferral.Material.choices), read_only=True
    )
    age_days = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = RbaReferral
        fields = [
            "id",
            "reference",
            "case",
            "case_reference",
            "factory",
            "referred_on",
            "referred_by",
            "shared_text",
            "materials",
            "response_due",
            "response",
            "responded_on",
            "outcome",
            "status",
            "closed_on",
            "age_days",
            "overdue",
        ]
        read_only_fields = fields

    def get_age_days(self, referral) -> int:
        return referral.age_days(self.context["today"])

    def get_overdue(self, referral) -> bool:
        return referral.is_overdue(self.context["today"])


class ReferralCreateSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=RemediationCase.objects.all())
    shared_text = serializers.CharField()
    materials = serializers.ListField(
        child=serializers.ChoiceField(choices=RbaReferral.Material.choices), required=False
    )
    referred_on = serializers.DateField(required=False)
    response_due = serializers.DateField(
        required=False,
        help_text=_("By default the platform's set number of days after the referral."),
    )


class ReferralResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    responded_on = serializers.DateField()
    outcome = serializers.ChoiceField(
        choices=RbaReferral.Outcome.choices, required=False, allow_blank=True
    )


class ReferralCloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=RbaReferral.Outcome.choices)


class RbaReferralFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RbaReferral.Status.choices)
    case = filters.NumberFilter(field_name="case_id", label=_("Id of the remediation case."))
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("true: awaiting the RBA's response past its due date; false: the others."),
    )

    class Meta:
        model = RbaReferral
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return (
            queryset.filter(pk__in=overdue.values("pk"))
            if value
            else queryset.exclude(pk__in=overdue.values("pk"))
        )


class RbaReferralViewSet(
    StaffOnlyAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Referrals of remediation cases to the Responsible Business Alliance, oldest first."""

    serializer_class = RbaReferralSerializer
    queryset = RbaReferral.objects.none()
    filterset_class = RbaReferralFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):  # schema generation
            return self.queryset
        return (
            RbaReferral.objects.visible_to(self.reader)
            .select_related("case", "referred_by")
            .order_by("referred_on", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _answer(self, referral, code=status.HTTP_200_OK):
        return Response(
            RbaReferralSerializer(referral, context=self.get_serializer_context()).data, status=code
        )

    @extend_schema(request=ReferralCreateSerializer, responses={201: RbaReferralSerializer})
    def create(self, request, *args, **kwargs):
        data = ReferralCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_create(by=request.user, **data.validated_data)
        return self._answer(referral, status.HTTP_201_CREATED)

    @extend_schema(request=ReferralResponseSerializer, responses={200: RbaReferralSerializer})
    @action(detail=True, methods=["post"], url_path="response")
    def record_response(self, request, pk=None):
        """Record the RBA's response (its text, the day it came, the outcome if known)."""
        data = ReferralResponseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_record_response(
            referral=self.get_object(), by=request.user, **data.validated_data
        )
        return self._answer(referral)

    @extend_schema(request=ReferralCloseSerializer, responses={200: RbaReferralSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the referral with its outcome."""
        data = ReferralCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        referral = services.referral_close(
            referral=self.get_object(), by=request.user, **data.validated_data
        )
        return self._answer(referral)
