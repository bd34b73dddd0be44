"""What a curious affiliate or partner could learn about others from a case (issue 17): the
pages show no more than the API for the same reader."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from remediation import services
from remediation.models import Audience, Compensation, Participation
from tests.factories import (
    CaseUpdateFactory,
    MonitoringPartnerFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    in_supply_chain,
    joined_case,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_case(northvale, southport):
    staff = StaffFactory()
    case = RemediationCaseFactory(staff_lead=staff)
    joined_case(northvale, case)
    joined_case(southport, case)
    return case


def _affiliate_page(client, affiliate, case):
    return client.get(
        reverse(
            "remediation:affiliate_case",
            kwargs={"affiliate_slug": affiliate.slug, "pk": case.pk},
        )
    ).content.decode()


def test_a_joined_affiliate_is_not_told_which_other_affiliates_joined(
    client, northvale, southport, shared_case
):
    client.force_login(member(northvale, Membership.Role.OFFICER))
    page = _affiliate_page(client, northvale, shared_case)
    assert southport.name not in page
    assert "Your affiliate and 1 other affiliate take part in this case." in page


def test_a_partner_reading_a_case_learns_no_affiliate_from_its_members_updates(client, northvale):
    officer = member(northvale, Membership.Role.OFFICER, email="ines@northvale.example")
    case = RemediationCaseFactory(
        staff_lead=StaffFactory(), lead_partner=MonitoringPartnerFactory()
    )
    in_supply_chain(northvale, case.factory)
    with scopes_disabled():
        membership = Membership.objects.get(user=officer)
    services.case_join(case=case, affiliate=northvale, membership=membership)
    # Written by an affiliate's member for partners (rows from before the join note became
    # internal): the partner still does not learn who wrote it.
    CaseUpdateFactory(case=case, author=officer, audience=Audience.PARTNERS, text="Noted.")
    partner = PartnerMemberFactory(partner=case.lead_partner)
    client.force_login(partner)
    api = client.get(f"/api/v1/cases/{case.pk}/").json()
    assert [u["author"] for u in api["updates"]] == [None]
    assert "participants" not in api
    assert northvale.name not in str(api)
    page = client.get(reverse("remediation:partner_case", kwargs={"pk": case.pk})).content.decode()
    assert "Noted." in page
    assert "ines@northvale.example" not in page
    assert officer.full_name not in page
    assert northvale.name not in page
    client.force_login(case.staff_lead)
    staff_page = client.get(reverse("remediation:staff_case", kwargs={"pk": case.pk}))
    assert f"{northvale.name} joined the case." in staff_page.content.decode()


def test_affiliate_pages_show_no_action_evidence(client, northvale, shared_case):
    RemediationActionFactory(case=shared_case, evidence="Photo of the returned passports, Ko Naing")
    client.force_login(member(northvale, Membership.Role.OFFICER))
    assert "Ko Naing" not in _affiliate_page(client, northvale, shared_case)


def test_action_counts_of_a_case_not_joined_stay_hidden_as_in_the_api(client, northvale):
    case = RemediationCaseFactory()
    in_supply_chain(northvale, case.factory)
    with scopes_disabled():
        Participation.objects.create(case=case, affiliate=northvale)  # invited, not joined
    for _ in range(3):
        RemediationActionFactory(case=case, due_date=timezone.localdate())
    client.force_login(member(northvale, Membership.Role.OFFICER))
    page = client.get(
        reverse("remediation:affiliate_cases", kwargs={"affiliate_slug": northvale.slug})
    ).content.decode()
    row = page[page.index(case.reference) :]
    row = row[: row.index("</tr>")]
    assert ">3<" not in row
    assert "Shown once your affiliate has joined" in row


def test_small_numbers_of_workers_compensated_are_not_shown_to_affiliates(
    client, northvale, shared_case, settings
):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    Compensation.objects.create(
        case=shared_case,
        description="Recruitment fees reimbursed",
        currency="THB",
        amount_owed=90000,
        workers_covered=3,
    )
    Compensation.objects.create(
        case=shared_case,
        description="Unpaid overtime",
        currency="THB",
        amount_owed=400000,
        workers_covered=120,
    )
    client.force_login(member(northvale, Membership.Role.OFFICER))
    page = _affiliate_page(client, northvale, shared_case)
    assert "fewer than 5" in page
    assert "<td>3</td>" not in page
    assert "<td>120</td>" in page
