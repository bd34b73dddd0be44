"""Staff undo a merge: both factories and every link as they were before it."""

from datetime import date

import pytest
from django_scopes import scopes_disabled

from core.errors import DomainError
from monitoring.models import MonitoringReport
from suppliers import services
from suppliers.models import DisclosureLine, Factory, FactoryMatchReview, FactoryMerge
from suppliers.models import SupplierFactory as SupplierLink
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    MonitoringReportFactory,
    StaffFactory,
    SupplierFactory,
)


def _line(affiliate, factory):
    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=affiliate), status="accepted")
    return DisclosureLineFactory(disclosure=disclosure, factory=factory)


def _supplier_link(supplier, factory, source="disclosure", products="T14"):
    return SupplierLink.objects.create(
        supplier=supplier,
        factory=factory,
        source=source,
        products=products,
        source_reference="NV-2026-01",
        first_seen=date(2025, 3, 1),
        last_seen=date(2026, 2, 1),
    )


@pytest.fixture
def merged(db, northvale, southport):
    """A duplicate (`twin`) with rows of every kind, merged into `known` through a review."""
    staff = StaffFactory()
    known = FactoryFactory(name="Precision Plant Ltd", address="1 Main Road", aliases=["PPL"])
    twin = FactoryFactory(
        name="Precision Plant Limited",
        address="1 Main Rd",
        aliases=["Precision Main Road"],
        os_id="TH2021123ABC4DEF",
    )
    older = FactoryFactory(name="Precision Plant (old record)")
    services.factory_merge(source=older, target=twin, by=staff)
    brand, other_brand = SupplierFactory(name="Acme Devices"), SupplierFactory(name="Kestrel")
    rows = {
        "known_line": _line(northvale, known),
        "twin_lines": [_line(northvale, twin), _line(southport, twin)],
        "report": MonitoringReportFactory(factory=twin),
        "known_report": MonitoringReportFactory(factory=known),
        # The same fact on both records: the twin's copy is deleted by the merge.
        "known_link": _supplier_link(brand, known, products="T14, T15"),
        "conflicting_link": _supplier_link(brand, twin, products="T14"),
        "moved_link": _supplier_link(other_brand, twin, source="staff"),
        "other_review": FactoryMatchReview.objects.create(
            factory=twin, candidate=FactoryFactory(name="Precision Plant Annex"), score=0.5
        ),
    }
    review = FactoryMatchReview.objects.create(factory=twin, candidate=known, score=0.7)
    services.match_review_decide(review=review, same=True, by=staff)
    merge = FactoryMerge.objects.get(source=twin)
    return {"staff": staff, "known": known, "twin": twin, "older": older, "review": review,
            "merge": merge, **rows}  # fmt: skip


def _refresh(*objects):
    with scopes_disabled():
        for obj in objects:
            obj.refresh_from_db()


def test_a_merge_records_what_it_moved(merged):
    merge = merged["merge"]
    assert merge.review == merged["review"]
    assert sorted(merge.moved["suppliers.disclosureline"]) == sorted(
        line.pk for line in merged["twin_lines"]
    )
    assert merge.moved["monitoring.monitoringreport"] == [merged["report"].pk]
    assert merge.moved["suppliers.supplierfactory"] == [merged["moved_link"].pk]
    assert merge.moved["suppliers.factory"] == [merged["older"].pk]
    assert [link["pk"] for link in merge.removed_links] == [merged["conflicting_link"].pk]
    assert merge.reviews_closed == [merged["other_review"].pk]
    assert merge.aliases_added == [
        "Precision Plant Limited",
        "Precision Main Road",
        "Precision Plant (old record)",
    ]
    assert merge.os_id_moved


def test_an_unmerge_restores_both_factories_and_every_link(client, merged):
    twin, known, staff = merged["twin"], merged["known"], merged["staff"]
    client.force_login(staff)
    page = client.get(f"/staff/factories/{known.pk}/").content.decode()
    assert f'href="/staff/factory-merges/{merged["merge"].pk}/undo/"' in page
    confirm = client.get(f"/staff/factory-merges/{merged['merge'].pk}/undo/").content.decode()
    assert "Disclosure lines: 2" in confirm

    response = client.post(f"/staff/factory-merges/{merged['merge'].pk}/undo/", follow=True)

    assert "Merge undone" in response.content.decode()
    _refresh(twin, known, merged["older"], *merged["twin_lines"], merged["known_line"])
    # Both records as they were.
    assert twin.merged_into is None and twin.merged_at is None
    assert twin.os_id == "TH2021123ABC4DEF" and known.os_id == ""
    assert known.aliases == ["PPL"]
    assert twin.aliases == ["Precision Main Road", "Precision Plant (old record)"]
    # Every link back on the twin, and only those: the known site keeps its own.
    assert all(line.factory == twin for line in merged["twin_lines"])
    assert merged["known_line"].factory == known
    assert MonitoringReport.objects.get(pk=merged["report"].pk).factory == twin
    assert MonitoringReport.objects.get(pk=merged["known_report"].pk).factory == known
    assert merged["older"].merged_into == twin
    links = SupplierLink.objects
    recreated = links.get(pk=merged["conflicting_link"].pk)
    assert (recreated.factory, recreated.supplier, recreated.products) == (
        twin,
        merged["known_link"].supplier,
        "T14",
    )
    assert (recreated.first_seen, recreated.source_reference) == (date(2025, 3, 1), "NV-2026-01")
    assert links.get(pk=merged["moved_link"].pk).factory == twin
    assert links.get(pk=merged["known_link"].pk).factory == known
    # The review the merge closed is open again; the pair itself is now "different".
    _refresh(merged["other_review"], merged["review"], merged["merge"])
    assert merged["other_review"].decision == "pending"
    assert merged["review"].decision == "different"
    assert merged["review"].decided_by == staff
    assert merged["merge"].undone_by == staff


def test_the_staff_factory_page_names_each_disclosures_status(client, merged):
    staff = merged["staff"]
    staff.language = "fr"
    staff.save()
    client.force_login(staff)
    page = client.get(f"/staff/factories/{merged['known'].pk}/").content.decode()
    table = page[page.index("Déclarée par") :]
    table = table[: table.index("</table>")]
    assert "<td>Acceptée</td>" in table and "accepted" not in table


def test_an_unmerge_is_refused_twice_and_while_a_later_merge_stands(merged):
    staff = merged["staff"]
    earlier = FactoryMerge.objects.get(source=merged["older"])
    with pytest.raises(DomainError, match="undo it first"):
        services.factory_unmerge(merge=earlier, by=staff)
    services.factory_unmerge(merge=merged["merge"], by=staff)
    with pytest.raises(DomainError, match="already undone"):
        services.factory_unmerge(merge=merged["merge"], by=staff)
    # Once the later merge is undone, the earlier one can be.
    services.factory_unmerge(merge=earlier, by=staff)
    assert Factory.objects.get(pk=merged["older"].pk).merged_into is None


def test_a_line_disclosed_on_the_kept_site_after_the_merge_stays_there(merged, northvale):
    later_line = _line(northvale, merged["known"])
    services.factory_unmerge(merge=merged["merge"], by=merged["staff"])
    with scopes_disabled():
        assert DisclosureLine.objects.get(pk=later_line.pk).factory == merged["known"]
