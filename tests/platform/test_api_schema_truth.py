"""What the schemathesis run (tests/platform/test_api_fuzz.py) found the API or its schema
getting wrong, one test each (issue 17: "the schema leaves out many 400 and 404 answers, the
`*ByAudience` shapes match none of their branches")."""

import json

import jsonschema
import pytest
from django_scopes import scopes_disabled
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from affiliates.models import Membership
from monitoring.models import MonitoringReport
from tests.factories import (
    CompanyContactFactory,
    FactoryFactory,
    PartnerMemberFactory,
    RemediationCaseFactory,
    StaffFactory,
    in_supply_chain,
    joined_case,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


def _json_schema(value):
    """OpenAPI 3.0's `nullable` as JSON Schema's `null` type."""
    if isinstance(value, dict):
        value = {key: _json_schema(item) for key, item in value.items()}
        if value.pop("nullable", False):
            return {"anyOf": [value, {"type": "null"}]}
        return value
    if isinstance(value, list):
        return [_json_schema(item) for item in value]
    return value


def _conforms(openapi, schema: dict, value) -> bool:
    document = _json_schema({**schema, "components": openapi["components"]})
    return jsonschema.Draft202012Validator(document).is_valid(value)


def _component(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _branches_matched(openapi, audience_shape: str, answer: dict) -> list[str]:
    branches = openapi["components"]["schemas"][audience_shape]["oneOf"]
    names = [branch["$ref"].rsplit("/", 1)[-1] for branch in branches]
    return [name for name in names if _conforms(openapi, _component(name), answer)]


def test_an_api_url_no_route_matches_answers_json_not_the_html_page(client, northvale):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    # The id schemathesis sent: neither a detail route (no dot) nor a format suffix (no dash).
    response = client.get("/api/v1/cases/3.4e-136/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("action", ["register", "cancel"])
def test_a_non_numeric_event_id_in_an_action_is_404_not_500(client, northvale, action):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    response = client.post(f"/api/v1/events/%C2%9F/{action}/", content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/company/scores/Awaiting an answer/comments/",
        "/api/v1/company/actions/Awaiting an answer/progress/",
        "/api/v1/company/findings/Awaiting an answer/answer/",
    ],
)
def test_a_non_numeric_id_in_a_company_portal_action_is_404_not_500(client, url):
    client.force_login(CompanyContactFactory())
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    ("reader", "branch"),
    [("staff", "StaffFinding"), ("partner", "PartnerFinding"), ("affiliate", "AffiliateFinding")],
)
def test_a_finding_matches_exactly_the_branch_of_its_reader(
    client, openapi, northvale, reader, branch
):
    partner = PartnerMemberFactory()
    with scopes_disabled():
        finding = published_finding()
        MonitoringReport.objects.filter(pk=finding.report_id).update(
            partner=partner.partner_membership.partner
        )
        in_supply_chain(northvale, finding.report.factory)
    user = {
        "staff": StaffFactory(),
        "partner": partner,
        "affiliate": member(northvale, Membership.Role.OFFICER),
    }[reader]
    client.force_login(user)
    answer = client.get(f"/api/v1/findings/{finding.pk}/").json()
    assert _branches_matched(openapi, "FindingByAudience", answer) == [branch]


@pytest.mark.parametrize(
    ("reader", "branch"),
    [
        ("staff", "StaffCase"),
        ("partner", "PartnerCase"),
        ("joined affiliate", "AffiliateJoinedCase"),
        ("affiliate", "AffiliateCaseSummary"),
    ],
)
def test_a_case_matches_exactly_the_branch_of_its_reader(
    client, openapi, northvale, reader, branch
):
    partner = PartnerMemberFactory()
    with scopes_disabled():
        case = RemediationCaseFactory(lead_partner=partner.partner_membership.partner)
        if reader == "joined affiliate":
            joined_case(northvale, case)
        else:
            in_supply_chain(northvale, case.factory)
    user = {
        "staff": StaffFactory(),
        "partner": partner,
        "joined affiliate": member(northvale, Membership.Role.OFFICER),
        "affiliate": member(northvale, Membership.Role.OFFICER),
    }[reader]
    client.force_login(user)
    answer = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert _branches_matched(openapi, "RemediationCaseByAudience", answer) == [branch]


@pytest.mark.parametrize(("reader", "branch"), [("staff", "StaffFactory"), ("officer", "Factory")])
def test_a_factory_is_documented_in_the_shape_its_reader_gets(
    client, openapi, northvale, reader, branch
):
    """The schema showed the staff shape only; an officer's factory matched nothing."""
    site = FactoryFactory()
    with scopes_disabled():
        in_supply_chain(northvale, site)
    client.force_login(StaffFactory() if reader == "staff" else member(northvale))
    answer = client.get(f"/api/v1/factories/{site.pk}/").json()
    assert _branches_matched(openapi, "FactoryByAudience", answer) == [branch]


def test_a_site_in_no_supply_chain_counts_zero_affiliates_not_null(client):
    FactoryFactory(name="Unlisted Plant")
    client.force_login(StaffFactory())
    (site,) = client.get("/api/v1/factories/?q=Unlisted").json()["results"]
    assert site["affiliate_count"] == 0
    assert site["combined_value_eur"] == "0.00"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("Supplier", "website"),  # a URL, or empty
        ("Participant", "contact_email"),  # an e-mail address, or empty
        ("MigrantCohort", "documents_held_by"),  # a choice, or empty
    ],
)
def test_a_blank_read_only_field_is_documented_as_possibly_empty(openapi, component, field):
    schema = openapi["components"]["schemas"][component]["properties"][field]
    assert _conforms(openapi, schema, "")


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("StaffFinding", "assigned_to"),  # through the report: `report.assigned_to`
        ("StaffReport", "assigned_to"),
        ("StaffReport", "decided_by"),
        ("StaffReport", "published_by"),
    ],
)
def test_an_unset_relation_is_documented_as_null(openapi, component, field):
    schema = openapi["components"]["schemas"][component]["properties"][field]
    assert _conforms(openapi, schema, None)


def test_a_list_items_validation_error_matches_the_validation_error_shape(
    client, openapi, northvale
):
    client.force_login(member(northvale, Membership.Role.ADMIN))
    response = client.post(
        "/api/v1/contracts/",
        {"title": "Laptops", "cpv_codes": ["30213100", ""]},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["cpv_codes"] == {"1": ["This field may not be blank."]}
    assert _conforms(openapi, _component("ValidationError"), body)


def test_every_operation_documents_its_refusals_with_their_bodies(openapi):
    error, invalid = _component("Error"), _component("ValidationError")
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"401": error, "403": error, "404": error}
            if "requestBody" in operation:
                expected |= {"400": invalid, "415": error}
            for status, schema in expected.items():
                body = responses.get(status, {}).get("content", {}).get("application/json")
                assert body == {"schema": schema}, f"{method} {path} {status}"
            assert "WWW-Authenticate" in responses["401"]["headers"], f"{method} {path}"
