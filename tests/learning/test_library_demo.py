"""The library's demo data: every kind in English and French, a clause with two versions,
links and a file; idempotent."""

import io

import pytest
from pypdf import PdfReader

from affiliates.reader import Reader
from learning.demo import library as demo
from learning.models import Resource, ResourceKind, ResourceVersion, Topic
from learning.services.library import Filters, library_search

pytestmark = pytest.mark.django_db


def test_demo_library_covers_every_kind_in_both_languages(staff, northvale_officer):
    added = demo.seed(users={"staff@ewatch.example": staff})
    demo.seed(users={"staff@ewatch.example": staff})
    assert Resource.objects.count() == len(demo.RESOURCES) >= 20
    assert Topic.objects.count() == len(demo.TOPICS)
    assert set(added["library_topics"]) >= {
        "forced-labour",
        "migrant-workers-recruitment-fees",
        "remediation",
    }
    assert set(Resource.objects.values_list("kind", flat=True)) == set(ResourceKind.values)
    for resource in Resource.objects.prefetch_related("versions"):
        assert {v.language for v in resource.versions.all()} == {"en", "fr"}
    assert Resource.objects.filter(status=Resource.Status.DRAFT).count() == 1

    clause = Resource.objects.get(
        versions__title="Electronics Watch Contract Conditions: disclosure of production sites",
        versions__number=2,
    )
    second = clause.versions.get(language="en", number=2)
    assert second.change_note.startswith("Version 2 of the Contract Conditions")
    assert ResourceVersion.objects.filter(format="link").count() >= 4

    pdf = ResourceVersion.objects.get(format="file")
    with pdf.file.open("rb") as stored:
        text = PdfReader(io.BytesIO(stored.read())).pages[0].extract_text()
    assert "Factory Disclosure Form" in text

    reader = Reader.of(northvale_officer)
    found = list(library_search(reader=reader, filters=Filters(query="defaillance")))
    assert [r.versions.get(language="en").title for r in found] == [
        "Electronics Watch Contract Conditions: remediation of breaches"
    ]
