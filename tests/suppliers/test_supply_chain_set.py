"""The supply-chain table and a factory's stored leverage stay exact (issue 18, item 3).

`SupplyChainLink` is a table written by PostgreSQL triggers (migration 0021); a factory's
`affiliate_count` and `combined_value_eur` are stored. After every service that changes their
inputs, both must equal a fresh recomputation from the disclosure lines: the rule of the old
view (`supply_chain_lines()`), summed the way the leverage ranking summed it."""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django_scopes import scope, scopes_disabled

from affiliates.reader import Reader
from suppliers import services
from suppliers.contracts import contract_update
from suppliers.imports import disclosure_add_rows, disclosure_import
from suppliers.models import (
    Contract,
    Disclosure,
    DisclosureLine,
    Factory,
    FactoryMerge,
    SupplyChainLink,
    supply_chain_lines,
)
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    StaffFactory,
    member,
)

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "affiliate_id", "factory_id", "contract_id", "brand")


def assert_exact():
    """The table and every factory's leverage, as the lines say they should be."""
    with scopes_disabled():
        expected = [
            (*(row[c] for c in COLUMNS), row["product_categories"], row["cpv_codes"])
            for row in supply_chain_lines()
        ]
        stored = list(
            SupplyChainLink.objects.values_list(*COLUMNS, "product_categories", "cpv_codes")
        )
        assert sorted(stored) == sorted(expected)
        values = dict(Contract.objects.values_list("pk", "value_eur"))
        affiliates, contracts = defaultdict(set), defaultdict(set)
        for _id, affiliate_id, factory_id, contract_id, *_rest in expected:
            affiliates[factory_id].add(affiliate_id)
            contracts[factory_id].add(contract_id)
        for factory in Factory.objects.all():
            assert (factory.affiliate_count, factory.combined_value_eur) == (
                len(affiliates[factory.pk]),
                sum((values[pk] for pk in contracts[factory.pk]), Decimal(0)),
            ), factory


def _disclosure(affiliate, value=100_000, **fields):
    contract = ContractFactory(affiliate=affiliate, value=value, value_eur=value)
    return DisclosureFactory(contract=contract, **fields)


def _csv(*rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["site_name", "address", "country", "brand", "product_model", "tier"])
    writer.writerows(rows)
    return SimpleUploadedFile("sites.csv", out.getvalue().encode(), content_type="text/csv")


def _site(factory, brand="Acme Devices", model="AcmeBook T14"):
    return [factory.name, factory.address, factory.country.code, brand, model, "1"]


@pytest.fixture
def plants(db):
    return [
        FactoryFactory(name="Lotus Bay Electronics", address="12 Harbour Road", country="ID"),
        FactoryFactory(name="Jade River Computer", address="8 River Street", country="CN"),
        FactoryFactory(name="Kestrel Assembly", address="3 Kiln Lane", country="TH"),
    ]


def test_the_workflow_of_a_disclosure_keeps_the_table_and_the_leverage_exact(
    northvale, southport, plants
):
    staff = StaffFactory(totp=False)
    officer = member(northvale)
    lotus, jade, kestrel = plants
    with scopes_disabled():
        ours = _disclosure(northvale, value=300_000)
        theirs = _disclosure(southport, value=50_000, status="accepted")
        DisclosureLineFactory(disclosure=theirs, factory=lotus)
    assert_exact()
    assert Factory.objects.get(pk=lotus.pk).affiliate_count == 1

    # An upload (lines inserted from arrays), a typed line, a re-upload changing a line.
    disclosure_import(disclosure=ours, file=_csv(_site(lotus), _site(jade)), by=None)
    disclosure_add_rows(
        disclosure=ours,
        rows=[dict(zip(["site_name", "address", "country", "brand", "product_model", "tier"],
                       _site(kestrel, model="K1"), strict=True))],
        by=officer,
    )  # fmt: skip
    disclosure_import(disclosure=ours, file=_csv(_site(lotus, brand="Kestrel")), by=None)
    assert_exact()
    assert not SupplyChainLink.objects.filter(affiliate=northvale).exists()

    # Submitted by the contractor, returned, submitted again, accepted: in the chain.
    services.disclosure_submit(disclosure=ours, by=None)
    services.disclosure_return(disclosure=ours, comments="Add the tier-2 sites.", by=officer)
    assert_exact()
    with scope(affiliate=northvale):  # as the disclosure page does
        removed = DisclosureLine.objects.filter(disclosure=ours, factory=jade).get()
        services.disclosure_line_delete(line=removed, by=officer)
    disclosure_import(disclosure=ours, file=_csv(_site(jade)), by=None)
    services.disclosure_submit(disclosure=ours, by=None)
    services.disclosure_accept(disclosure=ours, by=officer)
    assert_exact()
    lotus.refresh_from_db()
    assert (lotus.affiliate_count, lotus.combined_value_eur) == (2, Decimal("350000.00"))
    assert SupplyChainLink.objects.filter(affiliate=northvale).count() == 4

    # An officer's own list counts once EW staff vouch for it.
    with scopes_disabled():
        typed = _disclosure(northvale, value=20_000)
        DisclosureLineFactory(disclosure=typed, factory=kestrel)
    services.disclosure_submit(disclosure=typed, by=officer)
    services.disclosure_accept(disclosure=typed, by=officer)
    assert_exact()
    assert not SupplyChainLink.objects.filter(contract_id=typed.contract_id).exists()
    services.disclosure_confirm(disclosure=typed, by=staff)
    assert_exact()
    kestrel.refresh_from_db()
    assert (kestrel.affiliate_count, kestrel.combined_value_eur) == (1, Decimal("320000.00"))

    # Lines of an accepted list removed and edited (brand, site: the admin, a correction),
    # the other affiliate's list withdrawn, then its contract deleted.
    with scopes_disabled():
        DisclosureLine.objects.filter(disclosure=ours, factory=jade).delete()
        assert_exact()
        edited = DisclosureLine.objects.filter(disclosure=ours, factory=kestrel).get()
        edited.brand, edited.factory = "Kestrel Computing", jade
        edited.save()
        assert_exact()
        Disclosure.objects.filter(pk=theirs.pk).update(status="submitted")  # withdrawn
        assert_exact()
        theirs.contract.delete()
    assert_exact()
    lotus.refresh_from_db()
    assert (lotus.affiliate_count, lotus.combined_value_eur) == (1, Decimal("300000.00"))


def test_a_contract_change_or_end_follows_into_the_table_and_the_leverage(northvale, plants):
    officer = member(northvale)
    lotus = plants[0]
    with scopes_disabled():
        disclosure = _disclosure(northvale, value=100_000, status="accepted")
        DisclosureLineFactory(disclosure=disclosure, factory=lotus)
    contract_update(
        contract=disclosure.contract,
        by=officer,
        value=Decimal(250_000),
        currency="EUR",
        product_categories=["servers"],
    )
    assert_exact()
    link = SupplyChainLink.objects.get(factory=lotus)
    assert link.product_categories == ["servers"]
    lotus.refresh_from_db()
    assert lotus.combined_value_eur == Decimal("250000.00")
    with scopes_disabled():
        Contract.objects.filter(pk=disclosure.contract_id).delete()
    assert_exact()
    lotus.refresh_from_db()
    assert (lotus.affiliate_count, lotus.combined_value_eur) == (0, 0)


def test_a_merge_and_its_undo_move_the_chain_and_the_leverage(northvale, southport, plants):
    staff = StaffFactory(totp=False)
    known, twin, _ = plants
    with scopes_disabled():
        DisclosureLineFactory(
            disclosure=_disclosure(northvale, value=10_000, status="accepted"), factory=known
        )
        for affiliate, value in ((northvale, 20_000), (southport, 40_000)):
            DisclosureLineFactory(
                disclosure=_disclosure(affiliate, value=value, status="accepted"), factory=twin
            )
    assert_exact()

    services.factory_merge(source=twin, target=known, by=staff)
    assert_exact()
    known.refresh_from_db()
    twin.refresh_from_db()
    assert (known.affiliate_count, known.combined_value_eur) == (2, Decimal("70000.00"))
    assert (twin.affiliate_count, twin.combined_value_eur) == (0, 0)

    services.factory_unmerge(merge=FactoryMerge.objects.get(source=twin), by=staff)
    assert_exact()
    known.refresh_from_db()
    assert (known.affiliate_count, known.combined_value_eur) == (1, Decimal("10000.00"))


def test_a_stale_factory_saved_from_python_keeps_its_leverage(northvale, plants):
    lotus = plants[0]
    stale = Factory.objects.get(pk=lotus.pk)
    with scopes_disabled():
        DisclosureLineFactory(disclosure=_disclosure(northvale, status="accepted"), factory=lotus)
    stale.name = "Lotus Bay Electronics (Batam)"
    stale.save()
    assert_exact()
    assert Factory.objects.get(pk=lotus.pk).affiliate_count == 1
    # Nor can a new factory be made with figures of its own.
    made = Factory.objects.create(name="X", address="Y", country="VN", affiliate_count=9)
    assert Factory.objects.get(pk=made.pk).affiliate_count == 0


def test_the_refresh_makes_the_same_rows(northvale, southport, plants):
    with scopes_disabled():
        for affiliate in (northvale, southport):
            DisclosureLineFactory(
                disclosure=_disclosure(affiliate, status="accepted"), factory=plants[0]
            )
    before = sorted(SupplyChainLink.objects.values_list(*COLUMNS))
    services.supply_chain_refresh()
    assert sorted(SupplyChainLink.objects.values_list(*COLUMNS)) == before
    assert_exact()


def test_an_affiliate_reads_the_table_as_it_read_the_view_and_writes_nothing(
    northvale, southport, plants
):
    lotus, jade, _ = plants
    with scopes_disabled():
        DisclosureLineFactory(disclosure=_disclosure(northvale, status="accepted"), factory=lotus)
        DisclosureLineFactory(disclosure=_disclosure(southport, status="accepted"), factory=jade)
    # Ids, brands and product categories of every affiliate (what the view showed, for the
    # counts and screenings), never a contract's reference, title or value.
    columns = {field.column for field in SupplyChainLink._meta.concrete_fields}
    assert columns == {
        "id",
        "affiliate_id",
        "factory_id",
        "contract_id",
        "brand",
        "product_categories",
        "cpv_codes",
    }
    with scope(affiliate=northvale):
        assert set(SupplyChainLink.objects.values_list("affiliate_id", "factory_id")) == {
            (northvale.pk, lotus.pk),
            (southport.pk, jade.pk),
        }
        # The contract behind the other affiliate's link stays hidden by row-level security.
        assert not Contract.objects.filter(
            pk__in=SupplyChainLink.objects.values("contract_id"), affiliate=southport
        ).exists()
    reader = Reader.for_affiliate(northvale)
    assert list(Factory.objects.visible_to(reader)) == [lotus]
    if settings.DATABASE_OWNER["USER"] != settings.DATABASE_APPLICATION["USER"]:
        # Only the triggers write the table: the application's role may not.
        for statement in (
            "INSERT INTO suppliers_supply_chain (id, affiliate_id, factory_id, contract_id, "
            f"brand, product_categories, cpv_codes) VALUES (0, {northvale.pk}, {jade.pk}, 0, "
            "'', '{}', '{}')",
            "DELETE FROM suppliers_supply_chain",
            "UPDATE suppliers_supply_chain SET brand = ''",
        ):
            with (
                pytest.raises(DatabaseError, match="permission denied"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
    assert_exact()


def test_the_newest_findings_are_the_same_whichever_way_they_are_found(northvale, plants):
    from datetime import timedelta

    from django.utils import timezone

    from monitoring.models import Finding
    from tests.factories import in_supply_chain, published_finding

    lotus, jade, kestrel = plants
    findings = [published_finding(site) for site in (lotus, jade, kestrel, lotus)]
    for age, finding in enumerate(findings):
        Finding.objects.filter(pk=finding.pk).update(
            published_at=timezone.now() - timedelta(days=age)
        )
    published_finding(FactoryFactory())  # newest of all, outside the chain
    with scopes_disabled():
        for site in (lotus, jade, kestrel):
            in_supply_chain(northvale, site)
    reader = Reader.for_affiliate(northvale)
    with scope(affiliate=northvale):
        visible = Finding.objects.visible_to(reader)
        expected = [finding.pk for finding in findings[:3]]
        assert [f.pk for f in visible.newest(3, total=visible.count())] == expected
        assert [f.pk for f in visible.newest(3)] == expected
