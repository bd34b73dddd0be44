"""The middlewares that ask for the request's view before Django's handler (row-level
security's unit of work, the tenancy middleware, the audit's safe path) resolve the path once
between them (core/routing.py), for a page, an API list and a path no view answers."""

import pytest
from django.urls import reverse

from core import routing

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolves(monkeypatch):
    calls = []
    real = routing.resolve

    def counted(path, *args, **kwargs):
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(routing, "resolve", counted)
    return calls


def test_the_middlewares_resolve_a_page_once(client, northvale, northvale_officer, resolves):
    client.force_login(northvale_officer)
    url = reverse("reports:dashboard", kwargs={"affiliate_slug": northvale.slug})

    assert client.get(url).status_code == 200
    assert resolves == [url]


def test_the_middlewares_resolve_an_api_list_once(client, staff, resolves):
    client.force_login(staff)
    url = reverse("finding-list")

    assert client.get(url).status_code == 200
    assert resolves == [url]


def test_a_path_no_view_answers_is_resolved_once_and_not_found(client, staff, resolves):
    client.force_login(staff)

    assert client.get("/no-such-page/").status_code == 404
    assert resolves == ["/no-such-page/"]


def test_the_kept_match_holds_no_list_of_tried_patterns(rf):
    request = rf.get(reverse("finding-list"))

    match = routing.match_of(request)

    assert match.view_name == "finding-list" and match.tried is None
    assert routing.match_of(request) is match
    assert routing.match_of(rf.get("/no-such-page/")) is None


def test_the_view_runs_without_the_tried_patterns(client, staff, monkeypatch):
    seen = []
    from monitoring.api import FindingViewSet

    real = FindingViewSet.list

    def listing(self, request, *args, **kwargs):
        seen.append(request.resolver_match.tried)
        return real(self, request, *args, **kwargs)

    monkeypatch.setattr(FindingViewSet, "list", listing)
    client.force_login(staff)

    assert client.get(reverse("finding-list")).status_code == 200
    assert seen == [None]
