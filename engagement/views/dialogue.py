"""Staff's pages of multi-stakeholder dialogue, under /staff/dialogues/: the list, recording a
dialogue, its meetings (shared and confidential minutes), participants and commitments."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from affiliates.mixins import StaffRequiredMixin
from core.confirm import Confirmation, ConfirmedActionMixin
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.views import ListView, ServiceActionMixin, show_domain_error
from remediation.models import RemediationCase

from ..forms.dialogue import (
    CommitmentForm,
    CommitmentStatusForm,
    DialogueFilterForm,
    DialogueForm,
    MeetingForm,
    ParticipantForm,
)
from ..models import Commitment, Dialogue, DialogueMeeting, Participant
from ..services import dialogue as services


class DialogueListView(ExportMixin, StaffRequiredMixin, ListView):
    export_columns = fields(Dialogue, "title", "format", "case", "created_at")

    model = Dialogue
    template_name = "engagement/dialogue/list.html"
    context_object_name = "dialogues"
    paginate_by = 50

    def get_queryset(self):
        self.today = timezone.localdate()
        self.filters = DialogueFilterForm(self.request.GET)
        open_commitments = Commitment.objects.filter(
            dialogue=OuterRef("pk"), status=Commitment.Status.OPEN
        )
        dialogues = (
            Dialogue.objects.visible_to(self.reader)
            .select_related("case")
            .annotate(
                participant_count=Count("participants", distinct=True),
                meeting_count=Count("meetings", distinct=True),
                last_meeting=Max("meetings__held_on"),
                open_count=Count(
                    "commitments",
                    filter=Q(commitments__status=Commitment.Status.OPEN),
                    distinct=True,
                ),
                has_overdue=Exists(open_commitments.filter(due_on__lt=self.today)),
            )
        )
        if not self.filters.is_valid():
            return dialogues.none()
        if query := self.filters.cleaned_data["q"].strip():
            dialogues = dialogues.filter(
                Q(title__icontains=query)
                | Q(case__title__icontains=query)
                | Q(companies__name__icontains=query)
            ).distinct()
        if self.filters.cleaned_data["open_commitments"]:
            dialogues = dialogues.filter(Exists(open_commitments))
        return dialogues.order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(filters=self.filters, **kwargs)


class DialogueSaveMixin(StaffRequiredMixin, FormView):
    template_name = "engagement/dialogue/form.html"
    form_class = DialogueForm
    dialogue: Dialogue | None = None

    def form_valid(self, form):
        try:
            dialogue = services.dialogue_save(
                dialogue=self.dialogue, by=self.request.user, **form.cleaned_data
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Dialogue saved."))
        return redirect(dialogue.get_absolute_url())


class DialogueCreateView(DialogueSaveMixin):
    model = Dialogue

    def get_initial(self):
        case_id = self.request.GET.get("case", "")
        if case_id.isdigit():
            case = RemediationCase.objects.visible_to(self.reader).filter(pk=case_id).first()
            if case is not None:
                owners = [company.supplier_id for company in case.companies.all()]
                return {"case": case, "companies": owners, "title": case.title}
        return {}


class DialogueMixin(StaffRequiredMixin):
    def get_dialogue(self) -> Dialogue:
        if not hasattr(self, "_dialogue"):
            self._dialogue = get_object_or_404(
                Dialogue.objects.visible_to(self.reader).select_related("case", "created_by"),
                pk=self.kwargs["pk"],
            )
        return self._dialogue

    def get_success_url(self):
        return self.get_dialogue().get_absolute_url()


class DialogueEditView(DialogueMixin, DialogueSaveMixin):
    model = Dialogue

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.reader.is_staff:
            self.dialogue = self.get_dialogue()
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.dialogue}

    def get_context_data(self, **kwargs):
        return super().get_context_data(dialogue=self.dialogue, **kwargs)


class DialogueDetailView(DialogueMixin, DetailView):
    model = Dialogue
    template_name = "engagement/dialogue/staff_detail.html"
    context_object_name = "dialogue"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Dialogue.objects.visible_to(self.reader)
            .select_related("case", "created_by")
            .prefetch_related("companies", "meetings")
            .with_parties(),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        dialogue = self.object
        for commitment in dialogue.commitments.all():
            commitment.owner_label = commitment.owner.full_label()
        can_add_meeting = dialogue.format == Dialogue.Format.SERIES or not dialogue.meetings.all()
        return super().get_context_data(
            today=timezone.localdate(),
            participant_form=ParticipantForm(),
            status_form=CommitmentStatusForm(),
            can_add_meeting=can_add_meeting,
            **kwargs,
        )


class MeetingSaveView(DialogueMixin, FormView):
    model = Dialogue
    template_name = "engagement/dialogue/meeting_form.html"
    form_class = MeetingForm

    def get_meeting(self) -> DialogueMeeting | None:
        if "meeting_pk" not in self.kwargs:
            return None
        if not hasattr(self, "_meeting"):
            self._meeting = get_object_or_404(
                self.get_dialogue().meetings.all(), pk=self.kwargs["meeting_pk"]
            )
        return self._meeting

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_meeting()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dialogue=self.get_dialogue(), meeting=self.get_meeting(), **kwargs
        )

    def form_valid(self, form):
        try:
            services.meeting_save(
                dialogue=self.get_dialogue(),
                meeting=self.get_meeting(),
                by=self.request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Meeting saved."))
        return redirect(self.get_success_url())


class ParticipantAddView(DialogueMixin, ServiceActionMixin, View):
    model = Dialogue

    def perform(self, request, *args, **kwargs):
        form = ParticipantForm(request.POST)
        if not form.is_valid():
            raise DomainError(
                _("Check the participant: %(errors)s")
                % {
                    "errors": "; ".join(
                        f"{form.fields[name].label}: {' '.join(errors)}"
                        for name, errors in form.errors.items()
                        if name in form.fields
                    )
                }
            )
        participant = services.participant_add(
            dialogue=self.get_dialogue(), by=request.user, **form.cleaned_data
        )
        return _("%(participant)s added.") % {"participant": participant.full_label()}


class ParticipantRemoveView(DialogueMixin, ConfirmedActionMixin, View):
    model = Dialogue

    def get_participant(self) -> Participant:
        return get_object_or_404(
            self.get_dialogue().participants.select_related(*Participant.PARTIES),
            pk=self.kwargs["participant_pk"],
        )

    def check(self, request):
        services.participant_check_removable(self.get_participant())

    def get_confirmation(self):
        participant = self.get_participant()
        names = {"participant": participant.full_label(), "dialogue": self.get_dialogue()}
        return Confirmation(
            title=_("Remove %(participant)s from the dialogue %(dialogue)s?") % names,
            summary=_(
                "%(participant)s leaves the list of participants of %(dialogue)s; if they "
                "read the dialogue as a participant, they no longer can."
            )
            % names,
            rows=[
                (_("Participant"), participant.full_label()),
                (_("Role in the dialogue"), participant.role),
                (_("Contact e-mail"), participant.contact_email),
            ],
            final=_("To bring them back, add them again."),
            confirm_label=_("Remove %(participant)s") % names,
            cancel_url=self.get_success_url(),
            danger=True,
        )

    def perform(self, request, *args, **kwargs):
        participant = self.get_participant()
        services.participant_remove(participant=participant, by=request.user)
        return _("%(participant)s removed.") % {"participant": participant.full_label()}


class CommitmentSaveView(DialogueMixin, FormView):
    model = Dialogue
    template_name = "engagement/dialogue/commitment_form.html"
    form_class = CommitmentForm

    def get_commitment(self) -> Commitment | None:
        if "commitment_pk" not in self.kwargs:
            return None
        if not hasattr(self, "_commitment"):
            self._commitment = get_object_or_404(
                self.get_dialogue().commitments.all(), pk=self.kwargs["commitment_pk"]
            )
        return self._commitment

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.get_commitment(),
            "dialogue": self.get_dialogue(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dialogue=self.get_dialogue(), commitment=self.get_commitment(), **kwargs
        )

    def form_valid(self, form):
        try:
            services.commitment_save(
                dialogue=self.get_dialogue(),
                commitment=self.get_commitment(),
                by=self.request.user,
                **form.cleaned_data,
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Commitment saved."))
        return redirect(self.get_success_url())


class CommitmentStatusView(DialogueMixin, ServiceActionMixin, View):
    model = Dialogue

    def perform(self, request, *args, **kwargs):
        commitment = get_object_or_404(
            self.get_dialogue().commitments.all(), pk=self.kwargs["commitment_pk"]
        )
        form = CommitmentStatusForm(request.POST)
        if not form.is_valid():
            raise DomainError(_("Choose a status from the list and a valid date."))
        commitment = services.commitment_set_status(
            commitment=commitment, by=request.user, **form.cleaned_data
        )
        return _("The commitment is now “%(status)s”.") % {
            "status": commitment.get_status_display()
        }
