"""Full-text search of the guidance library: language-aware, accents ignored, ranked,
highlighted snippets that are escaped; filters on every facet."""

import pytest

from learning.models import Resource, ResourceKind, ResourceVersion
from learning.services.library import (
    MARK_START,
    MARK_STOP,
    Filters,
    attach_snippets,
    highlight,
    library_search,
)
from tests.factories import ResourceVersionFactory, TopicFactory, library_resource

pytestmark = pytest.mark.django_db


def _search(reader, **filters):
    return list(library_search(reader=reader, filters=Filters(**filters)))


@pytest.fixture
def reader(northvale_officer):
    from affiliates.reader import Reader

    return Reader.of(northvale_officer)


@pytest.fixture
def french_clause():
    return library_resource(
        kind=ResourceKind.CONTRACT_CLAUSE,
        language="fr",
        title="Clause type : obligations du titulaire",
        summary="Ce que le titulaire doit faire.",
        body="En cas de défaillance du titulaire, l'acheteur peut exiger un plan de remédiation.",
    )


def test_trigger_keeps_a_weighted_search_vector_in_the_versions_language(french_clause):
    vector = ResourceVersion.objects.get(resource=french_clause).search_vector
    # French stemming with accents removed: "défaillance" is stored as its unaccented stem.
    assert "'defaill'" in vector
    assert "'oblig':3A" in vector  # the title, weight A


@pytest.mark.parametrize("query", ["défaillance", "defaillance", "DÉFAILLANCES"])
def test_french_resource_found_with_and_without_accents(reader, french_clause, query):
    library_resource(title="Forced labour indicators", body="Signs of forced labour.")
    assert _search(reader, query=query) == [french_clause]


def test_english_query_is_stemmed_in_english(reader):
    resource = library_resource(title="Monitoring suppliers", body="The buyer monitors factories.")
    assert _search(reader, query="monitored") == [resource]


def test_title_match_ranks_above_body_match(reader):
    in_body = library_resource(
        title="Contract management guide",
        body="Section four explains remediation in detail for buyers.",
    )
    in_summary = library_resource(
        title="Working with suppliers", summary="How remediation plans are agreed."
    )
    in_title = library_resource(title="Remediation", body="What buyers can do.")
    assert _search(reader, query="remediation") == [in_title, in_summary, in_body]


def test_only_the_latest_version_in_a_language_is_searched(reader):
    resource = library_resource(title="Clause", body="The old wording mentions subcontractors.")
    ResourceVersionFactory(
        resource=resource, number=2, title="Clause", body="The new wording says suppliers."
    )
    assert _search(reader, query="subcontractors") == []
    assert _search(reader, query="suppliers") == [resource]


def test_websearch_syntax_phrases_and_exclusions(reader):
    fees = library_resource(title="Recruitment fees", body="Workers paid recruitment fees.")
    library_resource(title="Recruitment agencies", body="Agencies and fees in Malaysia.")
    assert _search(reader, query='"recruitment fees" -malaysia') == [fees]


def test_snippets_are_highlighted_and_escaped(reader):
    resource = library_resource(
        title="Safety <script>alert(1)</script> guide",
        body="Explain <img src=x onerror=alert(1)> chemical exposure & the right to &lt;refuse.",
    )
    [found] = _search(reader, query="chemical")
    attach_snippets([found], "chemical")
    snippet = str(found.hit.snippet_html)
    assert "<mark>chemical</mark>" in snippet
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "<img" not in snippet
    assert "&amp; the right to &amp;lt;refuse" in snippet
    assert "<script>" not in str(found.hit.title_html)
    assert found == resource


def test_highlight_escapes_everything_but_its_own_marks():
    text = f"a <i>x</i> {MARK_START}word{MARK_STOP} {MARK_STOP}stray {MARK_START}open"
    assert str(highlight(text)) == (
        "a &lt;i&gt;x&lt;/i&gt; <mark>word</mark> stray <mark>open</mark>"
    )


def test_filters_on_every_facet(reader):
    forced = TopicFactory(slug="forced-labour")
    clause = library_resource(
        title="Clause on forced labour",
        kind=ResourceKind.CONTRACT_CLAUSE,
        topics=[forced],
        stages=["tender"],
        countries=["MY"],
    )
    ResourceVersionFactory(resource=clause, language="fr", title="Clause travail forcé")
    other = library_resource(
        title="Case study", kind=ResourceKind.CASE_STUDY, stages=["remediation"], countries=["CZ"]
    )
    assert _search(reader, kind="contract_clause") == [clause]
    assert _search(reader, kind="case_study") == [other]
    assert _search(reader, topic="forced-labour") == [clause]
    assert _search(reader, stage="tender") == [clause]
    assert _search(reader, stage="remediation") == [other]
    assert _search(reader, country="MY") == [clause]
    assert _search(reader, country="cz") == [other]
    assert _search(reader, language="fr") == [clause]
    assert _search(reader, language="en", kind="case_study") == [other]
    assert _search(reader, query="forced", country="CZ") == []


def test_members_never_find_drafts_and_staff_do(reader, staff):
    from affiliates.reader import Reader

    draft = library_resource(title="Draft guidance on wages", status=Resource.Status.DRAFT)
    assert _search(reader, query="wages") == []
    assert _search(Reader.of(staff), query="wages") == [draft]
    assert _search(Reader.of(staff), status="draft") == [draft]
    # The status filter is staff's only.
    assert _search(reader, status="draft") == []


def test_a_signed_in_user_of_no_organisation_reads_nothing():
    from affiliates.reader import Reader
    from tests.factories import UserFactory

    library_resource(title="Published guidance")
    assert _search(Reader.of(UserFactory())) == []
    assert _search(Reader.anonymous()) == []


def test_partner_members_read_published_resources(partner_member):
    from affiliates.reader import Reader

    resource = library_resource(title="Methodology guide")
    assert _search(Reader.of(partner_member)) == [resource]
