"""Schemathesis over the whole OpenAPI schema, as each kind of caller (issue 17): no server
error, no status the schema does not list, every body and content type as the schema says.

In process and offline: the Django WSGI application through werkzeug's test client, inside
the test's transaction, against a world with a row of every kind. Reproducible and bounded:
Hypothesis is derandomized (a fixed seed) and draws `EW_FUZZ_EXAMPLES` requests per operation
(`make fuzz-api` draws more). Each operation is tried on ids the caller can really read (found
through its own lists) and on generated ones; positive and negative data alike.
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.test import Client

from affiliates.models import ApiToken, Membership
from affiliates.services import api_token_create
from learning.services import community
from tests.factories import (
    COMPANY_FACTORIES,
    TENANT_FACTORIES,
    CompanyContactFactory,
    EventFactory,
    OrganisationFactory,
    PartnerMemberFactory,
    RbaReferralFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
    in_supply_chain,
    library_resource,
    member,
    published_finding,
)
from tests.grievances.conftest import submit
from tests.learning.community_setup import topic

pytestmark = [pytest.mark.django_db, pytest.mark.long]

EXAMPLES = int(os.environ.get("EW_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# What each kind of caller must find rows of, so that its shapes are checked on real answers.
READS = {
    "anonymous": set(),
    "officer": {"/api/v1/contracts/{id}/", "/api/v1/findings/{id}/", "/api/v1/cases/{id}/"},
    "admin": {"/api/v1/memberships/{id}/", "/api/v1/factories/{id}/", "/api/v1/cases/{id}/"},
    "staff": {"/api/v1/grievances/{id}/", "/api/v1/factories/{id}/", "/api/v1/findings/{id}/"},
    "partner": {
        "/api/v1/monitoring-reports/{id}/",
        "/api/v1/findings/{id}/",
        "/api/v1/cases/{id}/",
    },
    "company": {"/api/v1/company/actions/{id}/", "/api/v1/company/findings/{id}/"},
}
ROLES = list(READS)


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        raw = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(raw)))
    loaded.app = WSGIHandler()
    return loaded


@pytest.fixture
def in_process(settings):
    """As Django's test client does: a request must not close the test's connection (it
    holds the transaction the test rolls back)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _world(northvale):
    """A row of every kind an API lists, readable by one caller of each kind."""
    with scopes_disabled():
        for make in TENANT_FACTORIES.values():
            make(northvale)
        partner = PartnerMemberFactory()
        partner_org = partner.partner_membership.partner
        finding = published_finding()
        finding.report.partner = partner_org
        finding.report.save(update_fields=["partner"])
        in_supply_chain(northvale, finding.report.factory)
        RemediationCaseFactory(factory=finding.report.factory, lead_partner=partner_org)
        company = SupplierFactory(is_brand=True)
        contact = CompanyContactFactory(company=company)
        for make in COMPANY_FACTORIES.values():
            make(company)
        RbaReferralFactory()
        OrganisationFactory()
        EventFactory()
        library_resource(title="Model clause")
        staff = StaffFactory()
        community.thread_ask(
            by=staff,
            identity=community.community_identity(staff),
            topic=topic(),
            title="How do you word the remediation clause?",
            body="We are drafting.",
        )
        submit()
    return {
        "officer": member(northvale, Membership.Role.OFFICER),
        "admin": member(northvale, Membership.Role.ADMIN),
        "staff": staff,
        "partner": partner,
        "company": contact,
    }


def _headers(user) -> dict:
    if user is None:
        return {}
    _token, clear = api_token_create(user=user, name="fuzz", scope=ApiToken.Scope.WRITE)
    return {"Authorization": f"Token {clear}"}


def _readable_ids(api_schema, headers) -> dict[str, dict]:
    """For each detail path, the path parameters of a row the caller reads in its list."""
    client = Client(api_schema.app)
    found = {}
    for path in api_schema.raw_schema["paths"]:
        if "{" not in path:
            continue
        list_path, _, rest = path.partition("{")
        name = rest.split("}", 1)[0]
        response = client.get(list_path, headers=headers)
        if response.status_code != 200:
            continue
        body = response.get_json()
        rows = body.get("results", []) if isinstance(body, dict) else body
        if rows and name in rows[0]:
            found[path] = {name: rows[0][name]}
    return found


def _fuzz(operation, headers, path_parameters) -> None:
    strategies = [
        operation.as_strategy(generation_mode=mode, headers=headers)
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    ]
    if path_parameters:
        strategies.append(operation.as_strategy(headers=headers, path_parameters=path_parameters))

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=st.one_of(strategies))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_as_its_schema_says(role, api_schema, in_process, northvale):
    user = _world(northvale).get(role)
    headers = _headers(user)
    readable = _readable_ids(api_schema, headers)
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, headers, readable.get(operation.path))
        except (Exception, BaseExceptionGroup) as exc:  # every operation's, not the first only
            failures.append(f"{operation.label}: {exc}")
    # Each caller's own shapes were checked on real rows, not only on 404s.
    assert READS[role] <= set(readable), READS[role] - set(readable)
    assert failures == [], "\n\n".join(failures)
