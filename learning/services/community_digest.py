"""The weekly digest of peer learning: for each member following threads "by weekly digest",
the replies posted in those threads since their last digest.

Beat runs the sweep daily. From the digest weekday (`EW_DIGEST_WEEKDAY`, as the remediation
digest) on, each member with no digest recorded for the current ISO week gets one: a day
missed by beat is caught up the next day, and a second run in the same week sends nothing
(a `CommunityDigest` row per member and week, and the outbox key, both unique). Each digest
lists the replies after the previous one's `covered_until` (a week back for the first), never
a hidden one, never the member's own.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from affiliates.models import User
from core.markdown import render_markdown
from core.outbox import Message, outbox_enqueue

from ..models import CommunityDigest, Follow, FollowMode, Post
from .community import markdown_as_text

DIGEST_EMAIL = "learning/email/community_digest"
FIRST_DIGEST_SPAN = timedelta(days=7)


def iso_week(day) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def community_digests_send(*, now: datetime | None = None) -> int:
    """Queue this week's digests not sent yet; returns how many e-mails were queued. A fixed
    number of queries however many members, threads and replies."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today.weekday() < settings.EW_DIGEST_WEEKDAY:
        return 0  # this week's digest day has not come yet
    week = iso_week(today)
    with transaction.atomic():
        threads_of: dict[int, set[int]] = defaultdict(set)
        for user_id, thread_id in Follow.objects.filter(
            mode=FollowMode.WEEKLY, user__is_active=True
        ).values_list("user_id", "thread_id"):
            threads_of[user_id].add(thread_id)
        done = set(
            CommunityDigest.objects.filter(week=week, user_id__in=threads_of).values_list(
                "user_id", flat=True
            )
        )
        for user_id in done:
            threads_of.pop(user_id, None)
        if not threads_of:
            return 0
        last = dict(
            CommunityDigest.objects.filter(user_id__in=threads_of)
            .values("user_id")
            .annotate(last=Max("covered_until"))
            .values_list("user_id", "last")
        )
        since_of = {user_id: last.get(user_id) or now - FIRST_DIGEST_SPAN for user_id in threads_of}
        posts = list(
            Post.objects.published()
            .filter(
                thread_id__in={t for threads in threads_of.values() for t in threads},
                created_at__gt=min(since_of.values()),
                created_at__lte=now,
                opening=False,
            )
            .select_related("thread", "author", "author_affiliate", "author_partner")
            .order_by("thread__title", "thread_id", "created_at", "pk")
        )
        rendered = {
            post.pk: {
                "post": post,
                "author_name": post.author_name,
                "author_body": post.author_body,
                "body_html": render_markdown(post.body),
                "body_text": markdown_as_text(post.body),
                "link": settings.SITE_URL + post.get_absolute_url(),
            }
            for post in posts
        }
        users = User.objects.in_bulk(list(threads_of))
        records, messages = [], []
        for user_id, threads in threads_of.items():
            items = [
                rendered[post.pk]
                for post in posts
                if post.thread_id in threads
                and post.created_at > since_of[user_id]
                and post.author_id != user_id
            ]
            records.append(
                CommunityDigest(
                    user_id=user_id, week=week, covered_until=now, post_count=len(items)
                )
            )
            if not items:
                continue
            user = users[user_id]
            messages.append(
                Message(
                    key=f"community-digest:{user_id}:{week}",
                    recipient=user.email,
                    template_prefix=DIGEST_EMAIL,
                    context={
                        "items": items,
                        "thread_count": len({item["post"].thread_id for item in items}),
                        "community_link": settings.SITE_URL + reverse("learning:community"),
                    },
                    language=user.language,
                )
            )
        CommunityDigest.objects.bulk_create(records, ignore_conflicts=True)
        return outbox_enqueue(messages)
