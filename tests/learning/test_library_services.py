"""The library's services: versions numbered per language, publication rules, staff only,
recommended resources for the other areas."""

import pytest

from core.errors import DomainError
from learning.models import Resource, ResourceKind
from learning.services import library as services
from learning.services.library_diff import text_diff
from tests.factories import ResourceVersionFactory, TopicFactory, library_resource

pytestmark = pytest.mark.django_db


def _text(**fields):
    return services.VersionText(
        **{"language": "en", "title": "T", "format": "text", "body": "B", **fields}
    )


def test_versions_are_numbered_per_language(staff):
    resource = services.resource_create(kind="guidance", text=_text(), by=staff)
    services.version_add(resource=resource, text=_text(language="fr"), by=staff)
    third = services.version_add(resource=resource, text=_text(change_note="New."), by=staff)
    assert third.number == 2
    assert sorted(resource.versions.values_list("language", "number")) == [
        ("en", 1),
        ("en", 2),
        ("fr", 1),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "Give this version a title."),
        ({"body": ""}, "Write the text of the resource."),
        ({"format": "link", "link": "javascript:alert(1)"}, "starting with https://"),
        ({"format": "file"}, "Choose the PDF, DOCX or XLSX file"),
        ({"language": "xx"}, "Choose the language"),
    ],
)
def test_bad_versions_are_refused_and_nothing_is_written(staff, fields, message):
    with pytest.raises(DomainError) as refused:
        services.resource_create(kind="guidance", text=_text(**fields), by=staff)
    assert message in refused.value.message
    assert not Resource.objects.exists()


def test_only_staff_write(northvale_admin):
    resource = library_resource(title="Guide")
    for call in (
        lambda: services.resource_create(kind="guidance", text=_text(), by=northvale_admin),
        lambda: services.version_add(resource=resource, text=_text(), by=northvale_admin),
        lambda: services.resource_unpublish(resource=resource, by=northvale_admin),
        lambda: services.topic_save(by=northvale_admin, name_en="a", name_fr="b", slug=""),
    ):
        with pytest.raises(DomainError, match="Only Electronics Watch staff"):
            call()


def test_publication_transitions(staff):
    resource = services.resource_create(kind="guidance", text=_text(), by=staff)
    with pytest.raises(DomainError, match="not published"):
        services.resource_unpublish(resource=resource, by=staff)
    services.resource_publish(resource=resource, by=staff)
    with pytest.raises(DomainError, match="already published"):
        services.resource_publish(resource=resource, by=staff)
    resource.refresh_from_db()
    assert resource.is_published and resource.published_at is not None


def test_bookmark_toggle(northvale_officer):
    resource = library_resource(title="Guide")
    assert services.bookmark_toggle(user=northvale_officer, resource=resource) is True
    assert services.bookmark_toggle(user=northvale_officer, resource=resource) is False
    assert not resource.bookmarks.exists()


def test_recommended_resources_rank_by_shared_facets_and_skip_drafts():
    forced = TopicFactory(slug="forced-labour")
    fees = TopicFactory(slug="migrant-workers")
    both = library_resource(
        title="Both", topics=[forced, fees], kind=ResourceKind.CONTRACT_CLAUSE, stages=["tender"]
    )
    one = library_resource(title="One", topics=[forced, fees])
    stage_only = library_resource(title="Stage", stages=["tender"])
    library_resource(title="Draft", topics=[forced, fees], status=Resource.Status.DRAFT)
    library_resource(title="Unrelated", stages=["reporting"])
    found = services.recommended_resources(
        topics=[forced, "migrant-workers"], stages=["tender"], kinds=["contract_clause"]
    )
    assert found == [both, one, stage_only]
    # A tie (one topic each) goes to the newest.
    assert services.recommended_resources(topics=[forced.pk], limit=1) == [one]
    # With nothing asked: every published resource, newest first; never the draft.
    assert [str(r) for r in services.recommended_resources(limit=10)] == [
        "Unrelated",
        "Stage",
        "One",
        "Both",
    ]


def test_recommended_resources_carry_their_versions(django_assert_max_num_queries):
    for n in range(6):
        resource = library_resource(title=f"Guide {n}", kind=ResourceKind.GUIDANCE)
        ResourceVersionFactory(resource=resource, language="fr", title=f"Guide fr {n}")
    with django_assert_max_num_queries(3):
        found = services.recommended_resources(kinds=["guidance"])
        assert [str(r).startswith("Guide") for r in found] == [True] * 5


def test_text_diff_marks_words():
    segments = text_diff("pay the fees now", "repay the fees in full")
    ops = [(s.op, s.text) for s in segments]
    assert ("delete", "pay") in ops
    assert ("insert", "repay") in ops
    assert ("insert", "in full") in ops
    assert "".join(s.text for s in segments if s.op != "insert") == "pay the fees now"
    assert "".join(s.text for s in segments if s.op != "delete") == "repay the fees in full"
