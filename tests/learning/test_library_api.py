"""`/api/v1/resources/`: read for members, drafts for staff, the library's search and facets."""

import pytest

from learning.models import Resource, ResourceKind
from tests.factories import ResourceVersionFactory, TopicFactory, library_resource

pytestmark = pytest.mark.django_db


def test_member_lists_published_resources_with_their_current_version(client, northvale_officer):
    topic = TopicFactory(slug="forced-labour", name_en="Forced labour", name_fr="Travail forcé")
    resource = library_resource(
        title="Clause v1", kind=ResourceKind.CONTRACT_CLAUSE, topics=[topic], stages=["tender"]
    )
    ResourceVersionFactory(resource=resource, number=2, title="Clause v2", change_note="New.")
    ResourceVersionFactory(resource=resource, language="fr", title="Clause (fr)")
    library_resource(title="Draft", status=Resource.Status.DRAFT)
    client.force_login(northvale_officer)
    body = client.get("/api/v1/resources/").json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["id"] == resource.pk
    assert item["kind"] == "contract_clause"
    assert item["topics"] == [
        {"slug": "forced-labour", "name_en": "Forced labour", "name_fr": "Travail forcé"}
    ]
    assert item["stages"] == ["tender"]
    assert item["languages"] == ["en", "fr"]
    assert item["current_version"]["title"] == "Clause v2"
    assert item["current_version"]["number"] == 2
    assert item["current_version"]["change_note"] == "New."
    assert item["current_version"]["download_url"] is None
    french = client.get(f"/api/v1/resources/{resource.pk}/", {"language": "fr"}).json()
    assert french["current_version"]["title"] == "Clause (fr)"


def test_api_search_and_filters(client, northvale_officer):
    clause = library_resource(
        title="Obligations du titulaire",
        language="fr",
        kind=ResourceKind.CONTRACT_CLAUSE,
        body="En cas de défaillance, un plan de remédiation.",
    )
    library_resource(title="Guidance", countries=["MY"])
    client.force_login(northvale_officer)
    for query in ("defaillance", "défaillance"):
        results = client.get("/api/v1/resources/", {"q": query}).json()["results"]
        assert [r["id"] for r in results] == [clause.pk]
    results = client.get("/api/v1/resources/", {"kind": "guidance", "country": "MY"}).json()
    assert [r["countries"] for r in results["results"]] == [["MY"]]
    assert client.get("/api/v1/resources/", {"kind": "poem"}).status_code == 400


def test_drafts_are_404_for_members_and_listed_for_staff(client, northvale_officer, staff):
    draft = library_resource(title="Draft", status=Resource.Status.DRAFT)
    client.force_login(northvale_officer)
    assert client.get(f"/api/v1/resources/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/resources/", {"status": "draft"}).json()["count"] == 0
    client.force_login(staff)
    assert client.get(f"/api/v1/resources/{draft.pk}/").json()["status"] == "draft"
    assert client.get("/api/v1/resources/", {"status": "draft"}).json()["count"] == 1


def test_api_is_read_only_and_closed_to_anonymous(client, northvale_officer):
    resource = library_resource(title="Guide")
    assert client.get("/api/v1/resources/").status_code in {401, 403}
    client.force_login(northvale_officer)
    assert client.delete(f"/api/v1/resources/{resource.pk}/").status_code == 405
    assert client.post("/api/v1/resources/", {}).status_code == 405


def test_api_list_stays_within_query_budget(
    client, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    for round_ in range(2):
        for n in range(30 if round_ else 3):
            resource = library_resource(title=f"Guide {n}", topics=[TopicFactory()])
            ResourceVersionFactory(resource=resource, language="fr", title=f"Guide fr {n}")
        with django_assert_max_num_queries(10):
            assert client.get("/api/v1/resources/").status_code == 200
        with django_assert_max_num_queries(10):
            assert client.get("/api/v1/resources/", {"q": "guide"}).status_code == 200
