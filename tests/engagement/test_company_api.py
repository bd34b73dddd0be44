"""The company API (`/api/v1/company/...`): a contact's disclosure requests and actions, and
progress posted on an action; token authentication as everywhere; 404 for anyone else."""

import pytest
from django.utils import timezone

from affiliates.models import ApiToken
from affiliates.services import api_token_create
from remediation.models import ActionProgress, ActionStatus
from tests.factories import (
    AffiliateFactory,
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FindingFactory,
    StaffFactory,
    SupplierFactory,
    company_action,
    company_disclosure,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return SupplierFactory(name="Acme Devices")


@pytest.fixture
def contact(acme):
    return CompanyContactFactory(company=acme)


def token_of(user, scope=ApiToken.Scope.WRITE) -> dict:
    _token, clear = api_token_create(user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Token {clear}"}


def test_a_contact_lists_its_disclosure_requests_with_a_token(
    client, acme, contact, django_assert_max_num_queries
):
    for number in range(20):
        contract = ContractFactory(
            affiliate=AffiliateFactory(name=f"Buyer {number}"), contractor=acme, value=987_654_321
        )
        DisclosureLineFactory(disclosure=DisclosureFactory(contract=contract))
    company_disclosure(SupplierFactory())
    auth = token_of(contact)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/company/disclosures/", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 20
    first = body["results"][0]
    assert first["affiliate_name"].startswith("Buyer ")
    assert first["line_count"] == 1
    assert "value" not in first and "987654321" not in response.content.decode()
    detail = client.get(f"/api/v1/company/disclosures/{first['id']}/", **auth).json()
    assert len(detail["lines"]) == 1 and detail["lines"][0]["site_name"]


def test_a_contact_reads_its_actions_and_posts_progress(client, acme, contact, mailoutbox):
    action = company_action(acme, description="Return every passport")
    action.case.findings.add(FindingFactory(report__factory=action.case.factory))
    auth = token_of(contact)
    listing = client.get("/api/v1/company/actions/", **auth).json()
    (row,) = listing["results"]
    assert row["case_reference"] == action.case.reference
    assert row["description"] == "Return every passport"
    assert "Worker A" not in str(listing) and "summary" not in row
    response = client.post(
        f"/api/v1/company/actions/{action.pk}/progress/",
        {"text": "All returned.", "asks_verification": True},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 201, response.content
    assert response.json()["asks_verification"] is True
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE_CLAIMED
    assert ActionProgress.objects.get().author == contact
    detail = client.get(f"/api/v1/company/actions/{action.pk}/", **auth).json()
    assert detail["progress_updates"][0]["text"] == "All returned."


def test_bad_progress_is_a_400_and_changes_nothing(client, acme, contact):
    action = company_action(acme)
    auth = token_of(contact)
    response = client.post(
        f"/api/v1/company/actions/{action.pk}/progress/",
        {"text": "", "asks_verification": "maybe"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert set(response.json()) == {"text", "asks_verification"}
    assert not ActionProgress.objects.exists()


def test_a_read_only_token_cannot_post(client, acme, contact):
    action = company_action(acme)
    auth = token_of(contact, ApiToken.Scope.READ)
    response = client.post(
        f"/api/v1/company/actions/{action.pk}/progress/",
        {"text": "x"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert not ActionProgress.objects.exists()


def test_the_company_api_is_404_for_staff(client, acme):
    company_action(acme)
    client.force_login(StaffFactory())
    assert client.get("/api/v1/company/actions/").status_code == 404
    assert client.get("/api/v1/company/disclosures/").status_code == 404


def test_overdue_filter(client, acme, contact):
    late = company_action(acme, due_date=timezone.localdate() - timezone.timedelta(days=2))
    company_action(acme)
    client.force_login(contact)
    body = client.get("/api/v1/company/actions/?overdue=true").json()
    assert [row["id"] for row in body["results"]] == [late.pk]
    assert client.get("/api/v1/company/actions/?overdue=maybe").status_code == 400
