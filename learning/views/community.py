"""Peer learning's pages under /community/: the threads, a thread with its posts, asking,
answering, editing, following and reporting, for every member of the community; hiding,
locking, recommending and the report queue for EW staff.

Views are thin: the rules (who takes part, what a locked thread refuses, who is notified)
are in `learning.services.community`, who reads which post in `Post.objects.visible_to`.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from affiliates.mixins import ReaderMixin, StaffRequiredMixin
from affiliates.tenancy import ACTIVE_AFFILIATE_SESSION_KEY, log_denied
from core.errors import DomainError
from core.exports import ExportMixin, fields
from core.markdown import render_markdown
from core.views import ListView, ServiceActionMixin, show_domain_error

from ..forms.community import AskForm, FollowForm, ReplyForm, ThreadFilterForm
from ..models import (
    Follow,
    FollowMode,
    Post,
    PostReport,
    ResourceLanguage,
    ResourceVersion,
    Thread,
    Topic,
)
from ..services import community as services

PAGE_SIZE = 25


def posts_for_page(reader):
    """The posts a reader may see, with what a page shows of them in a fixed number of
    queries: authors, their affiliate or partner, and the quoted resources' versions."""
    return (
        Post.objects.visible_to(reader)
        .select_related("author", "author_affiliate", "author_partner", "hidden_by")
        .prefetch_related(
            Prefetch(
                "quoted_resources__versions",
                queryset=ResourceVersion.objects.only(
                    "pk", "resource_id", "language", "number", "title"
                ),
            )
        )
        .order_by("created_at", "pk")
    )


def prepare_for_page(posts: list[Post]) -> list[Post]:
    """Each post's rendered text (sanitised: `core.markdown`) and its quoted resources as
    plain facts: title, kind and languages (`data-resource` carries the resource's id)."""
    for post in posts:
        post.body_html = render_markdown(post.body)
        post.quotes = [quote_of(resource) for resource in post.quoted_resources.all()]
    return posts


def quote_of(resource) -> dict:
    version = resource.current_version()
    codes = sorted({v.language for v in resource.versions.all()})
    return {
        "pk": resource.pk,
        "url": resource.get_absolute_url(),
        "title": version.title if version else str(resource.get_kind_display()),
        "kind": resource.get_kind_display(),
        "languages": [str(ResourceLanguage(code).label) for code in codes],
    }


class CommunityMemberMixin(ReaderMixin):
    """Signed-in members of the community: affiliate members, partners' members and EW
    staff. Anyone else signed in is told the page does not exist. `self.identity` is the
    body the member writes for."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.identity = services.community_identity(
                request.user, active_slug=request.session.get(ACTIVE_AFFILIATE_SESSION_KEY)
            )
            if self.identity is None:
                log_denied(request, "community page")
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class ThreadMixin(CommunityMemberMixin):
    def get_thread(self) -> Thread:
        if not hasattr(self, "_thread"):
            self._thread = get_object_or_404(
                Thread.objects.visible_to(self.reader).select_related("topic"),
                pk=self.kwargs["pk"],
            )
        return self._thread

    def get_success_url(self):
        return self.get_thread().get_absolute_url()


# --- Threads -----------------------------------------------------------------------------------


class ThreadListView(ExportMixin, CommunityMemberMixin, ListView):
    export_columns = fields(Thread, "title", "topic", "created_at", "last_activity_at", "locked")

    model = Thread
    template_name = "learning/community/list.html"
    context_object_name = "threads"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        visible = Thread.objects.visible_to(self.reader)
        self.filters = ThreadFilterForm(self.request.GET, threads=visible)
        data = self.filters.cleaned_data if self.filters.is_valid() else {}
        self.topic = data.get("topic", "")
        threads = visible.with_counts().select_related(
            "topic", "author", "author_affiliate", "author_partner"
        )
        if self.topic:
            threads = threads.filter(topic__slug=self.topic)
        if data.get("waiting"):
            threads = threads.waiting_for_answer()
        if query := data.get("q", "").strip():
            threads = threads.filter(title__icontains=query)
        if not (self.topic or data.get("waiting") or query):
            self.known_count = self.filters.total  # every visible thread: counted already
        return threads.order_by("-last_activity_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filters=self.filters,
            topic=self.topic,
            is_staff=self.reader.is_staff,
            **kwargs,
        )


class ThreadCreateView(CommunityMemberMixin, FormView):
    template_name = "learning/community/new.html"
    form_class = AskForm

    def get_initial(self):
        topic = Topic.objects.filter(slug=self.request.GET.get("topic", "")).first()
        return {"topic": topic} if topic else {}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            thread = services.thread_ask(
                by=self.request.user,
                identity=self.identity,
                topic=data["topic"],
                title=data["title"],
                body=data["body"],
                resources=data["resources"],
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Your question is posted. You will hear of replies."))
        return redirect(thread)


class ThreadDetailView(ThreadMixin, DetailView):
    """The thread, and the reply form (posted here, so its errors show on the page)."""

    model = Thread
    template_name = "learning/community/thread.html"
    context_object_name = "thread"

    def get_object(self, queryset=None):
        return self.get_thread()

    def post(self, request, *args, **kwargs):
        self.object = self.get_thread()
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                post = services.thread_answer(
                    thread=self.object,
                    by=request.user,
                    identity=self.identity,
                    body=form.cleaned_data["body"],
                    resources=form.cleaned_data["resources"],
                )
            except DomainError as error:
                show_domain_error(request, error, form)
            else:
                messages.success(request, _("Your answer is posted."))
                return redirect(post.get_absolute_url())
        return self.render_to_response(self.get_context_data(reply_form=form))

    def get_context_data(self, **kwargs):
        thread = self.object
        user = self.request.user
        follow = Follow.objects.filter(user=user, thread=thread).first()
        kwargs.setdefault("reply_form", ReplyForm())
        return super().get_context_data(
            posts=prepare_for_page(list(posts_for_page(self.reader).filter(thread=thread))),
            follow=follow,
            follow_form=FollowForm(
                initial={"mode": follow.mode if follow else FollowMode.EACH_REPLY}
            ),
            is_staff=self.reader.is_staff,
            **kwargs,
        )


class FollowView(ThreadMixin, ServiceActionMixin, View):
    model = Thread

    def perform(self, request, *args, **kwargs):
        thread = self.get_thread()
        if request.POST.get("unfollow"):
            services.thread_unfollow(thread=thread, user=request.user)
            return _("You no longer follow this thread.")
        follow = services.thread_follow(
            thread=thread, user=request.user, mode=request.POST.get("mode", "")
        )
        return _("You follow this thread: %(mode)s.") % {"mode": follow.get_mode_display()}


# --- Posts -------------------------------------------------------------------------------------


class PostMixin(CommunityMemberMixin):
    model = Post

    def get_post(self, queryset=None) -> Post:
        if not hasattr(self, "_post"):
            posts = queryset if queryset is not None else Post.objects.visible_to(self.reader)
            self._post = get_object_or_404(posts.select_related("thread"), pk=self.kwargs["pk"])
        return self._post

    def get_success_url(self):
        return self.get_post().get_absolute_url()


class PostEditView(PostMixin, FormView):
    """The author's own post; anyone else's is a 404."""

    template_name = "learning/community/edit.html"
    form_class = ReplyForm

    def get_initial(self):
        post = self.get_own_post()
        return {"body": post.body, "resources": list(post.quoted_resources.all())}

    def get_own_post(self) -> Post:
        return self.get_post(Post.objects.filter(author=self.request.user))

    def form_valid(self, form):
        try:
            services.post_edit(
                post=self.get_own_post(),
                by=self.request.user,
                body=form.cleaned_data["body"],
                resources=form.cleaned_data["resources"],
            )
        except DomainError as error:
            show_domain_error(self.request, error, form)
            return self.form_invalid(form)
        messages.success(self.request, _("Your post is updated."))
        return redirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        post = self.get_own_post()
        return super().get_context_data(post=post, thread=post.thread, **kwargs)


class PostReportView(PostMixin, ServiceActionMixin, View):
    def perform(self, request, *args, **kwargs):
        services.post_report(
            post=self.get_post(), by=request.user, reason=request.POST.get("reason", "")
        )
        return _("Thank you: the moderators will look at this post.")


# --- Moderation (EW staff) ---------------------------------------------------------------------


class StaffPostAction(StaffRequiredMixin, ServiceActionMixin, View):
    model = Post

    def get_post(self) -> Post:
        if not hasattr(self, "_post"):
            self._post = get_object_or_404(
                Post.objects.select_related("thread"), pk=self.kwargs["pk"]
            )
        return self._post

    def get_success_url(self):
        if self.request.POST.get("next") == "moderation":
            return reverse("learning:community_moderation")
        return self.get_post().get_absolute_url()


class PostHideView(StaffPostAction):
    def perform(self, request, *args, **kwargs):
        services.post_hide(
            post=self.get_post(), by=request.user, reason=request.POST.get("reason", "")
        )
        return _("The post is hidden; its author sees why.")


class PostUnhideView(StaffPostAction):
    def perform(self, request, *args, **kwargs):
        services.post_unhide(post=self.get_post(), by=request.user)
        return _("The post is shown again.")


class PostRecommendView(StaffPostAction):
    def perform(self, request, *args, **kwargs):
        post = self.get_post()
        if request.POST.get("recommended") == "0":
            services.post_unrecommend(post=post, by=request.user)
            return _("The answer is no longer recommended.")
        services.post_recommend(post=post, by=request.user)
        return _("The answer is marked as recommended.")


class ThreadLockView(StaffRequiredMixin, ServiceActionMixin, View):
    model = Thread

    def perform(self, request, *args, **kwargs):
        self.thread = get_object_or_404(Thread, pk=self.kwargs["pk"])
        if request.POST.get("locked") == "0":
            services.thread_unlock(thread=self.thread, by=request.user)
            return _("The thread is open to replies again.")
        services.thread_lock(thread=self.thread, by=request.user)
        return _("The thread is locked: it takes no more replies.")

    def get_success_url(self):
        return reverse("learning:community_thread", args=[self.kwargs["pk"]])


class ModerationQueueView(ExportMixin, StaffRequiredMixin, ListView):
    """Reports waiting for staff, oldest first."""

    export_columns = fields(PostReport, "post", "reason", "created_at", "handled", "handled_at")

    model = PostReport
    template_name = "learning/community/moderation.html"
    context_object_name = "reports"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            PostReport.objects.filter(handled=False)
            .select_related(
                "reporter",
                "post__thread",
                "post__author",
                "post__author_affiliate",
                "post__author_partner",
            )
            .order_by("created_at", "pk")
        )


class ReportHandleView(StaffRequiredMixin, ServiceActionMixin, View):
    model = PostReport

    def perform(self, request, *args, **kwargs):
        report = get_object_or_404(PostReport, pk=self.kwargs["pk"])
        services.post_report_handle(report=report, by=request.user)
        return _("The report is closed; the post stays as it is.")

    def get_success_url(self):
        return reverse("learning:community_moderation")
