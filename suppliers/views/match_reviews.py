"""Electronics Watch staff's review queue of possible duplicate factories, the decisions
taken, and the undo of a merge."""

from datetime import timedelta

from django.apps import apps
from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from affiliates.mixins import StaffRequiredMixin
from core.confirm import Confirmation, is_confirmed, render_confirmation
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.views import ListView, show_domain_error
from suppliers import match_review, services
from suppliers.models import FactoryMatchReview, FactoryMerge


class MatchReviewQueueView(StaffRequiredMixin, TemplateView):
    """One pair at a time: the first waiting (`/staff/factory-matches/`) or the one named
    (`/staff/factory-matches/<pk>/`, which is also where "same" or "different" is posted).
    The buttons are plain forms; `static/js/match_review.js` adds the keyboard shortcuts."""

    template_name = "suppliers/match_review.html"

    def get_review(self) -> FactoryMatchReview | None:
        reviews = FactoryMatchReview.objects.select_related(
            "factory", "candidate", "decided_by"
        ).order_by("-score", "pk")
        if "pk" in self.kwargs:
            return get_object_or_404(reviews, pk=self.kwargs["pk"])
        return reviews.filter(decision=FactoryMatchReview.Decision.PENDING).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.get_review()
        context["waiting"] = match_review.pending_reviews().count()
        context["pair"] = review and match_review.pair_view(review)
        if review is not None and review.decision == FactoryMatchReview.Decision.PENDING:
            context["position"] = match_review.queue_position(review)
            context["next_review"] = match_review.pending_after(review)
        return context

    def post(self, request, *args, **kwargs):
        review = get_object_or_404(
            FactoryMatchReview.objects.select_related("factory", "candidate"), pk=kwargs["pk"]
        )
        decision = request.POST.get("decision")
        if decision not in {"same", "different"}:
            show_domain_error(request, DomainError(_("Choose “same site” or “different sites”.")))
            return redirect("suppliers:staff_factory_match", pk=review.pk)
        if decision == "same" and not is_confirmed(request):
            if review.decision != FactoryMatchReview.Decision.PENDING:
                show_domain_error(request, DomainError(_("This pair was already reviewed.")))
                return redirect("suppliers:staff_factory_match", pk=review.pk)
            return render_confirmation(request, self.merge_confirmation(review))
        try:
            services.match_review_decide(review=review, same=decision == "same", by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
            return redirect("suppliers:staff_factory_match", pk=review.pk)
        if decision == "same":
            message = merged_message(request, review)
        else:
            message = _("Kept apart: “%(source)s” and “%(target)s” are different sites.") % {
                "source": review.factory.name,
                "target": review.candidate.name,
            }
        messages.success(request, message)
        following = match_review.pending_after(review)
        if following is None:
            return redirect("suppliers:staff_factory_matches")
        return redirect("suppliers:staff_factory_match", pk=following.pk)

    def merge_confirmation(self, review: FactoryMatchReview) -> Confirmation:
        return Confirmation(
            title=_("Merge these two records into one site?"),
            summary=_(
                "“%(source)s” (A, newer) is merged into “%(target)s” (B, older): its "
                "disclosure lines, supplier links, reports, grievances and cases move to B, and "
                "every affiliate that disclosed A now sees B in its supply chain."
            )
            % {"source": review.factory.name, "target": review.candidate.name},
            template="suppliers/includes/merge_confirm.html",
            context={"pair": match_review.pair_view(review)},
            confirm_label=_("Merge into one site"),
            cancel_url=reverse("suppliers:staff_factory_match", kwargs={"pk": review.pk}),
        )


#: How long the message after a merge offers to undo it; later, from the factory's page.
UNDO_MINUTES = 10


def merged_message(request, review: FactoryMatchReview):
    """The success message after a merge, with an "Undo" button for UNDO_MINUTES minutes
    (afterwards `FactoryUnmergeView` answers the button with its confirmation page)."""
    merge = FactoryMerge.objects.filter(source=review.factory, undone_at__isnull=True).latest(
        "merged_at"
    )
    text = _("Merged: “%(source)s” is now part of “%(target)s”.") % {
        "source": review.factory.name,
        "target": review.candidate.name,
    }
    return format_html(
        '{} <form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="undo" value="quick">'
        '<button type="submit">{}</button></form> {}',
        text,
        reverse("suppliers:staff_factory_unmerge", kwargs={"pk": merge.pk}),
        get_token(request),
        _("Undo"),
        ngettext(
            "(for %(minutes)s minute; later, from the factory's page)",
            "(for %(minutes)s minutes; later, from the factory's page)",
            UNDO_MINUTES,
        )
        % {"minutes": UNDO_MINUTES},
    )


class MatchReviewListView(ExportMixin, StaffRequiredMixin, ListView):
    """Every pair waiting, to pick one from."""

    export_columns = fields(
        FactoryMatchReview, "factory", "candidate", "score", "decision", "created_at"
    )

    template_name = "suppliers/match_review_list.html"
    context_object_name = "reviews"
    paginate_by = 25

    def get_queryset(self):
        return match_review.pending_reviews().select_related("factory", "candidate")


class MatchReviewDecidedView(ExportMixin, StaffRequiredMixin, ListView):
    """The decisions taken: who decided what, and when."""

    export_columns = fields(
        FactoryMatchReview, "factory", "candidate", "score", "decision", "decided_by", "decided_at"
    )

    template_name = "suppliers/match_review_decided.html"
    context_object_name = "reviews"
    paginate_by = 25

    def get_queryset(self):
        return (
            FactoryMatchReview.objects.exclude(decision=FactoryMatchReview.Decision.PENDING)
            .select_related("factory", "candidate", "decided_by")
            .order_by("-decided_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["waiting"] = match_review.pending_reviews().count()
        return context


class FactoryUnmergeView(StaffRequiredMixin, TemplateView):
    """Confirm, then undo a merge: both records and every link as they were."""

    template_name = "suppliers/factory_unmerge.html"

    def get_merge(self) -> FactoryMerge:
        return get_object_or_404(
            FactoryMerge.objects.select_related("source", "target", "merged_by", "undone_by"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        merge = context["merge"] = self.get_merge()
        context["moved"] = [
            (apps.get_model(label)._meta.verbose_name_plural, len(pks))
            for label, pks in sorted(merge.moved.items())
        ]
        return context

    def post(self, request, *args, **kwargs):
        merge = self.get_merge()
        recent = merge.merged_at >= timezone.now() - timedelta(minutes=UNDO_MINUTES)
        if request.POST.get("undo") == "quick" and not recent:
            # The button of an old message: the page says what the undo puts back first.
            return redirect(reverse("suppliers:staff_factory_unmerge", kwargs={"pk": merge.pk}))
        try:
            services.factory_unmerge(merge=merge, by=request.user)
        except DomainError as error:
            show_domain_error(request, error)
            return redirect(reverse("suppliers:staff_factory_unmerge", kwargs={"pk": merge.pk}))
        messages.success(
            request,
            _("Merge undone: “%(source)s” and “%(target)s” are two sites again.")
            % {"source": merge.source.name, "target": merge.target.name},
        )
        return redirect("suppliers:staff_factory", pk=merge.source_id)
