"""Events API: `/api/v1/events/` lists the webinars and trainings the caller may see (their
audience rule, `Event.objects.visible_to(reader)`), each with the caller's own registration;
`POST /api/v1/events/{id}/register/` and `POST /api/v1/events/{id}/cancel/` register and
cancel for the caller, with the same rules as the pages (`learning.services.events`).

Events are not tied to an affiliate: a member reads them as themselves, without
`?affiliate=`. The link to join is given only to people holding a place.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # a non-numeric id: 404, not 500
from rest_framework.response import Response

from affiliates.tenancy import ReaderAPIMixin
from core.api import StrictBooleanFilter
from core.errors import DomainError

from ..models import Event, EventKind, Registration, ResourceLanguage
from ..models.events import waiting_rank_expression
from ..services import events as services


class MyRegistrationSerializer(serializers.ModelSerializer):
    waiting_position = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("1 for the first on the waiting list; null when not waiting."),
    )

    class Meta:
        model = Registration
        fields = ["id", "status", "waiting_position", "created_at", "promoted_at"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    registered_count = serializers.IntegerField(read_only=True)
    waiting_count = serializers.IntegerField(read_only=True)
    places_left = serializers.SerializerMethodField()
    online_link = serializers.SerializerMethodField()
    my_registration = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "audience",
            "language",
            "starts_at",
            "ends_at",
            "status",
            "capacity",
            "registered_count",
            "waiting_count",
            "places_left",
            "online_link",
            "recording",
            "slides",
            "my_registration",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "recording": {"help_text": _("Id of the library resource of the recording.")},
            "slides": {"help_text": _("Id of the library resource of the slides.")},
        }

    def get_places_left(self, event) -> int:
        return max(event.capacity - event.registered_count, 0)

    def _mine(self, event):
        mine = getattr(event, "mine", [])
        return mine[0] if mine else None

    @extend_schema_field(
        serializers.URLField(allow_null=True, help_text=_("Only for people holding a place."))
    )
    def get_online_link(self, event):
        mine = self._mine(event)
        if mine is not None and mine.status == Registration.Status.REGISTERED:
            return event.online_link or None
        return None

    @extend_schema_field(MyRegistrationSerializer(allow_null=True))
    def get_my_registration(self, event):
        mine = self._mine(event)
        return MyRegistrationSerializer(mine).data if mine is not None else None


class EventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=EventKind.choices)
    language = filters.ChoiceFilter(choices=ResourceLanguage.choices)
    upcoming = StrictBooleanFilter(
        method="filter_upcoming",
        label=_("true: events not yet over; false: past events."),
    )

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_upcoming(self, queryset, name, value):
        now = timezone.now()
        return queryset.filter(ends_at__gt=now) if value else queryset.filter(ends_at__lte=now)


class EventViewSet(ReaderAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Webinars and trainings the caller may see, soonest first, each with the caller's own
    registration (`my_registration`, null when none) and, for people holding a place, the
    link to join."""

    serializer_class = EventSerializer
    queryset = Event.objects.none()
    filterset_class = EventFilter

    def get_queryset(self):
        if not hasattr(self, "reader"):
            return self.queryset
        user = self.request.user
        mine = Registration.objects.filter(user=user, status__in=Registration.ACTIVE).annotate(
            waiting_position=waiting_rank_expression()
        )
        return (
            Event.objects.visible_to(self.reader)
            .with_counts()
            .prefetch_related(Prefetch("registrations", queryset=mine, to_attr="mine"))
            .order_by("starts_at", "pk")
        )

    def _event(self, pk) -> Event:
        return get_object_or_404(Event.objects.visible_to(self.reader), pk=pk)

    def _answer(self, event, code):
        fresh = self.get_queryset().get(pk=event.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        request=None,
        responses={
            201: EventSerializer,
            400: OpenApiResponse(description=_("Not allowed: the reason is in `detail`.")),
        },
        description=_(
            "Register the caller: a place while there is one, else the end of the waiting "
            "list. Answers the event with `my_registration`."
        ),
    )
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        event = self._event(pk)
        services.registration_create(event=event, user=request.user)
        return self._answer(event, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: EventSerializer,
            400: OpenApiResponse(description=_("Not allowed: the reason is in `detail`.")),
        },
        description=_(
            "Cancel the caller's registration (or leave the waiting list); a freed place "
            "goes to the first on the waiting list."
        ),
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self._event(pk)
        registration = event.registrations.filter(
            user=request.user, status__in=Registration.CANCELLABLE
        ).first()
        if registration is None:
            raise DomainError(_("You have no registration to cancel for this event."))
        services.registration_cancel(registration=registration, by=request.user)
        return self._answer(event, status.HTTP_200_OK)
