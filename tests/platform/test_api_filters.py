"""Bad filter values and unexpected methods are the caller's error, said plainly (issue 17)."""

import pytest

from affiliates.models import Membership
from tests.factories import StaffFactory, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/disclosures/?overdue=AAA",
        "/api/v1/suppliers/?is_brand=maybe",
        "/api/v1/findings/?fast_track=2",
        "/api/v1/events/?upcoming=soon",
        "/api/v1/cases/?overdue=AAA",
    ],
)
def test_an_unknown_boolean_filter_value_is_a_400_not_ignored(client, northvale, url):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    response = client.get(url)
    assert response.status_code == 400
    (field,) = response.json()
    assert "neither true nor false" in response.json()[field][0]


def test_boolean_filters_still_take_true_and_false(client, northvale):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    for value in ("true", "false", "True", "0", ""):
        assert client.get(f"/api/v1/disclosures/?overdue={value}").status_code == 200


@pytest.mark.parametrize("url", ["/", "/healthz", "/disclosure-template.csv", "/api/v1/findings/"])
def test_trace_is_405_everywhere(client, url):
    client.force_login(StaffFactory())
    assert client.generic("TRACE", url).status_code == 405


def test_every_boolean_filter_of_the_api_is_strict():
    """A plain BooleanFilter ignores `?overdue=AAA`: every API filter set uses the strict one."""
    from django_filters import BooleanFilter

    from config.api import router
    from core.api import StrictBooleanFilter

    checked = 0
    for prefix, viewset, _basename in router.registry:
        filterset = getattr(viewset, "filterset_class", None)
        for name, field in getattr(filterset, "base_filters", {}).items():
            if isinstance(field, BooleanFilter):
                assert isinstance(field, StrictBooleanFilter), (prefix, name)
                checked += 1
    assert checked >= 5
