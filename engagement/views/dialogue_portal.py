"""Participants' pages of a dialogue: an affiliate under /a/<slug>/dialogues/, a company under
/company/dialogues/. They read the dialogues they take part in, the shared minutes only
(the confidential ones are not even loaded), and the other participants as
`Participant.label_for` allows."""

from __future__ import annotations

from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.views.generic import DetailView

from affiliates.mixins import AffiliateViewMixin, CompanyRequiredMixin
from core.exports import Column, ExportMixin
from core.views import ListView

from ..models import Commitment, Dialogue, DialogueMeeting


def shared_dialogue(reader, pk):
    """One dialogue as a participant reads it, with owner and participant labels set."""
    dialogue = get_object_or_404(
        Dialogue.objects.visible_to(reader)
        .select_related("case")
        .prefetch_related(
            Prefetch("meetings", queryset=DialogueMeeting.objects.defer("minutes_confidential"))
        )
        .with_parties(),
        pk=pk,
    )
    for participant in dialogue.participants.all():
        participant.label = participant.label_for(reader)
    for commitment in dialogue.commitments.all():
        commitment.owner_label = commitment.owner.label_for(reader)
    return dialogue


def shared_dialogues(reader):
    return (
        Dialogue.objects.visible_to(reader)
        .annotate(last_meeting=Max("meetings__held_on"))
        .order_by("-created_at", "-pk")
    )


class SharedDialogueListView(ExportMixin, ListView):
    """The dialogues a participant takes part in; subclasses add who reads (`audience`)."""

    # The list's own lines: title, format and last meeting.
    export_columns = [
        Column(_l("Dialogue"), "title"),
        Column(_l("Format"), "get_format_display"),
        Column(_l("Last met"), "last_meeting"),
    ]

    model = Dialogue
    template_name = "engagement/dialogue/shared_list.html"
    context_object_name = "dialogues"
    paginate_by = 50
    audience = None

    def get_queryset(self):
        return shared_dialogues(self.reader)

    def get_context_data(self, **kwargs):
        return super().get_context_data(audience=self.audience, **kwargs)


class SharedDialogueDetailView(DetailView):
    """One dialogue as a participant reads it; subclasses add who reads (`audience`)."""

    model = Dialogue
    template_name = "engagement/dialogue/shared_detail.html"
    context_object_name = "dialogue"
    audience = None

    def get_object(self, queryset=None):
        return shared_dialogue(self.reader, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audience=self.audience, today=timezone.localdate(), **kwargs
        )


class AffiliateDialogueListView(AffiliateViewMixin, SharedDialogueListView):
    audience = "affiliate"


class AffiliateDialogueDetailView(AffiliateViewMixin, SharedDialogueDetailView):
    audience = "affiliate"


class CompanyDialogueListView(CompanyRequiredMixin, SharedDialogueListView):
    """The company's dialogues, and the commitments it owns in them."""

    audience = "company"

    def get_context_data(self, **kwargs):
        commitments = list(
            Commitment.objects.visible_to(self.reader)
            .owned_by_company(self.company_id)
            .select_related("dialogue")
            .order_by("status", "due_on", "pk")[:200]
        )
        return super().get_context_data(
            commitments=commitments, today=timezone.localdate(), **kwargs
        )


class CompanyDialogueDetailView(CompanyRequiredMixin, SharedDialogueDetailView):
    audience = "company"
