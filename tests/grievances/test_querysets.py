"""`Grievance.objects.visible_to(reader)`: staff every grievance, a partner its
organisation's, affiliates none, even at a factory in their supply chain (DESIGN.md §4.3)."""

import pytest

from affiliates.reader import Reader
from grievances.models import Channel, Grievance
from tests.factories import FactoryFactory, PartnerMemberFactory, StaffFactory, in_supply_chain

from .conftest import submit

pytestmark = pytest.mark.django_db


def test_grievances_visible_to_each_reader(northvale, northvale_officer):
    partner = PartnerMemberFactory()
    factory = FactoryFactory()
    in_supply_chain(northvale, factory)
    from_the_web, _code = submit(intake={"factory": factory})
    logged, _code = submit(
        channel=Channel.PARTNER_IN_PERSON,
        partner=partner.partner_membership.partner,
        by=partner,
        intake={"factory": factory},
    )
    other_partner = PartnerMemberFactory()
    readers = {
        "staff": Reader.of(StaffFactory()),
        "partner": Reader.of(partner),
        "other partner": Reader.of(other_partner),
        "northvale": Reader.for_affiliate(northvale),
        "northvale member": Reader.of(northvale_officer),
        "anonymous": Reader.anonymous(),
    }
    visible = {name: set(Grievance.objects.visible_to(r)) for name, r in readers.items()}
    assert visible == {
        "staff": {from_the_web, logged},
        "partner": {logged},
        "other partner": set(),
        "northvale": set(),
        "northvale member": set(),
        "anonymous": set(),
    }
