"""Peer learning: who takes part, what the thread page and the API show (hidden posts, the
author's name and affiliate, sanitised Markdown, nothing of a supply chain), locked threads,
reports and moderation by staff only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from core.errors import DomainError
from learning.models import Follow, FollowMode, Post, PostReport, Thread
from learning.services import community as services
from tests.factories import (
    AffiliateFactory,
    ContractFactory,
    FactoryFactory,
    MembershipFactory,
    PartnerMemberFactory,
    UserFactory,
    in_supply_chain,
    member,
    published_finding,
)

from .community_setup import answer, ask, published_resource, topic

pytestmark = pytest.mark.django_db

XSS = (
    '<script>alert("x")</script> <img src=x onerror="alert(1)"> '
    "[click me](javascript:alert(document.cookie)) and [EW](https://electronicswatch.org)"
)


@pytest.fixture
def asker(northvale):
    return member(northvale, email="asker@northvale.example", full_name="Noor Haddad")


@pytest.fixture
def answerer(southport):
    return member(southport, email="answerer@southport.example", full_name="Sam Byrne")


@pytest.fixture
def thread(asker):
    return ask(asker, title="How do you word the remediation clause?", body="We are drafting.")


def _hidden_reply(thread, answerer, staff):
    post = answer(thread, answerer, body="Call the supplier's CEO at home: 555 0100.")
    services.post_hide(post=post, by=staff, reason="Personal contact details are not allowed.")
    return post


# --- Who takes part -------------------------------------------------------------------------


def test_members_of_affiliates_partners_and_staff_read_the_community(
    client, asker, staff, partner_member, thread
):
    for user in (asker, staff, partner_member):
        client.force_login(user)
        response = client.get("/community/")
        assert response.status_code == 200
        assert thread.title in response.content.decode()


def test_a_signed_in_user_of_no_affiliate_or_partner_gets_404(client, thread):
    client.force_login(UserFactory())
    assert client.get("/community/").status_code == 404
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get("/api/v1/threads/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, thread):
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Authors --------------------------------------------------------------------------------


def test_author_is_shown_with_name_and_affiliate(client, thread, asker, answerer, staff):
    partner = PartnerMemberFactory(full_name="Lan Nguyen")
    answer(thread, answerer)
    answer(thread, staff)
    answer(thread, partner)
    client.force_login(answerer)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert 'Noor Haddad, <span class="author-body">City of Northvale</span>' in page
    assert 'Sam Byrne, <span class="author-body">Southport University</span>' in page
    assert f'{staff.full_name}, <span class="author-body">Electronics Watch</span>' in page
    partner_name = partner.partner_membership.partner.name
    assert f'Lan Nguyen, <span class="author-body">{partner_name}</span>' in page


def test_a_member_of_two_affiliates_writes_for_the_one_they_last_worked_in(
    client, northvale, southport
):
    consultant = member(northvale, full_name="Chris Dupont")
    MembershipFactory(affiliate=southport, user=consultant)
    client.force_login(consultant)
    client.get("/a/southport/")  # working as Southport University

    client.post(
        "/community/new/",
        {"topic": topic().pk, "title": "Who audits your resellers?", "body": "Asking for us."},
    )

    thread = Thread.objects.get(title="Who audits your resellers?")
    assert thread.author_affiliate == southport
    assert thread.posts.get().author_affiliate == southport


def test_the_thread_page_shows_nothing_of_the_authors_supply_chain(
    client, northvale, asker, answerer, thread
):
    finding = published_finding(FactoryFactory(name="Ayutthaya Precision Plant"))
    in_supply_chain(northvale, finding.report.factory)
    with scopes_disabled():
        contract = ContractFactory(affiliate=northvale, title="Laptops for the city schools")
    answer(thread, answerer)
    client.force_login(answerer)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(thread.get_absolute_url()).content.decode()

    assert "Ayutthaya Precision Plant" not in page
    assert contract.title not in page and contract.reference not in page
    # The site menu links the reader's own lists; the thread itself (the main region) none.
    main = page[page.index('<main id="main"') : page.index("</main>")]
    assert "/factories/" not in main and "/contracts/" not in main and "/findings/" not in main
    touched = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("suppliers_", "monitoring_finding", "monitoring_monitoringreport"):
        assert table not in touched
    # The forms ask for words and library resources only.
    form = page[page.index('id="reply-heading"') :]
    assert 'name="body"' in form and 'name="resources"' in form
    for name in ("factory", "contract", "finding", "supplier"):
        assert f'name="{name}' not in form


# --- Hidden posts ---------------------------------------------------------------------------


def test_a_hidden_post_is_read_by_its_author_with_the_reason_and_by_staff_only(
    client, thread, asker, answerer, staff, partner_member
):
    post = _hidden_reply(thread, answerer, staff)

    client.force_login(answerer)
    own = client.get(thread.get_absolute_url()).content.decode()
    assert "555 0100" in own
    assert "Personal contact details are not allowed." in own
    assert "The moderators hid your post" in own

    client.force_login(staff)
    staff_page = client.get(thread.get_absolute_url()).content.decode()
    assert "555 0100" in staff_page and "Show the post again" in staff_page

    for reader in (asker, partner_member, member(AffiliateFactory())):
        client.force_login(reader)
        page = client.get(thread.get_absolute_url()).content.decode()
        assert "555 0100" not in page
        assert "Personal contact details" not in page
        assert f'id="post-{post.pk}"' not in page


def test_a_hidden_post_is_left_out_of_the_api_except_for_its_author_and_staff(
    client, thread, asker, answerer, staff
):
    post = _hidden_reply(thread, answerer, staff)
    url = f"/api/v1/threads/{thread.pk}/"

    client.force_login(asker)
    ids = [p["id"] for p in client.get(url).json()["posts"]]
    assert post.pk not in ids and len(ids) == 1

    client.force_login(answerer)
    (own,) = [p for p in client.get(url).json()["posts"] if p["id"] == post.pk]
    assert own["hidden"] is True
    assert own["hidden_reason"] == "Personal contact details are not allowed."

    client.force_login(staff)
    assert post.pk in [p["id"] for p in client.get(url).json()["posts"]]


def test_hidden_replies_are_not_counted_and_a_hidden_question_hides_the_thread(
    client, thread, asker, answerer, staff
):
    _hidden_reply(thread, answerer, staff)
    client.force_login(answerer)
    (item,) = client.get("/api/v1/threads/?waiting=true").json()["results"]
    assert item["reply_count"] == 0

    services.post_hide(post=thread.posts.get(opening=True), by=staff, reason="Off topic.")
    assert client.get("/api/v1/threads/").json()["results"] == []
    assert thread.title not in client.get("/community/?q=remediation").content.decode()
    assert client.get(thread.get_absolute_url()).status_code == 404
    client.force_login(asker)
    assert client.get(thread.get_absolute_url()).status_code == 200


# --- Markdown -------------------------------------------------------------------------------


def test_raw_html_and_javascript_links_are_neutralised_on_the_page_and_in_the_api(
    client, thread, answerer
):
    answer(thread, answerer, body=XSS)
    client.force_login(answerer)

    page = client.get(thread.get_absolute_url()).content.decode()
    api = client.get(f"/api/v1/threads/{thread.pk}/").json()["posts"][-1]["body_html"]

    for html in (page, api):
        assert '<script>alert("x")' not in html
        assert "<img" not in html and "&lt;img" in html
        assert "javascript:" not in html
        assert "&lt;script&gt;" in html
        assert 'href="https://electronicswatch.org"' in html
        assert 'rel="noopener noreferrer nofollow"' in html


# --- Replies, locks, edits ------------------------------------------------------------------


def test_answering_shows_the_answer_and_follows_the_thread(client, thread, answerer):
    client.force_login(answerer)
    response = client.post(thread.get_absolute_url(), {"body": "We add it to every tender."})
    post = Post.objects.get(body="We add it to every tender.")
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert post.author_affiliate.slug == "southport"
    assert Follow.objects.get(user=answerer, thread=thread).mode == FollowMode.EACH_REPLY


def test_an_empty_answer_is_refused_on_the_form(client, thread, answerer):
    client.force_login(answerer)
    response = client.post(thread.get_absolute_url(), {"body": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert thread.posts.count() == 1


def test_a_locked_thread_refuses_replies_with_a_clear_message(client, thread, answerer, staff):
    services.thread_lock(thread=thread, by=staff)
    client.force_login(answerer)

    page = client.get(thread.get_absolute_url()).content.decode()
    assert "it takes no more replies" in page
    assert 'id="id_body"' not in page
    response = client.post(thread.get_absolute_url(), {"body": "Late answer."})
    assert "This thread is locked by the moderators" in response.content.decode()
    api = client.post(
        f"/api/v1/threads/{thread.pk}/answers/",
        {"body": "Late answer."},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "locked" in api.json()["detail"]
    with pytest.raises(DomainError):
        answer(thread, answerer)
    assert thread.posts.count() == 1

    services.thread_unlock(thread=thread, by=staff)
    assert answer(thread, answerer).pk


def test_answering_through_the_api(client, thread, answerer):
    resource = published_resource("Electronics Watch Contract Conditions")
    client.force_login(answerer)
    response = client.post(
        f"/api/v1/threads/{thread.pk}/answers/",
        {"body": "See **clause 4**.", "quoted_resources": [resource.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["author_organisation"] == "Southport University"
    assert "<strong>clause 4</strong>" in body["body_html"]
    assert body["quoted_resources"] == [
        {
            "id": resource.pk,
            "title": "Electronics Watch Contract Conditions",
            "kind": "contract_clause",
        }
    ]


def test_the_author_edits_their_post_and_nobody_else_can(client, thread, asker, answerer):
    post = thread.posts.get()
    client.force_login(answerer)
    assert client.get(f"/community/posts/{post.pk}/edit/").status_code == 404
    assert client.post(f"/community/posts/{post.pk}/edit/", {"body": "Hacked"}).status_code == 404

    client.force_login(asker)
    response = client.post(f"/community/posts/{post.pk}/edit/", {"body": "We are drafting v2."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "We are drafting v2." and post.edited_at is not None


def test_a_locked_threads_posts_cannot_be_edited(thread, asker, staff):
    services.thread_lock(thread=thread, by=staff)
    with pytest.raises(DomainError, match="locked"):
        services.post_edit(post=thread.posts.get(), by=asker, body="Changed")


def test_quoted_resources_show_title_kind_and_languages_but_drafts_cannot_be_quoted(
    client, thread, answerer
):
    resource = published_resource("Model clause: remediation")
    draft = published_resource("Unpublished clause", status="draft")
    answer(thread, answerer, resources=[resource])
    with pytest.raises(DomainError, match="published"):
        answer(thread, answerer, resources=[draft])
    client.force_login(answerer)

    page = client.get(thread.get_absolute_url()).content.decode()

    assert f'href="{resource.get_absolute_url()}"' in page
    assert (
        "<strong>Model clause: remediation</strong></a> · Model contract clause · English, French"
        in (page)
    )
    assert "Unpublished clause" not in page


# --- Reports and moderation -----------------------------------------------------------------


def test_a_reported_post_reaches_the_staff_queue_once(client, thread, asker, answerer, staff):
    post = answer(thread, answerer, body="Buy from the cheapest, nobody checks.")
    client.force_login(asker)
    client.post(f"/community/posts/{post.pk}/report/", {"reason": "Bad advice and rude."})
    response = client.post(f"/community/posts/{post.pk}/report/", {"reason": "Again"}, follow=True)
    assert "You have reported this post already" in response.content.decode()
    assert PostReport.objects.filter(post=post).count() == 1

    client.force_login(staff)
    queue = client.get("/community/moderation/").content.decode()
    assert "Bad advice and rude." in queue and "Buy from the cheapest" in queue

    client.post(
        f"/community/posts/{post.pk}/hide/", {"reason": "Misleading.", "next": "moderation"}
    )
    assert "Bad advice and rude." not in client.get("/community/moderation/").content.decode()
    assert PostReport.objects.get(post=post).handled


def test_staff_keep_a_reported_post_and_close_the_report(client, thread, asker, staff):
    report = services.post_report(post=thread.posts.get(), by=asker, reason="Duplicate")
    client.force_login(staff)
    client.post(f"/community/reports/{report.pk}/handle/")
    report.refresh_from_db()
    assert report.handled and report.handled_by == staff
    assert not thread.posts.get().hidden


def test_only_staff_moderate(client, thread, asker, answerer, partner_member):
    post = answer(thread, answerer)
    report = services.post_report(post=post, by=asker, reason="Rude")
    for user in (asker, partner_member):
        client.force_login(user)
        for url, data in (
            (f"/community/posts/{post.pk}/hide/", {"reason": "x"}),
            (f"/community/posts/{post.pk}/unhide/", {}),
            (f"/community/posts/{post.pk}/recommend/", {}),
            (f"/community/threads/{thread.pk}/lock/", {}),
            (f"/community/reports/{report.pk}/handle/", {}),
        ):
            assert client.post(url, data).status_code == 404, url
        assert client.get("/community/moderation/").status_code == 404
        page = client.get(thread.get_absolute_url()).content.decode()
        assert "Hide this post" not in page and "Lock the thread" not in page
    post.refresh_from_db()
    thread.refresh_from_db()
    assert not post.hidden and not post.recommended and not thread.locked
    for service in (services.post_hide, services.post_recommend):
        with pytest.raises(DomainError):
            service(
                post=post, by=asker, **({"reason": "x"} if service is services.post_hide else {})
            )


def test_hiding_needs_a_reason(client, thread, answerer, staff):
    post = answer(thread, answerer)
    client.force_login(staff)
    response = client.post(f"/community/posts/{post.pk}/hide/", {"reason": " "}, follow=True)
    assert "Say why the post is hidden" in response.content.decode()
    post.refresh_from_db()
    assert not post.hidden


def test_a_recommended_answer_marks_the_thread_answered(client, thread, answerer, staff):
    first = answer(thread, answerer, body="First idea")
    second = answer(thread, answerer, body="Better idea")
    client.force_login(staff)
    client.post(f"/community/posts/{first.pk}/recommend/")
    client.post(f"/community/posts/{second.pk}/recommend/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.recommended, second.recommended) == (False, True)

    client.force_login(answerer)
    (item,) = client.get("/api/v1/threads/").json()["results"]
    assert item["has_recommended_answer"] is True and item["reply_count"] == 2
    assert "Recommended answer" in client.get("/community/").content.decode()


# --- The list -------------------------------------------------------------------------------


def test_threads_filter_by_topic_waiting_and_title(client, asker, answerer):
    labour = topic("forced-labour", "Forced labour", "Travail forcé")
    mapping = topic("supply-chain-mapping", "Supply-chain mapping", "Cartographie")
    answered = ask(asker, title="Mapping tier-2 suppliers?", topic=mapping)
    answer(answered, answerer)
    ask(asker, title="Passports kept by employers", topic=labour)
    client.force_login(answerer)

    def titles(query):
        return {t["title"] for t in client.get("/api/v1/threads/" + query).json()["results"]}

    def page(query):
        return client.get("/community/" + query).content.decode()

    assert titles("?topic=forced-labour") == {"Passports kept by employers"}
    assert titles("?waiting=true") == {"Passports kept by employers"}
    assert titles("?search=TIER-2") == {"Mapping tier-2 suppliers?"}
    assert "Passports kept" in page("?waiting=1") and "Mapping tier-2" not in page("?waiting=1")
    assert "Mapping tier-2" in page("?topic=supply-chain-mapping")
    assert "Passports kept" not in page("?topic=supply-chain-mapping")
    assert "Mapping tier-2" in page("?q=tier") and "Passports" not in page("?q=tier")


def test_the_topic_filter_offers_the_topics_of_the_threads_with_counts(
    client, asker, answerer, settings
):
    """The topics read with the threads (one query, learning.forms.community): present ones
    only, by English name, named in the reader's language, counted; over the filters' limit,
    every topic without a count. The unfiltered list's count is that query's."""
    from django.utils import translation

    from core.filters import counted_label
    from learning.forms.community import ThreadFilterForm
    from learning.models import Thread, Topic

    labour = topic("forced-labour", "Forced labour", "Travail forcé")
    mapping = topic("supply-chain-mapping", "Supply-chain mapping", "Cartographie")
    topic("unused", "Audits", "Audits")
    for n in range(2):
        ask(asker, title=f"Passports {n}", topic=labour)
    ask(asker, title="Tier 2", topic=mapping)
    with scopes_disabled():
        threads = Thread.objects.all()
    with translation.override("fr"):
        form = ThreadFilterForm({}, threads=threads)
        assert [(value, str(label)) for value, label in form.fields["topic"].choices[1:]] == [
            ("forced-labour", counted_label("Travail forcé", 2)),
            ("supply-chain-mapping", counted_label("Cartographie", 1)),
        ]
    assert form.total == 3
    settings.EW_FILTER_COUNT_LIMIT = 2
    capped = ThreadFilterForm({}, threads=threads)
    assert capped.total is None and capped.counts_capped
    assert [value for value, _label in capped.fields["topic"].choices] == [
        "",
        *Topic.objects.order_by("name_en").values_list("slug", flat=True),
    ]
    settings.EW_FILTER_COUNT_LIMIT = 1000

    client.force_login(answerer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/community/").content.decode()
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert page.count("Passports") == 2 and "Tier 2" in page
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/community/?topic=forced-labour").content.decode()
    assert [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert page.count("Passports") == 2 and "Tier 2" not in page


def test_asking_a_question_through_the_form(client, asker):
    resource = published_resource()
    client.force_login(asker)
    response = client.post(
        "/community/new/",
        {
            "topic": topic().pk,
            "title": "  Remedy for   recruitment fees?  ",
            "body": "How did you get fees repaid?",
            "resources": [resource.pk],
        },
    )
    thread = Thread.objects.get()
    assert response["Location"] == thread.get_absolute_url()
    assert thread.title == "Remedy for recruitment fees?"
    assert list(thread.posts.get().quoted_resources.all()) == [resource]
    assert Follow.objects.get(user=asker, thread=thread).mode == FollowMode.EACH_REPLY

    refused = client.post("/community/new/", {"topic": topic().pk, "title": "", "body": "x"})
    assert refused.status_code == 200 and Thread.objects.count() == 1


# --- Query budgets --------------------------------------------------------------------------


def _many_threads(asker, answerer, count):
    resource = published_resource()
    for n in range(count):
        thread = ask(asker, title=f"Question {n}", resources=[resource])
        answer(thread, answerer, resources=[resource])


@pytest.mark.parametrize(
    ("url", "budget"), [("/community/", 12), ("/api/v1/threads/", 8), ("/community/?waiting=1", 12)]
)
def test_thread_lists_stay_within_budget(
    client, asker, answerer, url, budget, django_assert_max_num_queries
):
    client.force_login(answerer)
    _many_threads(asker, answerer, 3)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _many_threads(asker, answerer, 30)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("api", [False, True])
def test_a_thread_stays_within_budget(
    client, asker, answerer, staff, api, django_assert_max_num_queries
):
    resource = published_resource()
    thread = ask(asker, resources=[resource])
    client.force_login(answerer)
    url = f"/api/v1/threads/{thread.pk}/" if api else thread.get_absolute_url()
    budget = 10 if api else 14
    for _ in range(2):
        answer(thread, PartnerMemberFactory(), resources=[resource, published_resource()])
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    for _ in range(25):
        answer(thread, member(AffiliateFactory()), resources=[resource, published_resource()])
    _hidden_reply(thread, answerer, staff)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_the_moderation_queue_stays_within_budget(
    client, thread, asker, answerer, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    for _ in range(2):
        services.post_report(post=answer(thread, answerer), by=asker, reason="Rude")
    with django_assert_max_num_queries(12):
        assert client.get("/community/moderation/").status_code == 200
    for _ in range(20):
        services.post_report(post=answer(thread, answerer), by=asker, reason="Rude")
    with django_assert_max_num_queries(12):
        assert client.get("/community/moderation/").status_code == 200


def test_the_openapi_schema_documents_threads_and_answers(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in ("/api/v1/threads/", "/api/v1/threads/{id}/", "/api/v1/threads/{id}/answers/"):
        assert f"  {path}:" in schema
    assert "body_html" in schema and "author_organisation" in schema
