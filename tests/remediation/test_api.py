"""`/api/v1/cases/`: who reads which case, action and timeline entry (DESIGN.md §4)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from grievances.models import Channel
from grievances.services import Intake, grievance_submit
from monitoring.models import MonitoringReport
from remediation.models import ActionStatus, Audience, CaseStatus, Participation
from tests.factories import (
    CaseUpdateFactory,
    EngagementFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    UserFactory,
    in_supply_chain,
    joined_case,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"

INTERNAL_TEXT = "Internal: the owner threatened the worker committee's spokesperson."
PARTNER_TEXT = "For the monitor: verification interviews at the dormitory on the 14th."
AFFILIATE_TEXT = "The brand agreed to return every passport by the end of the month."
ACTION_TEXT = "Return every passport to the worker who owns it"
OVERDUE_ACTION_TEXT = "Reimburse the recruitment fees"
CONTACT_NAME = "Khun Somsak Wattana"
CONTACT_EMAIL = "somsak.compliance@rayong-precision.example"
ENGAGEMENT_TEXT = "Southport wrote to its reseller under clause 12."

SUMMARY_KEYS = {
    "id",
    "reference",
    "title",
    "summary",
    "factory",
    "status",
    "severity",
    "fast_track",
    "opened_on",
    "joined",
}
JOINED_KEYS = SUMMARY_KEYS | {
    "findings",
    "action_count",
    "overdue_action_count",
    "actions",
    "updates",
    "compensations",
}
AFFILIATE_ACTION_KEYS = {
    "id",
    "description",
    "owner_name",
    "due_date",
    "status",
    "overdue",
    "verified_on",
    "verified_by",
}


def _plan(case):
    """Two actions (one overdue) and one timeline entry for each audience."""
    RemediationActionFactory(
        case=case, description=ACTION_TEXT, contact_name=CONTACT_NAME, contact_email=CONTACT_EMAIL
    )
    RemediationActionFactory(
        case=case,
        description=OVERDUE_ACTION_TEXT,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    CaseUpdateFactory(case=case, audience=Audience.INTERNAL, text=INTERNAL_TEXT)
    CaseUpdateFactory(case=case, audience=Audience.PARTNERS, text=PARTNER_TEXT)
    CaseUpdateFactory(case=case, audience=Audience.AFFILIATES, text=AFFILIATE_TEXT)
    return case


def _grievance(case):
    grievance, _code = grievance_submit(
        intake=Intake(
            language="th",
            description="The agent keeps my passport.",
            categories=["documents"],
            factory=case.factory,
            workplace="",
            country="TH",
            wants_contact=False,
            contact_method="",
            contact_details="",
        ),
        channel=Channel.WEB,
    )
    case.grievances.add(grievance)
    return grievance


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _body(client, case, query="") -> tuple[dict, str]:
    response = client.get(f"{CASES}{case.pk}/{query}")
    assert response.status_code == 200, response.content
    return response.json(), response.content.decode()


# --- EW staff ---------------------------------------------------------------------------------


def test_staff_read_every_case_in_full(client, staff, northvale, southport):
    partner_user = PartnerMemberFactory()
    partner = partner_user.partner_membership.partner
    case = _plan(joined_case(northvale, lead_partner=partner, fast_track=True))
    Participation.objects.create(case=case, affiliate=southport)  # invited only
    finding = published_finding(case.factory)
    draft = FindingFactory(report=MonitoringReportFactory(factory=case.factory))
    case.findings.add(finding, draft)
    grievance = _grievance(case)
    other = RemediationCaseFactory()
    client.force_login(staff)

    assert set(_ids(client.get(CASES))) == {case.pk, other.pk}
    body, text = _body(client, case)
    assert body["reference"] == f"RC-{case.pk:05d}"
    assert body["factory"] == {"id": case.factory.pk, "name": case.factory.name}
    assert body["lead_partner"] == {"id": partner.pk, "name": partner.name}
    assert body["staff_lead"] == case.staff_lead.email
    assert body["fast_track"] is True
    assert sorted(body["findings"]) == sorted([finding.pk, draft.pk])
    assert body["grievances"] == [grievance.reference]
    assert body["participants"] == [
        {
            "affiliate": "northvale",
            "invited_on": timezone.localdate().isoformat(),
            "joined": True,
            "joined_on": timezone.localdate().isoformat(),
        },
        {
            "affiliate": "southport",
            "invited_on": timezone.localdate().isoformat(),
            "joined": False,
            "joined_on": None,
        },
    ]
    assert (body["action_count"], body["overdue_action_count"]) == (2, 1)
    actions = {a["description"]: a for a in body["actions"]}
    assert actions[ACTION_TEXT]["contact_email"] == CONTACT_EMAIL
    assert actions[ACTION_TEXT]["contact_name"] == CONTACT_NAME
    assert (actions[ACTION_TEXT]["overdue"], actions[OVERDUE_ACTION_TEXT]["overdue"]) == (
        False,
        True,
    )
    assert {(u["audience"], u["text"]) for u in body["updates"]} == {
        ("internal", INTERNAL_TEXT),
        ("partners", PARTNER_TEXT),
        ("affiliates", AFFILIATE_TEXT),
    }
    assert {u["author"] for u in body["updates"]} == {case.staff_lead.email}
    assert INTERNAL_TEXT in text


# --- Monitoring partners ----------------------------------------------------------------------


def test_partner_reads_its_organisations_cases_without_internal_entries_or_grievances(client):
    user = PartnerMemberFactory()
    partner = user.partner_membership.partner
    own = _plan(RemediationCaseFactory(lead_partner=partner))
    grievance = _grievance(own)
    own_finding = FindingFactory(
        report=MonitoringReportFactory(factory=own.factory, partner=partner)
    )
    others_finding = published_finding(own.factory)
    own.findings.add(own_finding, others_finding)
    led_by_another = _plan(
        RemediationCaseFactory(lead_partner=PartnerMemberFactory().partner_membership.partner)
    )
    no_partner = RemediationCaseFactory()
    client.force_login(user)

    assert _ids(client.get(CASES)) == [own.pk]
    for case in (led_by_another, no_partner):
        assert client.get(f"{CASES}{case.pk}/").status_code == 404
    body, text = _body(client, own)
    assert {u["text"] for u in body["updates"]} == {PARTNER_TEXT, AFFILIATE_TEXT}
    assert INTERNAL_TEXT not in text
    assert "internal" not in {u["audience"] for u in body["updates"]}
    assert {a["description"] for a in body["actions"]} == {ACTION_TEXT, OVERDUE_ACTION_TEXT}
    assert CONTACT_EMAIL in text  # the partner may contact the owner
    assert body["findings"] == [own_finding.pk]  # another organisation's finding: not listed
    assert {"grievances", "participants"}.isdisjoint(body)
    assert grievance.reference not in text


def test_partner_reads_who_wrote_each_entry_but_never_an_affiliates_member(client, northvale):
    """The list and the case read the timeline as plain rows (`case_page_rows`): the author
    is named when EW staff or a partner's member wrote the entry, never an affiliate's."""
    user = PartnerMemberFactory()
    case = RemediationCaseFactory(lead_partner=user.partner_membership.partner)
    colleague = PartnerMemberFactory(partner=case.lead_partner)
    CaseUpdateFactory(case=case, audience=Audience.PARTNERS, text="by staff")
    CaseUpdateFactory(case=case, audience=Audience.PARTNERS, text="by partner", author=colleague)
    CaseUpdateFactory(
        case=case, audience=Audience.AFFILIATES, text="by affiliate", author=member(northvale)
    )
    client.force_login(user)

    listed = {row["id"]: row for row in client.get(CASES).json()["results"]}[case.pk]
    for body in (listed, _body(client, case)[0]):
        assert {u["text"]: u["author"] for u in body["updates"]} == {
            "by staff": case.staff_lead.email,
            "by partner": colleague.email,
            "by affiliate": None,
        }


def test_overdue_flags_follow_the_day_of_each_response(client, monkeypatch):
    """The serializers' fields are kept between responses (`PlainColumns`): what depends on
    the response, such as the day the overdue flags are read on, is not."""
    case = RemediationCaseFactory()
    RemediationActionFactory(case=case, due_date=timezone.localdate() + timedelta(days=5))
    client.force_login(StaffFactory())

    def overdue():
        return [a["overdue"] for a in client.get(CASES).json()["results"][0]["actions"]]

    assert overdue() == [False]
    later = {"today": timezone.localdate() + timedelta(days=10)}
    monkeypatch.setattr("remediation.api.today_context", lambda: later)
    assert overdue() == [True]


# --- Affiliates -------------------------------------------------------------------------------


def test_affiliate_that_has_not_joined_reads_the_summary_only(client, northvale, northvale_officer):
    in_chain = _plan(RemediationCaseFactory(severity="critical"))
    in_supply_chain(northvale, in_chain.factory)
    invited = _plan(RemediationCaseFactory())  # at a site outside the supply chain
    Participation.objects.create(case=invited, affiliate=northvale)
    grievance = _grievance(in_chain)
    client.force_login(northvale_officer)

    assert set(_ids(client.get(CASES))) == {in_chain.pk, invited.pk}
    listed = client.get(CASES).content.decode()
    for case in (in_chain, invited):
        body, text = _body(client, case)
        assert set(body) == SUMMARY_KEYS
        assert body["joined"] is False
        assert body["summary"] == case.summary
        assert body["factory"] == {"id": case.factory.pk, "name": case.factory.name}
        for secret in (
            ACTION_TEXT,
            OVERDUE_ACTION_TEXT,
            CONTACT_EMAIL,
            INTERNAL_TEXT,
            PARTNER_TEXT,
            AFFILIATE_TEXT,
            grievance.reference,
        ):
            assert secret not in text
            assert secret not in listed
    assert _body(client, in_chain)[0]["severity"] == "critical"


def test_joined_affiliate_reads_the_plan_and_the_entries_for_affiliates(
    client, northvale, southport, northvale_officer
):
    case = _plan(joined_case(northvale))
    joined_case(southport, case)  # another participant, which northvale must not learn
    with scopes_disabled():
        EngagementFactory(affiliate=southport, case=case, summary=ENGAGEMENT_TEXT)
    grievance = _grievance(case)
    published = published_finding(case.factory)
    unpublished = FindingFactory(
        report=MonitoringReportFactory(factory=case.factory, status=MonitoringReport.Status.DRAFT)
    )
    case.findings.add(published, unpublished)
    client.force_login(northvale_officer)

    body, text = _body(client, case)
    assert set(body) == JOINED_KEYS
    assert body["joined"] is True
    assert body["findings"] == [published.pk]
    assert (body["action_count"], body["overdue_action_count"]) == (2, 1)
    assert [set(a) for a in body["actions"]] == [AFFILIATE_ACTION_KEYS] * 2
    actions = {a["description"]: a for a in body["actions"]}
    assert actions[OVERDUE_ACTION_TEXT]["overdue"] is True
    assert actions[ACTION_TEXT]["overdue"] is False
    assert actions[ACTION_TEXT]["owner_name"] == "Rayong Precision Components"
    assert [u["text"] for u in body["updates"]] == [AFFILIATE_TEXT]
    assert set(body["updates"][0]) == {"id", "text", "created_at"}
    listed = client.get(CASES).content.decode()
    for page in (text, listed):
        for secret in (
            INTERNAL_TEXT,
            PARTNER_TEXT,
            CONTACT_EMAIL,
            CONTACT_NAME,
            ENGAGEMENT_TEXT,
            grievance.reference,
            "southport",
            "Southport University",
            case.staff_lead.email,
        ):
            assert secret not in page, secret
    assert AFFILIATE_TEXT in listed


def test_joined_and_summary_shapes_side_by_side_in_one_list(client, northvale, northvale_officer):
    joined = _plan(joined_case(northvale))
    not_joined = _plan(RemediationCaseFactory())
    in_supply_chain(northvale, not_joined.factory)
    client.force_login(northvale_officer)

    rows = {row["id"]: row for row in client.get(CASES).json()["results"]}
    assert set(rows[joined.pk]) == JOINED_KEYS
    assert set(rows[not_joined.pk]) == SUMMARY_KEYS
    assert len(rows[joined.pk]["actions"]) == 2


def test_affiliate_gets_404_for_cases_it_may_not_see(
    client, northvale, southport, northvale_officer, southport_officer
):
    own = joined_case(northvale)
    elsewhere = _plan(RemediationCaseFactory())
    southports = _plan(joined_case(southport))
    requested_only = RemediationCaseFactory()
    in_supply_chain(northvale, requested_only.factory, status="requested")
    client.force_login(northvale_officer)

    assert _ids(client.get(CASES)) == [own.pk]
    for case in (elsewhere, southports, requested_only):
        assert client.get(f"{CASES}{case.pk}/").status_code == 404
    client.force_login(southport_officer)
    assert _ids(client.get(CASES)) == [southports.pk]
    assert client.get(f"{CASES}{own.pk}/").status_code == 404


def test_user_in_several_affiliates_names_one(client, northvale, southport):
    northvales = joined_case(northvale)
    southports = joined_case(southport)
    user = member(northvale)
    with scopes_disabled():
        Membership.objects.create(user=user, affiliate=southport, role=Membership.Role.VIEWER)
    client.force_login(user)

    assert client.get(CASES).status_code == 400
    assert _ids(client.get(f"{CASES}?affiliate=southport")) == [southports.pk]
    assert _ids(client.get(f"{CASES}?affiliate=northvale")) == [northvales.pk]
    assert client.get(f"{CASES}{northvales.pk}/?affiliate=southport").status_code == 404


# --- Filters ----------------------------------------------------------------------------------


def test_cases_filter_by_status_factory_and_overdue(client, staff):
    site = FactoryFactory()
    target = RemediationCaseFactory(factory=site, status=CaseStatus.IN_PROGRESS)
    RemediationActionFactory(case=target, due_date=timezone.localdate() - timedelta(days=1))
    on_time = RemediationCaseFactory()
    RemediationActionFactory(case=on_time)
    verified_late = RemediationCaseFactory()
    RemediationActionFactory(
        case=verified_late,
        due_date=timezone.localdate() - timedelta(days=10),
        status=ActionStatus.VERIFIED,
    )
    client.force_login(staff)

    assert _ids(client.get(f"{CASES}?status=in_progress")) == [target.pk]
    assert _ids(client.get(f"{CASES}?factory={site.pk}")) == [target.pk]
    assert _ids(client.get(f"{CASES}?overdue=true")) == [target.pk]
    assert set(_ids(client.get(f"{CASES}?overdue=false"))) == {on_time.pk, verified_late.pk}
    assert _ids(client.get(f"{CASES}?overdue=true&status=opened")) == []
    assert client.get(f"{CASES}?status=unknown").status_code == 400


def test_affiliate_overdue_filter_tells_nothing_about_cases_it_has_not_joined(
    client, northvale, northvale_officer
):
    joined = joined_case(northvale)
    RemediationActionFactory(case=joined, due_date=timezone.localdate() - timedelta(days=1))
    not_joined = RemediationCaseFactory()
    in_supply_chain(northvale, not_joined.factory)
    RemediationActionFactory(case=not_joined, due_date=timezone.localdate() - timedelta(days=1))
    client.force_login(northvale_officer)

    assert _ids(client.get(f"{CASES}?overdue=true")) == [joined.pk]
    assert set(_ids(client.get(CASES))) == {joined.pk, not_joined.pk}
    assert _ids(client.get(f"{CASES}?status=opened&factory={not_joined.factory_id}")) == [
        not_joined.pk
    ]


# --- Everyone else ----------------------------------------------------------------------------


def test_user_without_any_role_gets_404(client, northvale):
    case = joined_case(northvale)
    client.force_login(UserFactory())

    assert client.get(CASES).status_code == 404
    assert client.get(f"{CASES}{case.pk}/").status_code == 404


def test_anonymous_visitors_are_refused(client, northvale):
    case = joined_case(northvale)

    assert client.get(CASES).status_code in {401, 403}
    assert client.get(f"{CASES}{case.pk}/").status_code in {401, 403}


def test_cases_are_read_only(client, staff):
    case = RemediationCaseFactory()
    client.force_login(staff)

    assert client.post(CASES, {}, content_type="application/json").status_code == 405
    assert (
        client.patch(f"{CASES}{case.pk}/", {}, content_type="application/json").status_code == 405
    )
    assert client.delete(f"{CASES}{case.pk}/").status_code == 405


# --- Query budgets ----------------------------------------------------------------------------


def _cases(affiliate, partner, count: int) -> None:
    for n in range(count):
        case = _plan(RemediationCaseFactory(lead_partner=partner))
        in_supply_chain(affiliate, case.factory)
        if n % 2:
            Participation.objects.create(
                case=case, affiliate=affiliate, joined_on=timezone.localdate()
            )
        case.findings.add(published_finding(case.factory))
        _grievance(case)


@pytest.mark.parametrize("audience", ["staff", "partner", "affiliate"])
def test_case_list_stays_within_budget(client, northvale, audience, django_assert_max_num_queries):
    partner_user = PartnerMemberFactory()
    users = {"staff": StaffFactory(), "partner": partner_user, "affiliate": member(northvale)}
    partner = partner_user.partner_membership.partner
    client.force_login(users[audience])

    # Staff read grievances and participants too; everyone the compensation (one query, and
    # one for the payments when there is compensation).
    budget = 11 if audience == "staff" else 10
    _cases(northvale, partner, 2)
    with django_assert_max_num_queries(budget):
        assert len(_ids(client.get(CASES))) == 2
    _cases(northvale, partner, 12)
    with django_assert_max_num_queries(budget):
        assert len(_ids(client.get(CASES))) == 14
