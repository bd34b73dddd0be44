"""Company contacts as outsiders (DESIGN.md §4 rule 5): a contact of one company tries every
route on another company's rows.

Routes are discovered from the URL configuration (`tests.platform.urlwalk.walk`), so the
portal's later routes are covered without editing this file: a model a company reads only
needs its entry in `tests.factories.COMPANY_FACTORIES` (model → `make(company)`), and its
views declare `model`/`queryset` (API viewsets over a tenant-owned model: `company_model`).
"""

import pytest
from django_scopes import scopes_disabled

from tests.factories import COMPANY_FACTORIES, CompanyContactFactory, SupplierFactory
from tests.platform.test_isolation import PUBLIC_PREFIXES
from tests.platform.urlwalk import Route, walk

pytestmark = pytest.mark.django_db

COMPANY_AREAS = ("/company/", "/api/v1/company/")
OTHER_AREAS = ("/a/", "/staff/", "/partner/")


def model_of(route: Route):
    """What a route shows: an API viewset's `company_model`, else the walker's model."""
    view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    return getattr(view_class, "company_model", None) or route.model


@pytest.fixture
def companies():
    """Two companies with one row of every model of `COMPANY_FACTORIES` each."""
    first = SupplierFactory(name="First Devices", is_brand=True)
    second = SupplierFactory(name="Second Resellers", is_contractor=True)
    rows = {}
    with scopes_disabled():
        for model, make in COMPANY_FACTORIES.items():
            rows[(model, "first")] = make(first)
            rows[(model, "second")] = make(second)
    return {"first": first, "second": second, "rows": rows}


@pytest.fixture
def outsider(client, companies):
    """A contact of the second company, signed in."""
    contact = CompanyContactFactory(company=companies["second"])
    client.force_login(contact)
    return contact


def _affiliate_slug(rows) -> str:
    from suppliers.models import Disclosure

    return rows[(Disclosure, "first")].affiliate.slug


def _fill(route: Route, rows, owner: str, affiliate_slug: str) -> str:
    row = rows.get((model_of(route), owner))
    values = {}
    for arg in route.args:
        name = "pk" if arg in {"pk", "id"} else arg
        if arg == "affiliate_slug":
            values[arg] = affiliate_slug
        elif row is not None and hasattr(row, name):
            values[arg] = getattr(row, name)
        elif arg in {"pk", "id"} or arg.endswith(("_pk", "_id")):
            values[arg] = 999_999
        else:
            values[arg] = "unknown-value"
    return route.url(**values)


def _request(client, method: str, url: str):
    if url.startswith("/api/"):
        return getattr(client, method.lower())(url, content_type="application/json")
    return getattr(client, method.lower())(url)


def test_walker_sees_the_company_routes():
    templates = {route.template for route in walk()}
    assert "/company/actions/{pk}/" in templates
    assert "/api/v1/company/disclosures/{pk}/" in templates


def test_company_routes_are_404_on_another_companys_rows(client, companies, outsider):
    rows = companies["rows"]
    routes = [
        route
        for route in walk()
        if (route.template.startswith(COMPANY_AREAS) and route.args)
        or (
            (model_of(route), "first") in rows
            and route.args
            and not route.template.startswith(PUBLIC_PREFIXES)
        )
    ]
    failures = []
    filled = 0
    for route in routes:
        filled += (model_of(route), "first") in rows
        url = _fill(route, rows, "first", _affiliate_slug(rows))
        for method in {"GET", *route.methods}:
            response = _request(client, method, url)
            allowed = {404, 405} if method == "GET" and "GET" not in route.methods else {404}
            if response.status_code not in allowed:
                failures.append(f"{method} {url} -> {response.status_code}")
    # The portal's disclosures and actions, pages and API, at least: the check is not void.
    assert filled >= 5
    assert failures == []


def test_affiliate_staff_and_partner_areas_are_404_for_a_company_contact(
    client, companies, outsider
):
    rows = companies["rows"]
    routes = [route for route in walk() if route.template.startswith(OTHER_AREAS)]
    failures = []
    for route in routes:
        url = _fill(route, rows, "first", _affiliate_slug(rows))
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"GET {url} -> {response.status_code}")
    assert len(routes) >= 20
    assert failures == []


def test_company_api_lists_hold_own_rows_never_another_companys(client, companies, outsider):
    rows = companies["rows"]
    routes = [
        route
        for route in walk()
        if route.template.startswith("/api/v1/company/")
        and not route.args
        and "GET" in route.methods
        and (model_of(route), "first") in rows
    ]
    failures = []
    for route in routes:
        response = client.get(route.url())
        assert response.status_code == 200, route.template
        body = response.json()
        items = body["results"] if isinstance(body, dict) else body
        returned = {item.get("id") for item in items}
        if rows[(model_of(route), "first")].pk in returned:
            failures.append(f"{route.template} lists another company's row")
        if rows[(model_of(route), "second")].pk not in returned:
            failures.append(f"{route.template} misses the company's own row: check is void")
    assert len(routes) >= 2
    assert failures == []


def test_company_pages_and_api_are_404_for_affiliate_members_and_partners(
    client, companies, northvale_admin, partner_member
):
    routes = [route for route in walk() if route.template.startswith(COMPANY_AREAS)]
    failures = []
    for user in (northvale_admin, partner_member):
        client.force_login(user)
        for route in routes:
            url = _fill(route, companies["rows"], "first", "northvale")
            response = client.get(url)
            allowed = {404, 405} if "GET" not in route.methods else {404}
            if response.status_code not in allowed:
                failures.append(f"{user.email} GET {url} -> {response.status_code}")
    assert len(routes) >= 6
    assert failures == []
