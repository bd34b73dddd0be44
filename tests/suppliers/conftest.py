import pytest

from affiliates.models import Membership
from tests.factories import SupplierFactory, member


@pytest.fixture
def contractor(db):
    return SupplierFactory(name="Northern Resellers Ltd")


@pytest.fixture
def northvale_viewer(northvale):
    return member(northvale, Membership.Role.VIEWER, email="viewer@northvale.example")
