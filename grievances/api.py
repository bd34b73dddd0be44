"""`/api/v1/grievances/`: staff see every grievance, partner members their organisation's.

Anyone else signed in (affiliate members) is told the resource does not exist (404), on the
list as on a detail, exactly like the pages.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from affiliates.tenancy import ReaderAPIMixin, log_denied

from . import services
from .models import Grievance, Status
from .serializers import (
    GrievanceCreatedSerializer,
    GrievanceCreateSerializer,
    GrievanceDetailSerializer,
    GrievanceListSerializer,
)
from .services import Intake


class GrievanceFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Status.choices)

    class Meta:
        model = Grievance
        fields = ["status", "factory"]


class GrievanceViewSet(
    ReaderAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Grievances. The list leaves out what the worker wrote; a detail includes it."""

    queryset = Grievance.objects.none()
    filterset_class = GrievanceFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # 401/403 for anonymous callers
        if not (self.reader.is_staff or self.reader.is_partner):
            log_denied(request, "grievances API")
            raise NotFound

    def get_queryset(self):
        if not hasattr(self, "reader"):  # schema generation
            return self.queryset
        return (
            Grievance.objects.visible_to(self.reader)
            .prefetch_related("code_standards")
            .order_by("-received_on", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "list":
            return GrievanceListSerializer
        if self.action == "create":
            return GrievanceCreateSerializer
        return GrievanceDetailSerializer

    @extend_schema(request=GrievanceCreateSerializer, responses={201: GrievanceCreatedSerializer})
    def create(self, request, *args, **kwargs):
        if not self.reader.is_partner:
            raise PermissionDenied("Only monitoring partners log grievances for workers.")
        serializer = GrievanceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        intake = Intake(
            language=data["language"],
            description=data["description"],
            categories=data.get("categories", []),
            factory=data.get("factory"),
            workplace=data.get("workplace", ""),
            country=data.get("country", ""),
            wants_contact=data["wants_contact"],
            contact_method=data.get("contact_method", ""),
            contact_details=data.get("contact_details", ""),
        )
        grievance, code = services.grievance_submit(
            intake=intake,
            channel=data["channel"],
            partner=request.user.partner_membership.partner,
            by=request.user,
        )
        body = GrievanceCreatedSerializer(grievance).data
        body["receipt_code"] = code
        return Response(body, status=status.HTTP_201_CREATED)
