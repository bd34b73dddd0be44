"""Peer learning's rules, in one place: who may take part, asking and answering, editing,
following, notifying followers, and moderation by Electronics Watch staff.

Who: every signed-in member of the community, that is EW staff, a monitoring partner's
members and the members of an active affiliate. Each post records the body its author wrote
for (the affiliate they were working as, their partner organisation, or Electronics Watch);
a post carries its text and the library resources its author quoted, nothing else: no
factory, contract or finding of the author's supply chain.

Hidden posts are read only by their author and staff (`Post.objects.visible_to`); e-mails and
digests only ever carry posts nobody hid (`Post.objects.published`), and hiding a reply
withdraws its e-mails still waiting in the outbox.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from affiliates.tenancy import memberships_of
from core.errors import DomainError
from core.markdown import render_markdown
from core.models import OutboxEmail
from core.outbox import Message, outbox_enqueue

from ..models import Follow, FollowMode, Post, PostReport, Resource, Thread, Topic

TITLE_MAX = 200
BODY_MAX = 20_000
REASON_MAX = 2_000
REPLY_EMAIL = "learning/email/community_reply"


@dataclass(frozen=True)
class Identity:
    """The body a member writes for: an affiliate, a monitoring partner, or neither (EW)."""

    affiliate: object | None = None
    partner: object | None = None


_LINK = re.compile(r'<a [^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


def markdown_as_text(body: str) -> str:
    """A post for the plain-text part of an e-mail: what the page shows, without markup. The
    source goes through the same sanitiser as the page, so a `javascript:` link or raw HTML
    typed in a post reaches no e-mail; kept links read "text (address)"."""
    cleaned = str(render_markdown(body))
    cleaned = _LINK.sub(lambda m: f"{m.group(2)} ({html.unescape(m.group(1))})", cleaned)
    cleaned = re.sub(r"<a\b[^>]*>(.*?)</a>", r"\1", cleaned, flags=re.DOTALL)
    text = html.unescape(strip_tags(cleaned))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- Who takes part ---------------------------------------------------------------------------


def _partner_of(user):
    membership = getattr(user, "partner_membership", None)
    return membership.partner if membership is not None else None


def community_identity(user, *, active_slug: str | None = None) -> Identity | None:
    """The body `user` writes for, or None when they are no member of the community. A
    member of several affiliates writes for the one they last worked in (`active_slug`),
    else the first by name."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_ew_staff:
        return Identity()
    partner = _partner_of(user)
    if partner is not None:
        return Identity(partner=partner)
    memberships = memberships_of(user)
    if not memberships:
        return None
    chosen = next((m for m in memberships if m.affiliate.slug == active_slug), memberships[0])
    return Identity(affiliate=chosen.affiliate)


def _require_identity(identity: Identity | None) -> Identity:
    if identity is None:
        raise DomainError(_("Only members of an affiliate, partners and staff take part."))
    return identity


def _require_staff(user) -> None:
    if not (user and user.is_authenticated and user.is_ew_staff):
        raise DomainError(_("Only Electronics Watch staff moderate the community."))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write your message."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("A message has at most %(max)s characters; this one has %(count)s.")
            % {"max": BODY_MAX, "count": len(body)},
            field="body",
        )
    return body


def _published_resources(resources: Iterable[Resource] | None) -> list[Resource]:
    resources = list(resources or [])
    if any(resource.status != Resource.Status.PUBLISHED for resource in resources):
        raise DomainError(_("Only published library resources can be quoted."), field="resources")
    return resources


def _author_fields(by, identity: Identity) -> dict:
    return {
        "author": by,
        "author_affiliate": identity.affiliate,
        "author_partner": identity.partner,
    }


# --- Asking and answering -----------------------------------------------------------------------


def thread_ask(
    *,
    by,
    identity: Identity | None,
    topic: Topic,
    title: str,
    body: str,
    resources: Iterable[Resource] | None = None,
) -> Thread:
    """A new thread with its question; the author follows it, an e-mail for each reply."""
    identity = _require_identity(identity)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give your question a title."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            _("A title has at most %(max)s characters.") % {"max": TITLE_MAX}, field="title"
        )
    body = _clean_body(body)
    resources = _published_resources(resources)
    now = timezone.now()
    with transaction.atomic():
        thread = Thread.objects.create(
            topic=topic,
            title=title,
            created_at=now,
            last_activity_at=now,
            **_author_fields(by, identity),
        )
        post = Post.objects.create(
            thread=thread, opening=True, body=body, created_at=now, **_author_fields(by, identity)
        )
        post.quoted_resources.set(resources)
        Follow.objects.get_or_create(
            user=by, thread=thread, defaults={"mode": FollowMode.EACH_REPLY}
        )
    return thread


def thread_answer(
    *,
    thread: Thread,
    by,
    identity: Identity | None,
    body: str,
    resources: Iterable[Resource] | None = None,
) -> Post:
    """A reply. Refused on a locked thread. The replier follows the thread (unless they
    chose a mode already); followers who asked for an e-mail for each reply get one."""
    identity = _require_identity(identity)
    body = _clean_body(body)
    resources = _published_resources(resources)
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        if thread.locked:
            raise DomainError(
                _("This thread is locked by the moderators: it takes no more replies.")
            )
        now = timezone.now()
        post = Post.objects.create(
            thread=thread, body=body, created_at=now, **_author_fields(by, identity)
        )
        post.quoted_resources.set(resources)
        thread.last_activity_at = now
        thread.save(update_fields=["last_activity_at"])
        Follow.objects.get_or_create(
            user=by, thread=thread, defaults={"mode": FollowMode.EACH_REPLY}
        )
        _notify_followers(post)
    return post


def post_edit(*, post: Post, by, body: str, resources: Iterable[Resource] | None = None) -> Post:
    """The author corrects their post; a locked thread's posts stay as they are."""
    if post.author_id is None or post.author_id != by.pk:
        raise DomainError(_("Only the author of a post can edit it."))
    if post.thread.locked:
        raise DomainError(_("This thread is locked by the moderators: its posts stay as they are."))
    body = _clean_body(body)
    resources = _published_resources(resources)
    with transaction.atomic():
        post.body = body
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "edited_at"])
        post.quoted_resources.set(resources)
    return post


# --- Following ----------------------------------------------------------------------------------


def thread_follow(*, thread: Thread, user, mode: str) -> Follow:
    """Follow a thread in `mode` (an e-mail for each reply, a weekly digest, or muted)."""
    if mode not in FollowMode.values:
        raise DomainError(_("Choose how you want to hear of replies."), field="mode")
    follow, _created = Follow.objects.update_or_create(
        user=user, thread=thread, defaults={"mode": mode}
    )
    return follow


def thread_unfollow(*, thread: Thread, user) -> None:
    """Stop following. Answering the thread again follows it again; muting does not."""
    Follow.objects.filter(user=user, thread=thread).delete()


def _notify_followers(post: Post) -> int:
    """One e-mail per follower who asked for each reply, but not to the replier, nor to
    muted or weekly followers, nor to deactivated accounts. Queued in the reply's
    transaction; never for a hidden post."""
    if post.hidden:
        return 0
    follows = list(
        Follow.objects.filter(
            thread_id=post.thread_id, mode=FollowMode.EACH_REPLY, user__is_active=True
        )
        .exclude(user_id=post.author_id)
        .select_related("user")
    )
    if not follows:
        return 0
    context = {
        "thread": post.thread,
        "post": post,
        "author_name": post.author_name,
        "author_body": post.author_body,
        "body_html": render_markdown(post.body),
        "body_text": markdown_as_text(post.body),
        "link": settings.SITE_URL + post.get_absolute_url(),
        "thread_link": settings.SITE_URL + post.thread.get_absolute_url(),
    }
    return outbox_enqueue(
        [
            Message(
                key=f"{_reply_key_prefix(post)}{follow.user_id}",
                recipient=follow.user.email,
                template_prefix=REPLY_EMAIL,
                context=context,
                language=follow.user.language,
            )
            for follow in follows
        ]
    )


def _reply_key_prefix(post: Post) -> str:
    return f"community-reply:{post.pk}:"


# --- Reporting ----------------------------------------------------------------------------------


def post_report(*, post: Post, by, reason: str) -> PostReport:
    """Any member reports a post to the moderators, once until staff handle it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what is wrong with this post."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("A reason has at most %(max)s characters.") % {"max": REASON_MAX}, field="reason"
        )
    if PostReport.objects.filter(post=post, reporter=by, handled=False).exists():
        raise DomainError(_("You have reported this post already; the moderators will look at it."))
    return PostReport.objects.create(post=post, reporter=by, reason=reason)


def post_report_handle(*, report: PostReport, by) -> PostReport:
    """Staff close a report (after hiding the post, or deciding it can stay)."""
    _require_staff(by)
    if report.handled:
        raise DomainError(_("This report has been handled already."))
    report.handled = True
    report.handled_by = by
    report.handled_at = timezone.now()
    report.save(update_fields=["handled", "handled_by", "handled_at"])
    return report


# --- Moderation ---------------------------------------------------------------------------------


def post_hide(*, post: Post, by, reason: str) -> Post:
    """Staff hide a post with a reason its author reads. Hidden, it leaves every page, e-mail
    and digest except for its author and staff; its reply e-mails not yet sent are withdrawn,
    and the reports about it are handled."""
    _require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the post is hidden: its author reads it."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("A reason has at most %(max)s characters.") % {"max": REASON_MAX}, field="reason"
        )
    if post.hidden:
        raise DomainError(_("This post is hidden already."))
    now = timezone.now()
    with transaction.atomic():
        post.hidden = True
        post.hidden_reason = reason
        post.hidden_by = by
        post.hidden_at = now
        post.recommended = False
        post.save(
            update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at", "recommended"]
        )
        OutboxEmail.objects.filter(
            key__startswith=_reply_key_prefix(post), status=OutboxEmail.Status.PENDING
        ).delete()
        post.reports.filter(handled=False).update(handled=True, handled_by=by, handled_at=now)
    return post


def post_unhide(*, post: Post, by) -> Post:
    """Staff show a hidden post again (no e-mail goes out for it then)."""
    _require_staff(by)
    if not post.hidden:
        raise DomainError(_("This post is not hidden."))
    post.hidden = False
    post.hidden_reason = ""
    post.hidden_by = None
    post.hidden_at = None
    post.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    return post


def post_recommend(*, post: Post, by) -> Post:
    """Staff mark a reply as the thread's recommended answer (one per thread)."""
    _require_staff(by)
    if post.opening:
        raise DomainError(_("The question itself cannot be the recommended answer."))
    if post.hidden:
        raise DomainError(_("A hidden post cannot be the recommended answer."))
    with transaction.atomic():
        Post.objects.filter(thread_id=post.thread_id, recommended=True).exclude(pk=post.pk).update(
            recommended=False
        )
        post.recommended = True
        post.save(update_fields=["recommended"])
    return post


def post_unrecommend(*, post: Post, by) -> Post:
    _require_staff(by)
    post.recommended = False
    post.save(update_fields=["recommended"])
    return post


def thread_lock(*, thread: Thread, by) -> Thread:
    """Staff close a thread to replies and edits; it stays readable."""
    _require_staff(by)
    if thread.locked:
        raise DomainError(_("This thread is locked already."))
    thread.locked = True
    thread.locked_by = by
    thread.locked_at = timezone.now()
    thread.save(update_fields=["locked", "locked_by", "locked_at"])
    return thread


def thread_unlock(*, thread: Thread, by) -> Thread:
    _require_staff(by)
    if not thread.locked:
        raise DomainError(_("This thread is not locked."))
    thread.locked = False
    thread.locked_by = None
    thread.locked_at = None
    thread.save(update_fields=["locked", "locked_by", "locked_at"])
    return thread
