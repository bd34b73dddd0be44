"""Peer learning: members of different affiliates (and partners, and EW staff) ask and answer
questions in threads by topic, quote library resources and follow threads.

Threads and posts are shared rows: every signed-in member reads them. A post hidden by staff
is read only by its author (who sees why) and by staff: `Post.objects.visible_to(reader)`
holds that rule for pages, API, e-mails and digests alike.

An author is shown with their name and the body they posted for (an affiliate, a monitoring
partner, or Electronics Watch), recorded when they post; nothing in a post comes from their
supply chain.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .library import Resource, Topic

__all__ = [
    "CommunityDigest",
    "Follow",
    "FollowMode",
    "Post",
    "PostReport",
    "Thread",
]


class FollowMode(models.TextChoices):
    EACH_REPLY = "each_reply", _("An e-mail for each reply")
    WEEKLY = "weekly", _("A weekly digest")
    MUTED = "muted", _("Muted: no e-mail")


class AuthorMixin(models.Model):
    """Who wrote it, and for which body at the time: an affiliate, a monitoring partner, or
    Electronics Watch (neither)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_affiliate = models.ForeignKey(
        "affiliates.Affiliate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's affiliate"),
    )
    author_partner = models.ForeignKey(
        "monitoring.MonitoringPartner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's monitoring partner"),
    )

    class Meta:
        abstract = True

    @property
    def author_name(self) -> str:
        if self.author is None:
            return str(_("A former member"))
        return self.author.full_name or str(_("A member"))

    @property
    def author_body(self) -> str:
        """The affiliate or organisation the author wrote for."""
        if self.author_affiliate_id is not None:
            return self.author_affiliate.name
        if self.author_partner_id is not None:
            return self.author_partner.name
        if self.author is not None and self.author.is_ew_staff:
            return "Electronics Watch"
        return ""


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Every signed-in member of the community reads every thread (whether the reader is
        one is checked where the request comes in, `learning.services.community`), except a
        thread whose question staff hid: only its author and staff read that one."""
        if reader.user is None:
            return self.none()
        if reader.is_staff:
            return self.all()
        hidden_question = Post.objects.filter(thread=OuterRef("pk"), opening=True, hidden=True)
        return self.filter(~Exists(hidden_question) | Q(author=reader.user))

    def with_counts(self):
        """`reply_count`: replies nobody hid; `answered`: a reply is recommended by staff."""
        return self.annotate(
            reply_count=Count(
                "posts", filter=Q(posts__hidden=False, posts__opening=False), distinct=True
            ),
            answered=Exists(Post.objects.filter(thread=OuterRef("pk"), recommended=True)),
        )

    def waiting_for_answer(self):
        """Threads without a reply nobody hid (needs `with_counts`)."""
        return self.filter(reply_count=0)


class Thread(AuthorMixin):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="threads", verbose_name=_("topic")
    )
    title = models.CharField(_("question"), max_length=200)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("A locked thread takes no more replies.")
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [models.Index(fields=["-last_activity_at"], name="thread_activity_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self):
        return reverse("learning:community_thread", args=[self.pk])


class PostQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """Staff read every post; anyone else every post nobody hid, and their own."""
        if reader.user is None:
            return self.none()
        if reader.is_staff:
            return self.all()
        return self.filter(Q(hidden=False) | Q(author=reader.user))

    def published(self):
        """What may go to a third party (e-mails, digests): posts nobody hid."""
        return self.filter(hidden=False)


class Post(AuthorMixin):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    opening = models.BooleanField(
        _("the question"), default=False, help_text=_("The post that opened the thread.")
    )
    body = models.TextField(_("text"), help_text=_("Markdown; no HTML."))
    quoted_resources = models.ManyToManyField(
        Resource, blank=True, related_name="community_posts", verbose_name=_("quoted resources")
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.TextField(_("why it is hidden"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_at = models.DateTimeField(_("hidden on"), null=True, blank=True)
    recommended = models.BooleanField(_("recommended answer"), default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["thread"],
                condition=Q(recommended=True),
                name="post_one_recommended_per_thread",
            ),
            models.UniqueConstraint(
                fields=["thread"], condition=Q(opening=True), name="post_one_opening_per_thread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    def get_absolute_url(self):
        return f"{self.thread.get_absolute_url()}#post-{self.pk}"


class PostReport(models.Model):
    """A member's report of a post to the moderators; staff handle it from their queue."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="reports", verbose_name=_("post")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    handled = models.BooleanField(_("handled"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled on"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post report")
        verbose_name_plural = _("post reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(handled=False),
                name="post_report_one_open_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post} ({self.reporter})"


class Follow(models.Model):
    """How a member hears of replies in a thread: an e-mail each, a weekly digest, or none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="thread_follows",
        verbose_name=_("user"),
    )
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="follows", verbose_name=_("thread")
    )
    mode = models.CharField(
        _("e-mails"), max_length=16, choices=FollowMode.choices, default=FollowMode.EACH_REPLY
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("followed thread")
        verbose_name_plural = _("followed threads")
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.thread_id} ({self.mode})"


class CommunityDigest(models.Model):
    """A member's weekly digest, recorded when it is queued: one per ISO week, and the next
    one lists the replies posted after `covered_until`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    week = models.CharField(_("week"), max_length=10)  # ISO week, "2026-W48"
    covered_until = models.DateTimeField(_("replies until"))
    post_count = models.PositiveIntegerField(_("replies listed"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("community digest")
        verbose_name_plural = _("community digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="community_digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.week}"
