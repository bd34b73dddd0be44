import pytest
from django.core.cache import cache
from django.utils import translation

from affiliates.models import Membership

from .factories import AffiliateFactory, PartnerMemberFactory, StaffFactory, member


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request leaves its language active in the thread; each test starts in English."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and the like live in the test Redis: start every test afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the project's .local/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def northvale(db):
    return AffiliateFactory(slug="northvale", name="City of Northvale", country="GB")


@pytest.fixture
def southport(db):
    return AffiliateFactory(slug="southport", name="Southport University", country="IE")


@pytest.fixture
def northvale_admin(northvale):
    return member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")


@pytest.fixture
def northvale_officer(northvale):
    return member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")


@pytest.fixture
def southport_officer(southport):
    return member(southport, Membership.Role.OFFICER, email="officer@southport.example")


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@ewatch.example")


@pytest.fixture
def partner_member(db):
    return PartnerMemberFactory(email="partner@monitor.example")
