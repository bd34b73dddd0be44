"""Webinars and trainings behind the scenes: EW staff schedule, change and cancel events,
see who registered, record attendance and attach the recording and slides (under
/staff/events/); each affiliate's admin reads its members' training record
(/a/<affiliate_slug>/training/), each monitoring partner its members' record of methodology
training (/partner/training/)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView

from affiliates.mixins import AffiliateViewMixin, PartnerRequiredMixin, StaffRequiredMixin
from affiliates.models import Membership
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.views import ListView, show_domain_error
from monitoring.models import PartnerMembership

from ..forms.events import AttendanceForm, EventForm, MaterialForm
from ..models import Event, EventKind, Registration
from ..services import events as services


class StaffEventMixin(StaffRequiredMixin):
    model = Event

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                Event.objects.visible_to(self.reader), pk=self.kwargs["pk"]
            )
        return self._event


class EventCreateView(StaffRequiredMixin, FormView):
    template_name = "learning/events/form.html"
    form_class = EventForm
    model = Event

    def form_valid(self, form):
        try:
            event = services.event_create(data=form.data_for_service(), by=self.request.user)
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The event is scheduled."))
        return redirect(event.get_absolute_url())


class EventEditView(StaffEventMixin, FormView):
    template_name = "learning/events/form.html"
    form_class = EventForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_event()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.get_event(), **kwargs)

    def form_valid(self, form):
        event = Event.objects.get(pk=self.get_event().pk)  # the form changed the instance
        try:
            services.event_update(event=event, data=form.data_for_service(), by=self.request.user)
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The event is saved."))
        return redirect(event.get_absolute_url())


class EventCancelView(StaffEventMixin, ConfirmedActionMixin, View):
    def check(self, request):
        services.event_check_cancellable(self.get_event())

    def get_confirmation(self):
        event = self.get_event()
        counts = {
            row["status"]: row["count"]
            for row in event.registrations.filter(status__in=Registration.CANCELLABLE)
            .values("status")
            .annotate(count=Count("pk"))
        }
        registered = counts.get(Registration.Status.REGISTERED, 0)
        waiting = counts.get(Registration.Status.WAITING, 0)
        told = registered + waiting
        return Confirmation(
            title=_("Cancel the event “%(event)s”?") % {"event": event.title},
            summary=_(
                "The event on %(day)s is cancelled: registration closes and everyone "
                "registered or waiting is told by e-mail, in their language."
            )
            % {"day": date_format(localtime(event.starts_at), "DATETIME_FORMAT")},
            audience=ngettext(
                "%(count)s person will be told by e-mail",
                "%(count)s people will be told by e-mail",
                told,
            )
            % {"count": told},
            recipients=[
                ngettext(
                    "%(count)s holding a place (with a calendar cancellation)",
                    "%(count)s holding a place (with a calendar cancellation)",
                    registered,
                )
                % {"count": registered},
                ngettext(
                    "%(count)s on the waiting list",
                    "%(count)s on the waiting list",
                    waiting,
                )
                % {"count": waiting},
            ],
            final=_("A cancelled event cannot be scheduled again; create a new event instead."),
            confirm_label=_("Cancel the event and tell everyone"),
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        told = services.event_cancel(event=self.get_event(), by=request.user)
        return ngettext(
            "The event is cancelled; %(count)s person was told.",
            "The event is cancelled; %(count)s people were told.",
            told,
        ) % {"count": told}

    def get_success_url(self):
        return self.get_event().get_absolute_url()


class RegistrationListView(ExportMixin, StaffEventMixin, ListView):
    """Who registered, who waits, and, once the event has started, the attendance form."""

    export_columns = [
        Column(_l("Participant"), "user"),
        Column(_l("E-mail address"), "user.email"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Registered"), "created_at"),
    ]

    template_name = "learning/events/registrations.html"
    context_object_name = "registrations"
    paginate_by = 100

    def get_queryset(self):
        return (
            self.get_event()
            .registrations.select_related("user")
            .order_by("status", "position", "created_at", "pk")
        )

    def places(self):
        return list(
            self.get_event()
            .registrations.filter(
                status__in=[
                    Registration.Status.REGISTERED,
                    Registration.Status.ATTENDED,
                    Registration.Status.ABSENT,
                ]
            )
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )

    def get_context_data(self, **kwargs):
        event = self.get_event()
        context = super().get_context_data(event=event, **kwargs)
        if "attendance_form" not in context and event.has_started:
            context["attendance_form"] = AttendanceForm(registrations=self.places())
        return context

    def post(self, request, *args, **kwargs):
        event = self.get_event()
        form = AttendanceForm(request.POST, registrations=self.places())
        if form.is_valid():
            try:
                count = services.attendance_record(
                    event=event, attended_ids=form.cleaned_data["attended"], by=request.user
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Attendance recorded: %(count)s person attended.",
                        "Attendance recorded: %(count)s people attended.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(reverse("learning:event_registrations", kwargs={"pk": event.pk}))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(attendance_form=form))


class MaterialAttachView(StaffEventMixin, FormView):
    template_name = "learning/events/material_form.html"
    form_class = MaterialForm

    def get_initial(self):
        event = self.get_event()
        return {"language": event.language, "title": event.title}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.get_event(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        event = self.get_event()
        try:
            services.material_attach(
                event=event,
                what=data["what"],
                language=data["language"],
                title=data["title"],
                link=data["link"],
                file=data["file"],
                by=self.request.user,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("The material is attached and published in the library."))
        return redirect(event.get_absolute_url())


def _attended(kinds=None):
    registrations = Registration.objects.filter(status=Registration.Status.ATTENDED)
    if kinds:
        registrations = registrations.filter(event__kind__in=kinds)
    return Prefetch(
        "user__event_registrations",
        queryset=registrations.select_related("event").order_by("-event__starts_at"),
        to_attr="attended",
    )


class AffiliateTrainingView(ExportMixin, AffiliateViewMixin, ListView):
    """The affiliate's members and the events each attended; for its admins."""

    export_columns = [
        Column(_l("Member"), "user"),
        Column(_l("E-mail address"), "user.email"),
        Column(_l("Role"), "get_role_display"),
    ]

    template_name = "learning/events/training_record.html"
    context_object_name = "memberships"
    allowed_roles = Membership.ADMIN_ONLY
    paginate_by = 50
    model = Membership

    def get_queryset(self):
        return (
            Membership.objects.filter(affiliate=self.affiliate)
            .select_related("user")
            .prefetch_related(_attended())
            .order_by("user__full_name", "user__email")
        )


class PartnerTrainingView(ExportMixin, PartnerRequiredMixin, ListView):
    """The partner's members and the methodology trainings each attended."""

    export_columns = [Column(_l("Member"), "user"), Column(_l("E-mail address"), "user.email")]

    template_name = "learning/events/partner_training.html"
    context_object_name = "memberships"
    paginate_by = 50
    model = PartnerMembership

    def get_queryset(self):
        return (
            PartnerMembership.objects.filter(partner=self.partner)
            .select_related("user")
            .prefetch_related(_attended([EventKind.METHODOLOGY]))
            .order_by("user__full_name", "user__email")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)
