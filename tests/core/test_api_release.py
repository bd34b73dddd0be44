"""A list of shared rows lets go of its rows once rendered (`core.api.ReleasesRowsMixin`):
neither the view nor the response's rendering context keeps the response, so its body is
freed when the server has sent it, not by the garbage collector."""

import pytest
from django.urls import reverse

from tests.factories import published_finding

pytestmark = pytest.mark.django_db


def test_a_rendered_list_is_held_by_neither_its_view_nor_its_context(client, staff):
    published_finding()
    client.force_login(staff)

    response = client.get(reverse("finding-list"))

    assert response.status_code == 200 and response.json()["count"] == 1
    context = response.renderer_context
    assert "response" not in context
    assert context["view"].response is None
