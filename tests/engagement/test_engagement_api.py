"""The API of RBA referrals and dialogue: staff routes (404 for anyone else), the company's own
commitments, and the confidential minutes kept to staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from engagement.models import RbaReferral
from tests.factories import (
    CommitmentFactory,
    CompanyContactFactory,
    DialogueFactory,
    DialogueMeetingFactory,
    OrganisationFactory,
    RbaReferralFactory,
    RemediationCaseFactory,
    SupplierFactory,
    company_commitment,
    member,
    participant,
    rba_case,
)

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "CONFIDENTIAL-the broker threatens a worker's family"


def test_staff_read_referrals_with_their_age_and_overdue_flag(client, staff):
    today = timezone.localdate()
    late = RbaReferralFactory(
        referred_on=today - timedelta(days=40), response_due=today - timedelta(days=1)
    )
    RbaReferralFactory()
    client.force_login(staff)

    body = client.get("/api/v1/rba-referrals/", {"overdue": "true"}).json()

    assert [row["id"] for row in body["results"]] == [late.pk]
    assert body["results"][0]["age_days"] == 40
    assert body["results"][0]["overdue"] is True
    assert client.get("/api/v1/rba-referrals/", {"overdue": "maybe"}).status_code == 400


def test_staff_refer_a_case_respond_and_close_through_the_api(client, staff):
    case = rba_case()
    client.force_login(staff)

    created = client.post(
        "/api/v1/rba-referrals/",
        {"case": case.pk, "shared_text": "The plan.", "materials": ["remediation_plan"]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    answered = client.post(
        f"/api/v1/rba-referrals/{pk}/response/",
        {"response": "Review opened.", "responded_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert answered.json()["status"] == "responded"
    closed = client.post(
        f"/api/v1/rba-referrals/{pk}/close/",
        {"outcome": "remediation_agreed"},
        content_type="application/json",
    )
    assert closed.json()["status"] == "closed"


def test_referring_a_case_at_no_rba_member_answers_400_with_the_reason(client, staff):
    client.force_login(staff)
    response = client.post(
        "/api/v1/rba-referrals/",
        {"case": RemediationCaseFactory().pk, "shared_text": "The plan."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Only a case at an RBA member" in response.json()["detail"]
    assert not RbaReferral.objects.exists()


@pytest.mark.parametrize("route", ["rba-referrals", "dialogues", "commitments", "organisations"])
def test_staff_routes_are_404_for_affiliates_companies_and_partners(
    client, northvale, partner_member, route
):
    referral = RbaReferralFactory()
    commitment = company_commitment(SupplierFactory())
    organisation = OrganisationFactory()
    pk = {
        "rba-referrals": referral.pk,
        "dialogues": commitment.dialogue_id,
        "commitments": commitment.pk,
        "organisations": organisation.pk,
    }[route]
    contact = CompanyContactFactory(company=commitment.owner.company)
    for user in (member(northvale), contact, partner_member):
        client.force_login(user)
        assert client.get(f"/api/v1/{route}/").status_code == 404
        assert client.get(f"/api/v1/{route}/{pk}/").status_code == 404


def test_staff_read_both_parts_of_the_minutes_and_the_lists_have_a_query_budget(
    client, staff, django_assert_max_num_queries
):
    for _ in range(6):
        dialogue = DialogueFactory()
        DialogueMeetingFactory(dialogue=dialogue, minutes_confidential=CONFIDENTIAL)
        CommitmentFactory.create_batch(2, dialogue=dialogue)
        RbaReferralFactory()
        OrganisationFactory().credited_cases.add(RemediationCaseFactory())
    client.force_login(staff)
    for route, count in (
        ("dialogues", 6),
        ("commitments", 12),
        ("rba-referrals", 6),
        ("organisations", 6),
    ):
        with django_assert_max_num_queries(12):
            body = client.get(f"/api/v1/{route}/").json()
        assert body["count"] == count, route
    body = client.get("/api/v1/dialogues/").json()
    assert body["results"][0]["meetings"][0]["minutes_confidential"] == CONFIDENTIAL


def test_a_company_reads_its_own_commitments_only(client, django_assert_max_num_queries):
    company = SupplierFactory()
    own = [company_commitment(company) for _ in range(5)]
    other = company_commitment(SupplierFactory())
    dialogue = own[0].dialogue
    DialogueMeetingFactory(dialogue=dialogue, minutes_confidential=CONFIDENTIAL)
    # A commitment of another participant in the company's own dialogue is not its own.
    CommitmentFactory(dialogue=dialogue, owner=participant(dialogue, name="Someone"))
    client.force_login(CompanyContactFactory(company=company))

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/company/commitments/")
    body = response.json()

    assert sorted(row["id"] for row in body["results"]) == sorted(c.pk for c in own)
    assert CONFIDENTIAL not in response.content.decode()
    assert client.get(f"/api/v1/company/commitments/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/company/commitments/{own[0].pk}/").status_code == 200


def test_the_company_route_is_404_for_staff_and_affiliates(client, staff, northvale):
    commitment = company_commitment(SupplierFactory())
    for user in (staff, member(northvale)):
        client.force_login(user)
        assert client.get("/api/v1/company/commitments/").status_code == 404
        assert client.get(f"/api/v1/company/commitments/{commitment.pk}/").status_code == 404
