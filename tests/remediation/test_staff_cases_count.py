"""Staff's cases list takes its capped count and its status filter's counts from the read-model
cache (until the data change, per filter and day): the same page with the cache as without."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import readmodel
from remediation.models import CaseStatus
from tests.factories import RemediationCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(db):
    statuses = [choice for choice, _label in CaseStatus.choices]
    for status in (statuses[0], statuses[0], statuses[-1]):
        RemediationCaseFactory(status=status)
    return statuses


@pytest.fixture
def a_generation(monkeypatch):
    """A generation that stays (the test's transaction has written: no token otherwise)."""
    cache.clear()
    monkeypatch.setattr(readmodel, "generation", lambda: "test-generation")


def _page(client, **params):
    response = client.get(reverse("remediation:staff_cases"), params)
    assert response.status_code == 200
    page = response.context["page_obj"]
    status = response.context["filters"].fields["status"]
    choices = [(value, str(label)) for value, label in status.choices]
    return page.paginator.count, [c.pk for c in page.object_list], choices


def test_the_cached_page_equals_the_uncached_one(client, settings, staff, cases, a_generation):
    client.force_login(staff)
    first, last = cases[0], cases[-1]
    settings.EW_READMODEL_CACHE = False
    uncached = [_page(client), _page(client, status=first), _page(client, status=last)]
    assert [count for count, _rows, _choices in uncached] == [3, 2, 1]
    settings.EW_READMODEL_CACHE = True
    for _ in range(2):  # filled, then read
        assert [_page(client), _page(client, status=first), _page(client, status=last)] == uncached
