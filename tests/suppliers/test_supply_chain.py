from datetime import date
from decimal import Decimal

from affiliates.reader import Reader
from suppliers.models import Factory, Supplier, SupplierFactory
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    PartnerMemberFactory,
    StaffFactory,
    member,
    reading_as,
)
from tests.factories import SupplierFactory as CompanyFactory


def _disclose(affiliate, factory, status="accepted", value=100000):
    contract = ContractFactory(affiliate=affiliate, value=value, value_eur=value)
    return DisclosureLineFactory(
        disclosure=DisclosureFactory(contract=contract, status=status), factory=factory
    )


def test_affiliate_sees_how_many_others_share_a_factory_never_which(
    client, northvale_officer, northvale, southport
):
    shared = FactoryFactory(name="Shared Assembly Plant")
    _disclose(northvale, shared)
    _disclose(southport, shared, value=999999)
    client.force_login(northvale_officer)
    page = client.get("/a/northvale/factories/").content.decode()
    assert "Shared Assembly Plant" in page
    detail = client.get(f"/a/northvale/factories/{shared.pk}/").content.decode()
    assert "1 other affiliate buys from this site." in detail
    assert "Southport" not in detail
    assert "999" not in detail
    api = client.get(f"/api/v1/factories/{shared.pk}/").json()
    assert api["other_affiliates"] == 1
    assert "combined_value_eur" not in api


def test_factories_outside_the_supply_chain_are_404(client, northvale_officer, southport):
    theirs = FactoryFactory(name="Only Southport Plant")
    _disclose(southport, theirs)
    client.force_login(northvale_officer)
    assert client.get(f"/a/northvale/factories/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/factories/{theirs.pk}/").status_code == 404
    assert "Only Southport Plant" not in client.get("/a/northvale/factories/").content.decode()
    assert client.get("/api/v1/factories/").json()["count"] == 0


def test_staff_rank_factories_by_collective_leverage(client, northvale, southport):
    top = FactoryFactory(name="Top Leverage Plant", country="MY")
    second = FactoryFactory(name="Second Plant", country="MY")
    _disclose(northvale, top, value=100)
    _disclose(southport, top, value=50)
    _disclose(northvale, second, value=1000000)
    client.force_login(StaffFactory())
    page = client.get("/staff/factories/?country=MY").content.decode()
    assert page.index("Top Leverage Plant") < page.index("Second Plant")
    api = client.get("/api/v1/factories/?country=MY").json()["results"]
    leverage = {f["name"]: (f["affiliate_count"], Decimal(f["combined_value_eur"])) for f in api}
    assert leverage["Top Leverage Plant"] == (2, Decimal("150.00"))
    assert leverage["Second Plant"] == (1, Decimal("1000000.00"))
    assert (
        client.get("/staff/factories/?country=TH").content.decode().count("Top Leverage Plant") == 0
    )


def test_requested_disclosures_do_not_put_sites_in_the_chain(client, northvale):
    officer = member(northvale)
    draft = FactoryFactory(name="Draft Plant")
    _disclose(northvale, draft, status="requested")
    client.force_login(officer)
    assert client.get(f"/a/northvale/factories/{draft.pk}/").status_code == 404


def _readers(northvale, southport):
    return {
        "staff": Reader.of(StaffFactory()),
        "partner": Reader.of(PartnerMemberFactory()),
        "northvale": Reader.for_affiliate(northvale),
        "southport": Reader.for_affiliate(southport),
        "no affiliate": Reader.of(member(northvale)),
        "anonymous": Reader.anonymous(),
    }


def test_factories_visible_to_each_reader(northvale, southport):
    ours = FactoryFactory()
    theirs = FactoryFactory()
    shared = FactoryFactory()
    requested = FactoryFactory()
    merged = FactoryFactory(merged_into=shared)
    _disclose(northvale, ours)
    _disclose(northvale, shared)
    _disclose(southport, shared)
    submitted_only = FactoryFactory()
    _disclose(southport, submitted_only, status="submitted")
    _disclose(southport, theirs)
    _disclose(northvale, requested, status="requested")
    _disclose(northvale, merged)
    visible = {
        name: set(Factory.objects.visible_to(reader))
        for name, reader in _readers(northvale, southport).items()
    }
    assert visible == {
        "staff": {ours, theirs, shared, requested, submitted_only},
        "partner": set(),
        "northvale": {ours, shared},
        "southport": {theirs, shared},
        "no affiliate": set(),
        "anonymous": set(),
    }


def test_companies_visible_to_each_reader(northvale, southport):
    our_contractor = ContractFactory(affiliate=northvale).contractor
    their_contractor = ContractFactory(affiliate=southport).contractor
    site = FactoryFactory()
    site_contractor = _disclose(northvale, site).disclosure.contract.contractor
    brand = CompanyFactory(is_contractor=False, is_brand=True)
    SupplierFactory.objects.create(
        supplier=brand,
        factory=site,
        source=SupplierFactory.Source.STAFF,
        first_seen=date(2026, 1, 1),
        last_seen=date(2026, 1, 1),
    )
    unrelated = CompanyFactory()
    visible = {}
    for name, reader in _readers(northvale, southport).items():
        with reading_as(reader):
            visible[name] = set(Supplier.objects.visible_to(reader))
    assert visible == {
        "staff": {our_contractor, their_contractor, site_contractor, brand, unrelated},
        "partner": set(),
        "northvale": {our_contractor, site_contractor, brand},
        "southport": {their_contractor},
        "no affiliate": set(),
        "anonymous": set(),
    }
