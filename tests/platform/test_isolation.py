"""Tenant isolation across every URL pattern and API route (DESIGN.md §4).

The routes are discovered from the URL configuration, so routes added later are covered
without editing this file: a new tenant-owned model only needs its entry in
`tests.factories.TENANT_FACTORIES`.
"""

import pytest
from django_scopes import scopes_disabled

from affiliates.models import Affiliate, Membership
from tests.factories import TENANT_FACTORIES, member

from .urlwalk import Route, walk

# Open to anonymous visitors by design; everything else must send them to the login page.
PUBLIC_PREFIXES = (
    "/accounts/",
    "/healthz",
    "/language/",
    "/invitations/",
    "/disclose/",  # the contractor's tokenised link (tests/suppliers)
    "/disclosure-template.",
    "/grievances/",  # the anonymous grievance form and follow-up (tests/grievances)
)
ADMIN_PREFIX = "/admin/"
ROLE_AREAS = ("/staff/", "/partner/")

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(northvale, southport):
    """Two tenants with one row of every tenant-owned model each."""
    rows = {}
    with scopes_disabled():
        for model, make in TENANT_FACTORIES.items():
            rows[(model, "northvale")] = make(northvale)
            rows[(model, "southport")] = make(southport)
    rows[(Affiliate, "northvale")] = northvale
    rows[(Affiliate, "southport")] = southport
    return rows


def _fill(route: Route, rows, owner: str, affiliate_slug: str) -> str | None:
    """The route's URL with arguments taken from a row owned by `owner`, when one exists."""
    row = rows.get((route.model, owner))
    values = {}
    for arg in route.args:
        if arg == "affiliate_slug":
            values[arg] = affiliate_slug
        elif row is not None and hasattr(row, "pk" if arg in {"pk", "id"} else arg):
            values[arg] = getattr(row, "pk" if arg in {"pk", "id"} else arg)
        elif arg in {"pk", "id"} or arg.endswith(("_pk", "_id")):
            values[arg] = 999_999
        else:
            values[arg] = "unknown-value"
    return route.url(**values)


def _request(client, method: str, url: str):
    return (
        getattr(client, method.lower())(url, content_type="application/json")
        if url.startswith("/api/")
        else getattr(client, method.lower())(url)
    )


def _routes(predicate):
    return [route for route in walk() if predicate(route)]


def test_walker_sees_the_tenant_and_api_routes():
    templates = {route.template for route in walk()}
    assert "/a/{affiliate_slug}/members/" in templates
    assert "/api/v1/memberships/{pk}/" in templates


def test_every_affiliate_page_is_404_for_a_member_of_another_affiliate(client, tenants):
    outsider = member(Affiliate.objects.get(slug="southport"), Membership.Role.ADMIN)
    client.force_login(outsider)
    failures = []
    routes = _routes(lambda r: "affiliate_slug" in r.args)
    for route in routes:
        for slug in ("northvale", "no-such-affiliate"):
            url = _fill(route, tenants, "northvale", slug)
            for method in {"GET", *route.methods}:
                response = _request(client, method, url)
                if response.status_code != 404:
                    failures.append(f"{method} {url} -> {response.status_code}")
    assert len(routes) >= 6
    assert failures == []


def test_own_affiliate_pages_are_404_for_another_affiliates_rows(client, tenants):
    admin = member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN)
    client.force_login(admin)
    failures = []
    routes = _routes(
        lambda r: (
            "affiliate_slug" in r.args and len(r.args) > 1 and (r.model, "southport") in tenants
        )
    )
    for route in routes:
        url = _fill(route, tenants, "southport", "northvale")
        for method in {"GET", *route.methods}:
            response = _request(client, method, url)
            allowed = {404, 405} if method == "GET" and "GET" not in route.methods else {404}
            if response.status_code not in allowed:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert len(routes) >= 3
    assert failures == []


def test_api_detail_routes_are_404_for_another_affiliates_rows(client, tenants):
    client.force_login(member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN))
    failures = []
    routes = _routes(lambda r: r.is_api and r.args and (r.model, "southport") in tenants)
    for route in routes:
        url = _fill(route, tenants, "southport", "northvale")
        for method in {"GET", *route.methods} - {"POST"}:
            response = _request(client, method, url)
            if response.status_code != 404:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert len(routes) >= 2
    assert failures == []


def test_api_lists_never_contain_another_affiliates_rows(client, tenants):
    client.force_login(member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN))
    failures = []
    routes = _routes(
        lambda r: (
            r.is_api and not r.args and r.model is not None and (r.model, "southport") in tenants
        )
    )
    for route in routes:
        response = client.get(route.url())
        assert response.status_code == 200, route.template
        body = response.json()
        items = body["results"] if isinstance(body, dict) else body
        other = tenants[(route.model, "southport")]
        lookup = "slug" if route.model is Affiliate else "id"
        returned = {item.get(lookup) for item in items}
        if getattr(other, lookup) in returned:
            failures.append(f"{route.template} lists southport's {route.model.__name__}")
        own = tenants[(route.model, "northvale")]
        if getattr(own, lookup) not in returned:
            failures.append(f"{route.template} misses northvale's own row: check is void")
    assert len(routes) >= 2
    assert failures == []


def test_anonymous_visitors_are_sent_to_login(client, tenants):
    failures = []
    routes = _routes(
        lambda r: (
            not r.template.startswith(PUBLIC_PREFIXES)
            and not r.template.startswith(ADMIN_PREFIX)
            and r.template != "/"
        )
    )
    for route in routes:
        url = _fill(route, tenants, "northvale", "northvale")
        for method in {"GET", *route.methods}:
            response = _request(client, method, url)
            if route.is_api or route.template.startswith("/api/"):
                if response.status_code not in {401, 403}:
                    failures.append(f"{method} {url} -> {response.status_code}")
            elif response.status_code == 405 and method not in route.methods:
                continue
            elif response.status_code != 302 or not response["Location"].startswith(
                "/accounts/login/"
            ):
                failures.append(f"{method} {url} -> {response.status_code}")
    assert len(routes) >= 10
    assert failures == []


def test_staff_and_partner_areas_are_404_for_affiliate_members(client, tenants):
    client.force_login(member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN))
    failures = []
    routes = _routes(lambda r: r.template.startswith(ROLE_AREAS))
    for route in routes:
        url = _fill(route, tenants, "northvale", "northvale")
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"GET {url} -> {response.status_code}")
    assert len(routes) >= 3
    assert failures == []


def test_admin_site_is_closed_to_affiliate_members_and_anonymous(client, tenants):
    response = client.get("/admin/")
    assert response.status_code == 302
    client.force_login(member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN))
    response = client.get("/admin/affiliates/membership/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
