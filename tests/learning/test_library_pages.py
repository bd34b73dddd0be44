"""The library's pages: members read published resources in their language, compare versions
and bookmark; only EW staff see drafts and write."""

import pytest

from affiliates.models import Membership
from learning.models import Bookmark, Resource, ResourceKind, ResourceVersion, Topic
from tests.factories import (
    PartnerMemberFactory,
    ResourceVersionFactory,
    TopicFactory,
    library_resource,
    member,
)

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- Reading ----------------------------------------------------------------------------------


def test_member_searches_and_sees_highlighted_results(client, northvale_officer):
    library_resource(
        title="Electronics Watch Contract Conditions",
        kind=ResourceKind.CONTRACT_CLAUSE,
        body="The contractor shall disclose the production sites.",
    )
    library_resource(title="Draft on wages", status=Resource.Status.DRAFT, body="disclose")
    client.force_login(northvale_officer)
    page = _page(client.get("/learn/", {"q": "disclose"}))
    assert "1 resource matches “disclose”." in page
    assert "<mark>disclose</mark>" in page
    assert "Draft on wages" not in page
    assert "Electronics Watch Contract Conditions" in page


def test_invalid_facet_is_reported_and_ignored(client, northvale_officer):
    library_resource(title="Guidance")
    client.force_login(northvale_officer)
    page = _page(client.get("/learn/", {"kind": "poem"}))
    assert "Select a valid choice" in page
    assert "1 resource." in page


def test_library_list_stays_within_query_budget(
    client, northvale_officer, django_assert_max_num_queries
):
    topic = TopicFactory()
    for n in range(3):
        library_resource(title=f"Guidance {n}", topics=[topic], body="supply chain mapping")
    client.force_login(northvale_officer)
    for round_ in range(2):
        # The facets' counts and topics in one query (learning/services/library.py
        # facet_counts), each row's version and topics on the main query: whatever the rows.
        with django_assert_max_num_queries(6):
            assert client.get("/learn/").status_code == 200
        with django_assert_max_num_queries(8):  # and the snippets, and the count of matches
            assert client.get("/learn/", {"q": "mapping"}).status_code == 200
        for n in range(30 if round_ == 0 else 0):
            resource = library_resource(title=f"More {n}", topics=[topic], body="mapping")
            ResourceVersionFactory(resource=resource, language="fr", title=f"Plus {n}")
    page = _page(client.get("/learn/", {"q": "mapping"}))
    assert "33 resources match “mapping”." in page
    assert "Page 1 of 2" in page


def test_french_reader_sees_the_french_version(client, northvale):
    reader = member(northvale, Membership.Role.VIEWER, language="fr")
    resource = library_resource(title="Forced labour indicators")
    ResourceVersionFactory(resource=resource, language="fr", title="Indicateurs du travail forcé")
    client.force_login(reader)
    page = _page(client.get(f"/learn/resources/{resource.pk}/"))
    assert '<h1 lang="fr">Indicateurs du travail forcé</h1>' in page
    assert "Forced labour indicators" in page  # under "other languages"


def test_reader_without_their_language_reads_english_and_is_told(client, northvale):
    reader = member(northvale, Membership.Role.VIEWER, language="fr")
    resource = library_resource(title="Supply-chain mapping")
    client.force_login(reader)
    page = _page(client.get(f"/learn/resources/{resource.pk}/"))
    assert '<h1 lang="en">Supply-chain mapping</h1>' in page
    # The note saying so (its words are in the reader's language).
    assert '<p class="message message-info" role="note">' in page


def test_english_reader_can_ask_for_another_language(client, northvale_officer):
    resource = library_resource(title="Remediation guide", language="en")
    ResourceVersionFactory(resource=resource, language="fr", title="Guide de la remédiation")
    client.force_login(northvale_officer)
    page = _page(client.get(f"/learn/resources/{resource.pk}/", {"language": "fr"}))
    assert '<h1 lang="fr">Guide de la remédiation</h1>' in page
    page = _page(client.get(f"/learn/resources/{resource.pk}/", {"language": "de"}))
    assert "This resource is not available in German; you are reading the English version." in (
        page
    )


def test_resource_page_shows_facets_and_history(client, northvale_officer):
    topic = TopicFactory(name_en="Forced labour", slug="forced-labour")
    resource = library_resource(
        title="Clause",
        kind=ResourceKind.CONTRACT_CLAUSE,
        topics=[topic],
        stages=["tender", "contract_management"],
        countries=["MY"],
        body="**Bold** <script>alert(1)</script>",
    )
    ResourceVersionFactory(resource=resource, number=2, title="Clause", change_note="Clearer.")
    client.force_login(northvale_officer)
    page = _page(client.get(f"/learn/resources/{resource.pk}/"))
    assert "Model contract clause" in page
    assert "Forced labour" in page
    assert "Tender and contract conditions, Contract management and monitoring" in page
    assert "Malaysia" in page
    assert "Clearer." in page
    assert "Show what changed" in page
    assert "<script>alert(1)</script>" not in page
    first = resource.versions.get(number=1)
    page = _page(client.get(f"/learn/resources/{resource.pk}/", {"version": first.pk}))
    assert "You are reading version 1, which a later version replaces." in page
    assert "<strong>Bold</strong>" in page
    assert "&lt;script&gt;" in page


def test_drafts_are_404_for_members_and_open_to_staff(client, northvale_officer, staff):
    draft = library_resource(title="Draft", status=Resource.Status.DRAFT)
    client.force_login(northvale_officer)
    assert client.get(f"/learn/resources/{draft.pk}/").status_code == 404
    assert client.get(f"/learn/resources/{draft.pk}/compare/").status_code == 404
    assert client.post(f"/learn/resources/{draft.pk}/bookmark/").status_code == 404
    client.force_login(staff)
    page = _page(client.get(f"/learn/resources/{draft.pk}/"))
    assert "Draft: only Electronics Watch staff see it" in page
    assert "Publish" in page


def test_partner_members_read_the_library(client):
    resource = library_resource(title="Methodology")
    client.force_login(PartnerMemberFactory())
    assert "Methodology" in _page(client.get(f"/learn/resources/{resource.pk}/"))


# --- Bookmarks --------------------------------------------------------------------------------


def test_member_bookmarks_and_unbookmarks(client, northvale_officer, southport_officer):
    resource = library_resource(title="Recruitment fees")
    client.force_login(northvale_officer)
    response = client.post(f"/learn/resources/{resource.pk}/bookmark/")
    assert response.status_code == 302
    assert Bookmark.objects.filter(user=northvale_officer, resource=resource).exists()
    assert "Recruitment fees" in _page(client.get("/learn/bookmarks/"))
    assert "Remove the bookmark" in _page(client.get(f"/learn/resources/{resource.pk}/"))
    # Another member's list is their own.
    client.force_login(southport_officer)
    assert "Recruitment fees" not in _page(client.get("/learn/bookmarks/"))
    client.force_login(northvale_officer)
    client.post(f"/learn/resources/{resource.pk}/bookmark/")
    assert not Bookmark.objects.exists()


def test_bookmark_redirects_only_to_this_site(client, northvale_officer):
    resource = library_resource(title="Guide")
    client.force_login(northvale_officer)
    response = client.post(
        f"/learn/resources/{resource.pk}/bookmark/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/learn/resources/{resource.pk}/"


def test_an_unpublished_bookmark_leaves_the_members_list(client, northvale_officer):
    resource = library_resource(title="Soon withdrawn")
    Bookmark.objects.create(user=northvale_officer, resource=resource)
    resource.status = Resource.Status.DRAFT
    resource.save()
    client.force_login(northvale_officer)
    assert "Soon withdrawn" not in _page(client.get("/learn/bookmarks/"))


def test_bookmark_list_stays_within_query_budget(
    client, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    for _round in range(2):
        for n in range(25 if _round else 3):
            resource = library_resource(title=f"Kept {n}", topics=[TopicFactory()])
            Bookmark.objects.create(user=northvale_officer, resource=resource)
        with django_assert_max_num_queries(12):
            assert client.get("/learn/bookmarks/").status_code == 200


# --- Versions compared ------------------------------------------------------------------------


def test_compare_shows_the_changed_words(client, northvale_officer):
    resource = library_resource(
        title="Contract conditions",
        body="The contractor shall disclose the factories within 30 days.",
    )
    ResourceVersionFactory(
        resource=resource,
        number=2,
        title="Contract conditions",
        body="The contractor shall disclose the production sites within 60 days & <b>more</b>.",
        change_note="Production sites, 60 days.",
    )
    old, new = resource.versions.order_by("number")
    client.force_login(northvale_officer)
    page = _page(
        client.get(f"/learn/resources/{resource.pk}/compare/", {"from": old.pk, "to": new.pk})
    )
    assert '<del><span class="visually-hidden">[removed: </span>factories' in page
    assert '<ins><span class="visually-hidden">[added: </span>production sites' in page
    assert "30" in page and "60" in page
    assert "&amp; &lt;b&gt;more&lt;/b&gt;" in page
    assert "Production sites, 60 days." in page
    # Without parameters: the current version against the one before.
    default = _page(client.get(f"/learn/resources/{resource.pk}/compare/"))
    assert "Version 2" in default and "version 1" in default


def test_compare_across_languages_is_refused(client, northvale_officer):
    resource = library_resource(title="Clause")
    ResourceVersionFactory(resource=resource, language="fr", title="Clause")
    en, fr = resource.versions.get(language="en"), resource.versions.get(language="fr")
    client.force_login(northvale_officer)
    response = client.get(f"/learn/resources/{resource.pk}/compare/", {"from": en.pk, "to": fr.pk})
    assert response.status_code == 400
    assert "same resource in one language" in response.content.decode()


def test_compare_with_another_resources_version_is_404(client, northvale_officer):
    one = library_resource(title="One")
    other = library_resource(title="Other")
    client.force_login(northvale_officer)
    response = client.get(
        f"/learn/resources/{one.pk}/compare/",
        {"from": one.versions.get().pk, "to": other.versions.get().pk},
    )
    assert response.status_code == 404


# --- Staff writing ----------------------------------------------------------------------------

STAFF_PAGES = [
    ("get", "/learn/new/"),
    ("post", "/learn/new/"),
    ("get", "/learn/topics/"),
    ("post", "/learn/topics/"),
    ("get", "/learn/resources/{pk}/edit/"),
    ("post", "/learn/resources/{pk}/edit/"),
    ("get", "/learn/resources/{pk}/versions/new/"),
    ("post", "/learn/resources/{pk}/versions/new/"),
    ("post", "/learn/resources/{pk}/publish/"),
    ("post", "/learn/resources/{pk}/unpublish/"),
]


@pytest.mark.parametrize(("method", "url"), STAFF_PAGES)
def test_only_staff_write(client, northvale_admin, method, url):
    resource = library_resource(title="Guide")
    client.force_login(northvale_admin)
    response = getattr(client, method)(url.format(pk=resource.pk), {"name_en": "x"})
    assert response.status_code == 404
    resource.refresh_from_db()
    assert resource.is_published
    assert resource.versions.count() == 1
    assert not Topic.objects.exists()


def test_staff_create_publish_and_unpublish(client, staff, northvale_officer):
    topic = TopicFactory(slug="remediation")
    client.force_login(staff)
    response = client.post(
        "/learn/new/",
        {
            "facets-kind": "guidance",
            "facets-topics": [topic.pk],
            "facets-stages": ["remediation"],
            "facets-countries": ["CN", "MY"],
            "version-language": "en",
            "version-title": "Remedy for workers",
            "version-summary": "What remedy means.",
            "version-format": "text",
            "version-body": "Remedy is *owed* to workers.",
        },
    )
    resource = Resource.objects.get()
    assert response["Location"] == f"/learn/resources/{resource.pk}/"
    assert resource.status == Resource.Status.DRAFT
    assert [c.code for c in resource.countries] == ["CN", "MY"]
    assert resource.stages == ["remediation"]
    assert resource.created_by == staff
    client.force_login(northvale_officer)
    assert client.get(f"/learn/resources/{resource.pk}/").status_code == 404

    client.force_login(staff)
    client.post(f"/learn/resources/{resource.pk}/publish/")
    resource.refresh_from_db()
    assert resource.is_published and resource.published_at
    client.force_login(northvale_officer)
    assert "<em>owed</em>" in _page(client.get(f"/learn/resources/{resource.pk}/"))

    client.force_login(staff)
    client.post(f"/learn/resources/{resource.pk}/unpublish/", {"confirmed": "1"})
    resource.refresh_from_db()
    assert resource.status == Resource.Status.DRAFT
    client.force_login(northvale_officer)
    assert client.get(f"/learn/resources/{resource.pk}/").status_code == 404


def test_staff_form_errors_are_specific_and_nothing_is_saved(client, staff):
    client.force_login(staff)
    response = client.post(
        "/learn/new/",
        {
            "facets-kind": "guidance",
            "version-language": "en",
            "version-title": "A link",
            "version-format": "link",
        },
    )
    assert response.status_code == 400
    assert "Give the address of the link." in response.content.decode()
    assert not Resource.objects.exists()


def test_staff_adds_a_version_with_the_next_number(client, staff):
    resource = library_resource(title="Clause", body="First wording.")
    client.force_login(staff)
    url = f"/learn/resources/{resource.pk}/versions/new/"
    form = _page(client.get(url, {"language": "en"}))
    assert "First wording." in form  # the form starts from the current version
    data = {"language": "en", "title": "Clause", "format": "text", "body": "Second wording."}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Say what changed since version 1." in response.content.decode()
    response = client.post(url, {**data, "change_note": "Reworded."})
    assert response.status_code == 302
    assert list(resource.versions.values_list("language", "number")) == [("en", 2), ("en", 1)]
    response = client.post(url, {**data, "language": "fr", "title": "Clause", "body": "Texte."})
    assert resource.versions.get(language="fr").number == 1
    version = resource.versions.get(number=2)
    assert version.change_note == "Reworded." and version.created_by == staff
    assert ResourceVersion.objects.get(pk=version.pk).search_vector


def test_staff_edits_facets(client, staff):
    resource = library_resource(title="Guide", kind=ResourceKind.GUIDANCE)
    client.force_login(staff)
    response = client.post(
        f"/learn/resources/{resource.pk}/edit/", {"kind": "research", "stages": ["reporting"]}
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.kind == "research" and resource.stages == ["reporting"]


def test_staff_keep_the_topic_vocabulary(client, staff):
    client.force_login(staff)
    response = client.post(
        "/learn/topics/",
        {"name_en": "Forced labour", "name_fr": "Travail forcé", "slug": ""},
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.slug == "forced-labour"
    response = client.post(
        "/learn/topics/", {"name_en": "Forced labour", "name_fr": "Travail forcé"}
    )
    assert response.status_code == 400
    assert "A topic with this identifier exists already." in response.content.decode()
    client.post(
        f"/learn/topics/{topic.pk}/", {"name_en": "Forced labour", "name_fr": "Travail forcé (OIT)"}
    )
    topic.refresh_from_db()
    assert topic.name_fr == "Travail forcé (OIT)" and topic.slug == "forced-labour"


def test_admin_shows_a_resource_with_its_versions(client, staff):
    resource = library_resource(title="Admin view", countries=["FR"])
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    page = _page(client.get(f"/admin/learning/resource/{resource.pk}/change/"))
    assert "Admin view" in page


def test_resource_and_compare_pages_stay_within_query_budget(
    client, northvale_officer, django_assert_max_num_queries
):
    resource = library_resource(title="Clause", topics=[TopicFactory()])
    client.force_login(northvale_officer)
    for round_ in range(2):
        for number in range(2, 4) if round_ == 0 else range(4, 30):
            ResourceVersionFactory(resource=resource, number=number, change_note="More.")
            ResourceVersionFactory(resource=resource, number=number, language="fr")
        resource.topics.add(*TopicFactory.create_batch(3))
        with django_assert_max_num_queries(12):
            assert client.get(f"/learn/resources/{resource.pk}/").status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(f"/learn/resources/{resource.pk}/compare/").status_code == 200


def test_over_the_count_limit_every_choice_is_offered_without_counts(
    client, northvale_officer, settings
):
    settings.EW_FILTER_COUNT_LIMIT = 2
    held, unused = TopicFactory(name_en="Held"), TopicFactory(name_en="Unused")
    for n in range(3):
        library_resource(title=f"Guidance {n}", topics=[held])
    client.force_login(northvale_officer)
    page = _page(client.get("/learn/"))
    assert "3 resources." in page
    assert f'<option value="{unused.slug}">Unused</option>' in page
    settings.EW_FILTER_COUNT_LIMIT = 10
    page = _page(client.get("/learn/"))
    assert f'<option value="{held.slug}">Held (3)</option>' in page
    assert unused.slug not in page


def test_bookmarks_name_a_versions_language_only_when_it_is_not_the_readers(
    client, northvale_officer
):
    english = library_resource(title="Recruitment fees")
    swedish = library_resource(title="Rekryteringsavgifter", language="sv")
    client.force_login(northvale_officer)
    for resource in (english, swedish):
        client.post(f"/learn/resources/{resource.pk}/bookmark/")
    page = _page(client.get("/learn/bookmarks/"))
    assert "in English" not in page
    assert "in Swedish" in page
