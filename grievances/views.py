"""Grievance handling by Electronics Watch staff, and logging by monitoring partners.

The anonymous pages are in `grievances.public`. Every page here answers `no-store` (the
signed-in user's pages are private anyway, see `affiliates.middleware.PrivateCacheMiddleware`).
"""

from __future__ import annotations

from django import forms
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.generic import DetailView, FormView, TemplateView, View

from affiliates.mixins import PartnerRequiredMixin, StaffRequiredMixin
from affiliates.models import User
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import Column, ExportMixin
from core.pagination import CappedPaginator
from core.uploads import file_download
from core.views import ServiceActionMixin, show_domain_error

from . import selectors, services
from .forms import (
    AcknowledgeForm,
    AssignForm,
    ClassifyForm,
    CloseForm,
    MessageForm,
    PartnerGrievanceForm,
    QueueFilterForm,
    ReferForm,
    StaffMessageForm,
    TranslationForm,
)
from .models import Grievance, GrievanceEvent, GrievanceMessage, Side, Status
from .services import Intake

QUEUE_PAGE_SIZE = 50


class NoStoreMixin:
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


class VisibleGrievanceMixin:
    """The grievance named by `pk`, if the reader may see it; a 404 otherwise."""

    def get_grievance(self) -> Grievance:
        return get_object_or_404(
            Grievance.objects.visible_to(self.request.reader), pk=self.kwargs["pk"]
        )


def _workplace(grievance) -> str:
    """The workplace as the lists show it: the registry's factory, else as written."""
    return grievance.factory.name if grievance.factory else grievance.workplace


# --- Staff --------------------------------------------------------------------------------


class StaffQueueView(ExportMixin, NoStoreMixin, StaffRequiredMixin, TemplateView):
    # The queue's own columns, metadata only: never the description, the contact or anything
    # else a grievant wrote beyond the workplace the queue shows.
    export_columns = [
        Column(_l("Reference"), "reference"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Received"), "received_on"),
        Column(
            _l("Acknowledgement"),
            lambda g: g.ack_due if g.ack_pending else g.acknowledged_on,
        ),
        Column(_l("Feedback"), lambda g: g.feedback_due if g.is_open else g.closed_on),
        Column(_l("Workplace"), _workplace),
        Column(_l("Country"), lambda g: g.country.code if g.country else ""),
        Column(_l("Assigned to"), "assignee"),
    ]

    def get_export_rows(self, context):
        return context["page_obj"].paginator.object_list

    template_name = "grievances/staff_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        staff = list(User.objects.filter(is_ew_staff=True, is_active=True).order_by("email"))
        visible = Grievance.objects.visible_to(self.reader)
        filters = QueueFilterForm(self.request.GET or None, staff=staff, visible=visible)
        queryset = (
            visible.with_next_deadline()
            .select_related("assignee", "factory", "partner")
            .order_by(F("next_due").asc(nulls_last=True), "-received_on", "pk")
        )
        status = assignee = ""
        overdue = False
        if filters.is_valid():
            status = filters.cleaned_data["status"]
            assignee = filters.cleaned_data["assignee"]
            overdue = filters.cleaned_data["overdue"]
        if status == "":
            queryset = queryset.open()
        elif status != "all":
            queryset = queryset.filter(status=status)
        if assignee == "none":
            queryset = queryset.filter(assignee__isnull=True)
        elif assignee:
            queryset = queryset.filter(assignee_id=assignee)
        if overdue:
            queryset = queryset.overdue(today)
        context.update(filters=filters, today=today, **_queue_page(self.request, queryset))
        return context


def _queue_page(request, queryset) -> dict:
    """The page of a queue that `?page=` names, in the shared pager's terms (counts that stop
    at a limit, deep pages read from the end; a page out of range shows the nearest one)."""
    page = CappedPaginator(queryset, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    paginated = page.has_other_pages()
    return {"page_obj": page, "grievances": page.object_list, "is_paginated": paginated}


class StaffDetailView(NoStoreMixin, StaffRequiredMixin, DetailView):
    template_name = "grievances/staff_detail.html"
    context_object_name = "grievance"

    def get_queryset(self):
        return (
            Grievance.objects.visible_to(self.reader)
            .select_related("assignee", "factory", "partner", "logged_by")
            .prefetch_related(
                "code_standards",
                "attachments",
                Prefetch("messages", queryset=GrievanceMessage.objects.select_related("author")),
                Prefetch("events", queryset=GrievanceEvent.objects.select_related("actor")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grievance = self.object
        context.update(
            today=timezone.localdate(),
            assign_form=AssignForm(initial={"assignee": grievance.assignee_id}),
            classify_form=ClassifyForm(
                initial={
                    "code_standards": list(grievance.code_standards.all()),
                    "ilo_indicators": grievance.ilo_indicators,
                    "factory": grievance.factory_id,
                }
            ),
            acknowledge_form=AcknowledgeForm(),
            refer_form=ReferForm(),
            close_form=CloseForm(),
            message_form=StaffMessageForm(),
            translation_form=TranslationForm(
                initial={"translation": grievance.description_translation}
            ),
            allowed=services.TRANSITIONS[grievance.status],
            Status=Status,
            **factory_choices(self.request, grievance),
        )
        return context


def factory_choices(request, grievance) -> dict:
    """The factory picker's context: the grievance's factory and what `factory_q` found."""
    query = (request.GET.get("factory_q") or "").strip()[:100]
    found, more = selectors.factories_matching(query)
    return {
        "factory_q": query,
        "factories_found": [f for f in found if f.pk != grievance.factory_id],
        "factories_more": more,
        "factory_searched": bool(query),
    }


class StaffFactorySearchView(NoStoreMixin, StaffRequiredMixin, VisibleGrievanceMixin, View):
    """htmx, as staff type in the factory picker: the choices, with the grievance's own
    factory kept so that saving the classification never drops it unseen. Without
    JavaScript, the same search reloads the page (`factory_q` on the detail page)."""

    def get(self, request, *args, **kwargs):
        grievance = self.get_grievance()
        return render(
            request,
            "grievances/staff_detail.html#factory-choices",
            {"grievance": grievance, **factory_choices(request, grievance)},
        )


class StaffActionView(
    NoStoreMixin, StaffRequiredMixin, VisibleGrievanceMixin, ServiceActionMixin, View
):
    """POST one form to one service; errors become a message on the detail page."""

    form_class = None

    def perform(self, request, *args, **kwargs):
        grievance = self.get_grievance()
        form = self.form_class(request.POST)
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        return self.act(grievance, form.cleaned_data, request.user)

    def act(self, grievance, data, user) -> str:
        raise NotImplementedError

    def get_success_url(self):
        return redirect("grievances:staff_detail", pk=self.kwargs["pk"]).url


class AssignView(StaffActionView):
    form_class = AssignForm

    def act(self, grievance, data, user):
        services.grievance_assign(grievance=grievance, assignee=data["assignee"], by=user)
        return _("Assignment saved.")


class ClassifyView(StaffActionView):
    form_class = ClassifyForm

    def act(self, grievance, data, user):
        services.grievance_classify(
            grievance=grievance,
            code_standards=data["code_standards"],
            ilo_indicators=data["ilo_indicators"],
            factory=data["factory"],
            by=user,
        )
        return _("Classification saved.")


class TranslateView(StaffActionView):
    form_class = TranslationForm

    def act(self, grievance, data, user):
        services.grievance_translate(grievance=grievance, translation=data["translation"], by=user)
        return _("Translation saved.")


class AcknowledgeView(StaffActionView):
    form_class = AcknowledgeForm

    def act(self, grievance, data, user):
        services.grievance_acknowledge(grievance=grievance, by=user, message=data["message"])
        return _("The grievance is acknowledged.")


class StartReviewView(StaffActionView):
    form_class = forms.Form  # no fields

    def act(self, grievance, data, user):
        services.grievance_start_review(grievance=grievance, by=user)
        return _("The review has started.")


class ReferView(StaffActionView):
    form_class = ReferForm

    def act(self, grievance, data, user):
        services.grievance_refer(grievance=grievance, referral=data["referral"], by=user)
        return _("The grievance is referred to a remediation case.")


class CloseView(ConfirmedActionMixin, StaffActionView):
    """Close with feedback, after a "check your answers" page: the worker reads the feedback
    in their follow-up thread, and a closed grievance never opens again."""

    form_class = CloseForm

    def get(self, request, *args, **kwargs):
        return redirect(self.get_success_url())  # the feedback is written on the grievance page

    def check(self, request):
        form = self.form_class(request.POST)
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        self.feedback = form.cleaned_data["feedback"]
        services.grievance_check_closable(grievance=self.get_grievance(), feedback=self.feedback)

    def get_confirmation(self):
        grievance = self.get_grievance()
        audience = [_("The worker, in their follow-up page (with the receipt code)")]
        if grievance.partner_id:
            audience.append(
                _("%(partner)s, the monitoring partner who logged it")
                % {"partner": grievance.partner.name}
            )
        return Confirmation(
            title=_("Close grievance %(reference)s?") % {"reference": grievance.reference},
            summary=_(
                "The grievance becomes “Closed” on %(day)s and this feedback is posted to the "
                "worker."
            )
            % {"day": date_format(timezone.localdate(), "DATE_FORMAT")},
            audience=_("Who reads the feedback"),
            recipients=audience,
            rows=[
                (_("Grievance"), grievance.reference),
                (_("Status now"), grievance.get_status_display()),
                (_("Feedback to the worker"), self.feedback),
            ],
            final=_(
                "A closed grievance cannot be reopened, and the feedback cannot be edited or "
                "withdrawn."
            ),
            confirm_label=_("Close and send the feedback"),
            cancel_url=self.get_success_url(),
            can_change=False,
        )

    def act(self, grievance, data, user):
        services.grievance_close(grievance=grievance, feedback=data["feedback"], by=user)
        return _("The grievance is closed; the worker can read the feedback.")


class StaffMessageView(StaffActionView):
    form_class = StaffMessageForm

    def act(self, grievance, data, user):
        services.grievance_post_message(
            grievance=grievance,
            body=data["body"],
            side=Side.STAFF,
            by=user,
            visible_to_grievant=data["visible_to_grievant"],
        )
        return _("Message posted.")


class AttachmentDownloadView(View):
    """Staff, and the partner that logged the grievance, may download its attachments."""

    http_method_names = ["get"]

    def get(self, request, pk, id):  # `id`: the name the isolation walker fills
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        grievance = get_object_or_404(Grievance.objects.visible_to(request.reader), pk=pk)
        attachment = get_object_or_404(grievance.attachments, pk=id)
        return file_download(
            attachment.file, filename=attachment.download_name, content_type=attachment.content_type
        )


# --- Partners -----------------------------------------------------------------------------


class PartnerListView(ExportMixin, NoStoreMixin, PartnerRequiredMixin, TemplateView):
    # The list's own columns: metadata only, like the page.
    export_columns = [
        Column(_l("Reference"), "reference"),
        Column(_l("Status"), "get_status_display"),
        Column(_l("Received"), "received_on"),
        Column(_l("Acknowledged"), "acknowledged_on"),
        Column(_l("Feedback due"), "feedback_due"),
        Column(_l("Workplace"), _workplace),
    ]

    def get_export_rows(self, context):
        return context["page_obj"].paginator.object_list

    template_name = "grievances/partner_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queryset = (
            Grievance.objects.visible_to(self.reader)
            .select_related("factory")
            .order_by("-received_on", "-pk")
        )
        context.update(partner=self.partner, **_queue_page(self.request, queryset))
        return context


class PartnerNewView(NoStoreMixin, PartnerRequiredMixin, FormView):
    template_name = "grievances/partner_new.html"
    form_class = PartnerGrievanceForm

    def get_initial(self):
        return {"language": self.request.LANGUAGE_CODE}

    def form_valid(self, form):
        data = form.cleaned_data
        intake = Intake(
            language=data["language"],
            description=data["description"],
            categories=data["categories"],
            factory=data["factory"],
            workplace=data["workplace"],
            country=data["country"],
            wants_contact=data["wants_contact"],
            contact_method=data["contact_method"],
            contact_details=data["contact_details"],
            attachments=tuple(data["attachments"]),
        )
        try:
            grievance, code = services.grievance_submit(
                intake=intake, channel=data["channel"], partner=self.partner, by=self.request.user
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        # Shown once, for the partner to hand to the worker; never stored or e-mailed.
        return self.response_class(
            request=self.request,
            template="grievances/partner_logged.html",
            context={"grievance": grievance, "code": code},
        )


class PartnerDetailView(NoStoreMixin, PartnerRequiredMixin, VisibleGrievanceMixin, TemplateView):
    template_name = "grievances/partner_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grievance = self.get_grievance()
        context.update(
            grievance=grievance,
            thread=grievance.messages.filter(visible_to_grievant=True).order_by("pk"),
            attachments=list(grievance.attachments.all()),
            form=MessageForm(),
            today=timezone.localdate(),
        )
        return context


class PartnerMessageView(
    NoStoreMixin, PartnerRequiredMixin, VisibleGrievanceMixin, ServiceActionMixin, View
):
    def perform(self, request, *args, **kwargs):
        grievance = self.get_grievance()
        form = MessageForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Please write a message."))
        services.grievance_post_message(
            grievance=grievance, body=form.cleaned_data["body"], side=Side.PARTNER, by=request.user
        )
        return _("Message posted.")

    def get_success_url(self):
        return redirect("grievances:partner_detail", pk=self.kwargs["pk"]).url
