"""Peer learning in a browser: an officer of one affiliate asks a question, an officer of
another affiliate answers it, and the first reads the answer with its author's name and
affiliate; axe finds no WCAG violation on the community's pages, in English and French."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from affiliates.models import Membership
from learning.models import Post, Thread, Topic
from learning.services import community as services
from tests.browser.steps import sign_in, violations
from tests.factories import StaffFactory, member

QUESTION = "How did you get recruitment fees repaid?"
DETAILS = "Workers paid a broker about **THB 25,700** each. What worked for you?"
ANSWER = "We quoted the remediation clause in a formal letter to the contractor."


def _topic():
    return Topic.objects.get_or_create(
        slug="migrant-workers-recruitment-fees",
        defaults={
            "name_en": "Migrant workers and recruitment fees",
            "name_fr": "Travailleurs migrants et frais de recrutement",
        },
    )[0]


def test_an_officer_asks_and_an_officer_of_another_affiliate_answers(
    live_server, page, new_context, northvale_officer, southport_officer
):
    _topic()
    northvale_officer.full_name = "Noor Haddad"
    northvale_officer.save()
    southport_officer.full_name = "Sam Byrne"
    southport_officer.save()
    base = live_server.url

    sign_in(page, base, northvale_officer.email)
    page.goto(base + "/community/")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Topic").select_option(label="Migrant workers and recruitment fees")
    page.get_by_label("Your question, in one line").fill(QUESTION)
    page.get_by_label("Your message").fill(DETAILS)
    page.get_by_role("button", name="Post the question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    expect(page.get_by_role("status")).to_contain_text("Your question is posted.")
    expect(page.locator("article.post strong")).to_have_text("THB 25,700")
    thread = Thread.objects.get(title=QUESTION)

    other = new_context().new_page()
    sign_in(other, base, southport_officer.email)
    other.goto(base + "/community/?waiting=1")
    other.get_by_role("link", name=QUESTION).click()
    expect(other.get_by_role("heading", level=3).first).to_have_text(
        "Noor Haddad, City of Northvale"
    )
    other.get_by_label("Your message").fill(ANSWER)
    other.get_by_role("button", name="Post the answer").click()
    expect(other.get_by_role("status")).to_contain_text("Your answer is posted.")
    expect(other.get_by_role("heading", name="2 posts")).to_be_visible()

    page.reload()
    answer = page.locator("article.post").nth(1)
    expect(answer.get_by_role("heading", level=3)).to_have_text("Sam Byrne, Southport University")
    expect(answer).to_contain_text(ANSWER)
    post = Post.objects.get(thread=thread, opening=False)
    assert post.author_affiliate.slug == "southport"
    page.goto(base + "/community/?waiting=1")
    expect(page.get_by_role("link", name=QUESTION)).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_community_pages_have_no_wcag_violation(live_server, page, northvale, southport, language):
    asker = member(northvale, Membership.Role.OFFICER, language=language, full_name="Noor Haddad")
    replier = member(southport, full_name="Sam Byrne")
    staff = StaffFactory(totp=False, language=language)
    thread = services.thread_ask(
        by=asker,
        identity=services.community_identity(asker),
        topic=_topic(),
        title=QUESTION,
        body=DETAILS + "\n\n- one\n- two\n\n> quoted [link](https://electronicswatch.org)",
    )
    identity = services.community_identity(replier)
    reply = services.thread_answer(thread=thread, by=replier, identity=identity, body=ANSWER)
    hidden = services.thread_answer(
        thread=thread, by=asker, identity=services.community_identity(asker), body="Mine"
    )
    services.post_hide(post=hidden, by=staff, reason="Off topic.")
    services.post_recommend(post=reply, by=staff)
    services.post_report(post=reply, by=asker, reason="Please check.")
    thread_url = thread.get_absolute_url()

    found = []
    sign_in(page, live_server.url, asker.email)
    for path in ("/community/", "/community/?waiting=1&q=none", thread_url, "/community/new/"):
        found += violations(page, live_server.url + path)
    found += violations(page, live_server.url + f"/community/posts/{hidden.pk}/edit/")
    with override_settings(EW_MFA_REQUIRED=False):
        sign_in(page, live_server.url, staff.email)
        for path in (thread_url, "/community/moderation/"):
            found += violations(page, live_server.url + path)
    assert found == []
