"""Participants' pages of a dialogue: an affiliate under /a/<slug>/dialogues/, a company under
/company/dialogues/. They read the dialogues they take part in, the shared minutes only
(the confidential ones are not even loaded), and the other participants as
`Participant.label_for` allows."""

from __future__ import annotations

from django.db.models import Max, Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView

from affiliates.mixins import AffiliateViewMixin, CompanyRequiredMixin

from ..models import Commitment, Dialogue, DialogueMeeting, Participant

PARTY_RELATED = ("affiliate", "company", "partner", "organisation")


def shared_dialogue(reader, pk):
    """One dialogue as a participant reads it, with owner and participant labels set."""
    dialogue = get_object_or_404(
        Dialogue.objects.visible_to(reader)
        .select_related("case")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=DialogueMeeting.objects.defer("minutes_confidential"),
            ),
            Prefetch("participants", queryset=Participant.objects.select_related(*PARTY_RELATED)),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related(
                    *(f"owner__{name}" for name in PARTY_RELATED)
                ),
            ),
        ),
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


class AffiliateDialogueListView(AffiliateViewMixin, ListView):
    model = Dialogue
    template_name = "engagement/dialogue/shared_list.html"
    context_object_name = "dialogues"
    paginate_by = 50

    def get_queryset(self):
        return shared_dialogues(self.reader)

    def get_context_data(self, **kwargs):
        return super().get_context_data(audience="affiliate", **kwargs)


class AffiliateDialogueDetailView(AffiliateViewMixin, DetailView):
    model = Dialogue
    template_name = "engagement/dialogue/shared_detail.html"
    context_object_name = "dialogue"

    def get_object(self, queryset=None):
        return shared_dialogue(self.reader, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(audience="affiliate", today=timezone.localdate(), **kwargs)


class CompanyDialogueListView(CompanyRequiredMixin, ListView):
    """The company's dialogues, and the commitments it owns in them."""

    model = Dialogue
    template_name = "engagement/dialogue/shared_list.html"
    context_object_name = "dialogues"
    paginate_by = 50

    def get_queryset(self):
        return shared_dialogues(self.reader)

    def get_context_data(self, **kwargs):
        commitments = list(
            Commitment.objects.visible_to(self.reader)
            .owned_by_company(self.company_id)
            .select_related("dialogue")
            .order_by("status", "due_on", "pk")[:200]
        )
        return super().get_context_data(
            audience="company",
            commitments=commitments,
            today=timezone.localdate(),
            **kwargs,
        )


class CompanyDialogueDetailView(CompanyRequiredMixin, DetailView):
    model = Dialogue
    template_name = "engagement/dialogue/shared_detail.html"
    context_object_name = "dialogue"

    def get_object(self, queryset=None):
        return shared_dialogue(self.reader, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(audience="company", today=timezone.localdate(), **kwargs)
