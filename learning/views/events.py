"""Webinars and trainings for members (under /learn/events/): the list, an event's page,
registering and cancelling, and the slides' download. Who sees which event is
`Event.objects.visible_to(reader)`; the rules of registering are in `services.events`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from affiliates.mixins import ReaderMixin
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.filters import counted_choices, rows_and_counts
from core.uploads import file_download
from core.views import ListView, show_domain_error

from ..forms.events import EventFilterForm
from ..models import Event, EventKind, Registration, ResourceLanguage, ResourceVersion
from ..models.events import waiting_rank_expression
from ..services import events as services
from .rows import set_urls


def _mine(user):
    """The user's active registration of the event in the outer query."""
    return Registration.objects.filter(
        event_id=OuterRef("pk"), user=user, status__in=Registration.ACTIVE
    ).order_by()


class EventListView(ExportMixin, ReaderMixin, ListView):
    """Upcoming events first (soonest first), past ones below (latest first)."""

    export_columns = fields(
        Event, "title", "kind", "audience", "language", "starts_at", "ends_at", "status"
    )

    template_name = "learning/events/list.html"
    context_object_name = "events"
    paginate_by = 20
    model = Event

    def get_queryset(self):
        self.filters = EventFilterForm(self.request.GET or None)
        visible = Event.objects.visible_to(self.reader)
        # Both filters from one query, which reads every visible event: the count of the list
        # shown unfiltered too.
        counted = rows_and_counts(visible, "kind", "language")
        if counted is None:
            self.filters.counts_capped = True
        total, (kinds, languages) = counted or (None, (None, None))
        for name, present, choices, empty in (
            ("kind", kinds, EventKind.choices, _("Any kind")),
            ("language", languages, ResourceLanguage.choices, _("Any language")),
        ):
            self.filters.fields[name].choices = counted_choices(present, choices, empty_label=empty)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        now = timezone.now()
        mine = _mine(self.request.user)
        events = visible.with_counts().annotate(
            past=Case(When(ends_at__lte=now, then=Value(1)), default=Value(0)),
            my_status=Subquery(mine.values("status")[:1]),
        )
        if data.get("when") == "upcoming":
            events = events.filter(ends_at__gt=now)
        elif data.get("when") == "past":
            events = events.filter(ends_at__lte=now)
        if data.get("kind"):
            events = events.filter(kind=data["kind"])
        if data.get("language"):
            events = events.filter(language=data["language"])
        if data.get("mine"):
            events = events.filter(my_status__isnull=False)
        if not any(data.get(name) for name in ("when", "kind", "language", "mine")):
            self.known_count = total
        return events.order_by(
            "past",
            Case(When(ends_at__gt=now, then=F("starts_at"))).asc(nulls_last=True),
            F("starts_at").desc(),
            "pk",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            filters=self.filters,
            is_staff=self.reader.is_staff,
            **kwargs,
        )
        context["events"] = events = list(context["events"])
        set_urls(events, "learning:event")
        _set_my_ranks(events, self.request.user)
        return context


def _set_my_ranks(events, user) -> None:
    """`my_rank`: the user's place on the waiting list of each event of the page they wait
    for, else None; one query, only when they wait for one (rarely: the list's own query then
    carries no rank subquery to build and run on every page)."""
    waiting = [event.pk for event in events if event.my_status == Registration.Status.WAITING]
    ranks = {}
    if waiting:
        ranks = dict(
            Registration.objects.filter(
                event_id__in=waiting, user=user, status=Registration.Status.WAITING
            )
            .order_by()
            .annotate(rank=waiting_rank_expression())
            .values_list("event_id", "rank")
        )
    for event in events:
        event.my_rank = ranks.get(event.pk)


class EventMixin(ReaderMixin):
    model = Event

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                Event.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._event

    def get_success_url(self) -> str:
        return reverse("learning:event", kwargs={"pk": self.kwargs["pk"]})


class EventDetailView(EventMixin, DetailView):
    template_name = "learning/events/detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Event.objects.visible_to(self.reader)
            .with_counts()
            .select_related("recording", "slides")
            .prefetch_related(
                Prefetch("recording__versions", queryset=_latest_versions()),
                Prefetch("slides__versions", queryset=_latest_versions()),
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        event = self.object
        registration = (
            event.registrations.filter(user=self.request.user, status__in=Registration.ACTIVE)
            .order_by("-pk")
            .first()
        )
        return super().get_context_data(
            registration=registration,
            rank=registration.waiting_rank() if registration else None,
            may_register=registration is None
            and event.is_open_for_registration
            and services.may_register(event, self.request.user),
            shows_link=registration is not None
            and registration.status in (Registration.Status.REGISTERED,)
            and event.status == Event.Status.SCHEDULED,
            places_left=max(event.capacity - event.registered_count, 0),
            is_staff=self.reader.is_staff,
            recording_versions=_one_per_language(event.recording),
            slides_versions=_one_per_language(event.slides),
            **kwargs,
        )


def _latest_versions():
    return ResourceVersion.objects.order_by("language", "-number")


def _one_per_language(resource) -> list[ResourceVersion]:
    """The latest version in each language (prefetched, newest first per language)."""
    if resource is None:
        return []
    seen, latest = set(), []
    for version in resource.versions.all():
        if version.language not in seen:
            seen.add(version.language)
            latest.append(version)
    return latest


class RegisterView(EventMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        try:
            registration = services.registration_create(event=event, user=request.user)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            if registration.status == Registration.Status.REGISTERED:
                messages.success(
                    request,
                    _("You are registered. A confirmation with a calendar invitation is coming."),
                )
            else:
                messages.success(
                    request,
                    _("The event is full: you are number %(rank)s on the waiting list.")
                    % {"rank": registration.waiting_rank()},
                )
        return redirect(self.get_success_url())


class CancelView(EventMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        registration = event.registrations.filter(
            user=request.user, status__in=Registration.CANCELLABLE
        ).first()
        if registration is None:
            messages.error(request, _("You have no registration to cancel for this event."))
            return redirect(self.get_success_url())
        try:
            services.registration_cancel(registration=registration, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect(self.get_success_url())


class MaterialDownloadView(EventMixin, View):
    """A file of the event's recording or slides, for whoever sees the event."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        event = self.get_event()
        resources = [pk for pk in (event.recording_id, event.slides_id) if pk]
        version = get_object_or_404(
            ResourceVersion.objects.filter(
                Q(resource_id__in=resources), format=ResourceVersion.Format.FILE
            ),
            pk=self.kwargs["version_pk"],
        )
        if not version.file:
            raise Http404
        return file_download(
            version.file,
            filename=version.file_name or f"slides.{version.file.name.rsplit('.', 1)[-1]}",
            content_type=version.file_type or "application/octet-stream",
        )
