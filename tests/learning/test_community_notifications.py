"""Following threads: an e-mail for each reply (not to the replier, not to muted or weekly
followers), the weekly digest (once a week, caught up after a missed day, never a hidden or
an own reply), and hidden or unsafe text never reaching an e-mail."""

from datetime import UTC, datetime, timedelta

import pytest

from core.models import OutboxEmail
from core.outbox import outbox_send_pending
from learning.models import CommunityDigest, Follow, FollowMode, Post
from learning.services import community as services
from learning.services.community_digest import community_digests_send
from learning.tasks import send_community_digests
from tests.factories import PartnerMemberFactory, member

from .community_setup import answer, ask

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def send_the_outbox() -> int:
    total = 0
    while sent := outbox_send_pending():
        total += sent
    return total


def recipients(mailoutbox) -> set[str]:
    return {address for message in mailoutbox for address in message.to}


@pytest.fixture
def asker(northvale):
    return member(northvale, email="asker@northvale.example", full_name="Noor Haddad")


@pytest.fixture
def answerer(southport):
    return member(southport, email="answerer@southport.example", full_name="Sam Byrne")


@pytest.fixture
def thread(asker):
    return ask(asker, title="Who pays the recruitment fees back?", body="In our case…")


def follower(thread, affiliate, mode, email):
    user = member(affiliate, email=email)
    services.thread_follow(thread=thread, user=user, mode=mode)
    return user


# --- An e-mail for each reply -----------------------------------------------------------------


def test_a_reply_emails_followers_but_not_the_replier_nor_muted_or_weekly_ones(
    thread, northvale, southport, answerer, mailoutbox
):
    follower(thread, northvale, FollowMode.EACH_REPLY, "each@northvale.example")
    follower(thread, southport, FollowMode.MUTED, "muted@southport.example")
    follower(thread, southport, FollowMode.WEEKLY, "weekly@southport.example")
    services.thread_follow(thread=thread, user=answerer, mode=FollowMode.EACH_REPLY)

    answer(thread, answerer, body="The brand repaid them in 2024.")
    send_the_outbox()

    assert recipients(mailoutbox) == {"asker@northvale.example", "each@northvale.example"}
    message = mailoutbox[0]
    assert message.subject == "New reply: Who pays the recruitment fees back?"
    assert "Sam Byrne (Southport University) answered" in message.body
    assert "The brand repaid them in 2024." in message.body
    assert f"/community/threads/{thread.pk}/#post-" in message.body


def test_answering_follows_the_thread_so_the_next_reply_reaches_the_first_replier(
    thread, answerer, mailoutbox
):
    partner = PartnerMemberFactory(email="monitor@partner.example")
    answer(thread, answerer)
    assert Follow.objects.get(user=answerer, thread=thread).mode == FollowMode.EACH_REPLY
    send_the_outbox()
    mailoutbox.clear()

    answer(thread, partner, body="Workers told us otherwise.")
    send_the_outbox()

    assert recipients(mailoutbox) == {"asker@northvale.example", "answerer@southport.example"}


def test_a_muted_member_stays_muted_when_answering_again(thread, answerer, mailoutbox):
    services.thread_follow(thread=thread, user=answerer, mode=FollowMode.MUTED)
    answer(thread, answerer)
    assert Follow.objects.get(user=answerer, thread=thread).mode == FollowMode.MUTED


def test_members_choose_how_they_follow_on_the_thread_page(client, thread, answerer):
    client.force_login(answerer)
    url = f"/community/threads/{thread.pk}/follow/"

    client.post(url, {"mode": "weekly"})
    assert Follow.objects.get(user=answerer, thread=thread).mode == FollowMode.WEEKLY
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "You follow this thread: A weekly digest." in page

    response = client.post(url, {"mode": "every-minute"}, follow=True)
    assert "Choose how you want to hear of replies." in response.content.decode()
    assert Follow.objects.get(user=answerer, thread=thread).mode == FollowMode.WEEKLY

    client.post(url, {"unfollow": "1"})
    assert not Follow.objects.filter(user=answerer, thread=thread).exists()


def test_hiding_a_reply_withdraws_its_emails_not_sent_yet(thread, answerer, staff, mailoutbox):
    post = answer(thread, answerer, body="Call the owner on 555 0100.")
    assert OutboxEmail.objects.filter(key__startswith=f"community-reply:{post.pk}:").exists()

    services.post_hide(post=post, by=staff, reason="No personal numbers.")
    send_the_outbox()

    assert mailoutbox == []


def test_a_reply_email_neutralises_raw_html_and_javascript_links(thread, answerer, mailoutbox):
    answer(
        thread,
        answerer,
        body="<script>alert(1)</script> [click](javascript:alert(1)) [EW](https://electronicswatch.org)",
    )
    send_the_outbox()

    (message,) = mailoutbox
    (html, _mimetype), *_others = message.alternatives
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html and "javascript:" not in message.body
    assert 'href="https://electronicswatch.org"' in html
    assert "EW (https://electronicswatch.org)" in message.body


# --- The weekly digest ------------------------------------------------------------------------


@pytest.fixture
def on_mondays(settings):
    settings.EW_DIGEST_WEEKDAY = 0


def replied_at(post: Post, when: datetime) -> Post:
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return post


@pytest.fixture
def weekly(thread, southport):
    return follower(thread, southport, FollowMode.WEEKLY, "weekly@southport.example")


def digests(mailoutbox):
    return [m for m in mailoutbox if m.to == ["weekly@southport.example"]]


def test_the_weekly_digest_goes_once_a_week_even_if_run_twice(
    on_mondays, thread, weekly, answerer, mailoutbox
):
    replied_at(answer(thread, answerer, body="Fees were repaid."), MONDAY - timedelta(days=3))

    assert community_digests_send(now=MONDAY) == 1
    assert community_digests_send(now=MONDAY + timedelta(hours=1)) == 0
    assert community_digests_send(now=MONDAY + timedelta(days=2)) == 0
    send_the_outbox()

    (digest,) = digests(mailoutbox)
    assert digest.subject == "Peer learning: 1 new reply in the threads you follow"
    assert "Who pays the recruitment fees back?" in digest.body
    assert "Sam Byrne (Southport University)" in digest.body
    assert "Fees were repaid." in digest.body
    assert CommunityDigest.objects.filter(user=weekly).count() == 1


def test_the_next_digest_lists_only_what_came_after_the_last_one(
    on_mondays, thread, weekly, answerer, mailoutbox
):
    replied_at(answer(thread, answerer, body="Old reply."), MONDAY - timedelta(days=3))
    community_digests_send(now=MONDAY)
    replied_at(answer(thread, answerer, body="New reply."), MONDAY + timedelta(days=2))

    assert community_digests_send(now=MONDAY + timedelta(days=7)) == 1
    send_the_outbox()

    first, second = digests(mailoutbox)
    assert "Old reply." in first.body and "New reply." not in first.body
    assert "New reply." in second.body and "Old reply." not in second.body


def test_a_digest_day_missed_by_beat_is_caught_up_the_next_day(
    on_mondays, thread, weekly, answerer, mailoutbox
):
    assert community_digests_send(now=MONDAY - timedelta(days=7)) == 0  # last week: nothing new
    replied_at(answer(thread, answerer, body="Fees were repaid."), MONDAY - timedelta(days=3))

    # Beat was down on Monday: Tuesday's run sends this week's digest, once.
    assert community_digests_send(now=MONDAY + timedelta(days=1)) == 1
    assert community_digests_send(now=MONDAY + timedelta(days=1, hours=2)) == 0
    send_the_outbox()
    assert len(digests(mailoutbox)) == 1


def test_nothing_goes_before_the_digest_weekday(settings, thread, weekly, answerer):
    settings.EW_DIGEST_WEEKDAY = 3  # Thursdays
    replied_at(answer(thread, answerer), MONDAY - timedelta(days=1))
    assert community_digests_send(now=MONDAY) == 0
    assert not CommunityDigest.objects.exists()


def test_the_digest_never_lists_a_hidden_or_an_own_reply(
    on_mondays, thread, weekly, answerer, staff, mailoutbox
):
    hidden = answer(thread, answerer, body="Call 555 0100.")
    services.post_hide(post=hidden, by=staff, reason="Personal number.")
    replied_at(hidden, MONDAY - timedelta(days=2))
    replied_at(answer(thread, weekly, body="My own words."), MONDAY - timedelta(days=2))
    replied_at(answer(thread, answerer, body="Visible reply."), MONDAY - timedelta(days=2))
    services.thread_follow(thread=thread, user=weekly, mode=FollowMode.WEEKLY)

    community_digests_send(now=MONDAY)
    send_the_outbox()

    (digest,) = digests(mailoutbox)
    (html, _mimetype), *_others = digest.alternatives
    for part in (digest.body, html):
        assert "Visible reply." in part
        assert "555 0100" not in part and "My own words." not in part


def test_no_digest_without_new_replies(on_mondays, thread, weekly, mailoutbox):
    assert community_digests_send(now=MONDAY) == 0
    send_the_outbox()
    assert digests(mailoutbox) == []


def test_the_beat_task_runs_the_digest(on_mondays, thread, weekly, answerer):
    answer(thread, answerer)
    # Whatever today is, it is on or after Monday: the task queues this week's digest.
    assert send_community_digests() == 1
    assert send_community_digests() == 0
