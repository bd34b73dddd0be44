"""Staff handling, partner logging, the API, and what affiliates may (not) see."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from affiliates.models import Affiliate, Membership
from core.errors import DomainError
from grievances import services
from grievances.models import Grievance, GrievanceEvent, Status, add_months
from grievances.selectors import grievance_counts_by_factory
from tests.factories import FactoryFactory, MonitoringPartnerFactory, PartnerMemberFactory, member

from .conftest import CONTACT, DESCRIPTION, submit

pytestmark = pytest.mark.django_db


def test_deadlines_are_7_days_then_3_months_from_the_acknowledgement():
    assert Grievance.deadlines_from(date(2026, 1, 10)) == (date(2026, 1, 17), date(2026, 4, 17))
    assert Grievance.deadlines_from(date(2026, 1, 10), date(2026, 1, 12))[1] == date(2026, 4, 12)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 31), -24) == date(2024, 3, 31)


def test_the_status_machine_refuses_illegal_steps(staff):
    grievance, _ = submit()
    with pytest.raises(DomainError):
        services.grievance_start_review(grievance=grievance, by=staff)
    grievance = services.grievance_acknowledge(grievance=grievance, by=staff, message="Received.")
    assert grievance.feedback_due == add_months(timezone.localdate(), 3)
    grievance = services.grievance_start_review(grievance=grievance, by=staff)
    grievance = services.grievance_close(grievance=grievance, feedback="Wages paid back.", by=staff)
    with pytest.raises(DomainError):
        services.grievance_acknowledge(grievance=grievance, by=staff)
    kinds = list(grievance.events.values_list("kind", "actor"))
    assert kinds == [
        ("acknowledged", staff.pk),
        ("review_started", staff.pk),
        ("closed", staff.pk),
    ]
    assert [m.body for m in grievance.messages.all()] == ["Received.", "Wages paid back."]


def test_staff_work_the_queue_and_the_detail_page(client, staff):
    grievance, _ = submit()
    client.force_login(staff)
    queue = client.get("/staff/grievances/").content.decode()
    assert grievance.reference in queue
    assert "7 days left" in queue
    detail = client.get(f"/staff/grievances/{grievance.pk}/")
    assert detail["Cache-Control"] == "private, no-store"
    assert DESCRIPTION in detail.content.decode()
    client.post(f"/staff/grievances/{grievance.pk}/assign/", {"assignee": staff.pk})
    client.post(f"/staff/grievances/{grievance.pk}/acknowledge/", {"message": "We read it."})
    client.post(f"/staff/grievances/{grievance.pk}/review/")
    client.post(f"/staff/grievances/{grievance.pk}/refer/", {"referral": "RC-2026-004"})
    grievance.refresh_from_db()
    assert (grievance.status, grievance.assignee, grievance.referral) == (
        Status.REFERRED,
        staff,
        "RC-2026-004",
    )
    response = client.post(f"/staff/grievances/{grievance.pk}/review/", follow=True)
    assert "cannot become" in response.content.decode()


def test_staff_classify_against_the_code_and_the_ilo_indicators(client, staff):
    from monitoring.models import CodeStandard

    grievance, _ = submit()
    factory = FactoryFactory()
    standard = CodeStandard.objects.current().first()
    client.force_login(staff)
    client.post(
        f"/staff/grievances/{grievance.pk}/classify/",
        {
            "code_standards": [standard.pk],
            "ilo_indicators": ["documents", "debt"],
            "factory": factory.pk,
        },
    )
    grievance.refresh_from_db()
    assert list(grievance.code_standards.all()) == [standard]
    assert grievance.ilo_indicators == ["documents", "debt"]
    assert grievance.factory == factory
    assert GrievanceEvent.objects.filter(kind="classified", actor=staff).exists()


def test_the_queue_shows_overdue_first_within_a_fixed_number_of_queries(
    client, staff, django_assert_max_num_queries
):
    today = timezone.localdate()
    for days_ago in (1, 10, 3):
        submit(today=today - timedelta(days=days_ago))
    client.force_login(staff)
    client.get("/staff/grievances/")
    with django_assert_max_num_queries(12):
        page = client.get("/staff/grievances/").content.decode()
    for _ in range(20):
        submit()
    with django_assert_max_num_queries(12):
        client.get("/staff/grievances/")
    assert '<span class="badge overdue">3 days overdue</span>' in page  # markup, not text
    assert "&lt;span" not in page
    assert page.index("3 days overdue") < page.index("4 days left")
    overdue = client.get("/staff/grievances/?overdue=on").content.decode()
    assert overdue.count('<td><a href="/staff/grievances/') == 1


def test_a_partner_logs_a_grievance_and_sees_only_its_organisations(client):
    own, other = MonitoringPartnerFactory(), MonitoringPartnerFactory()
    user = PartnerMemberFactory(partner=own)
    theirs, _ = submit(partner=other)
    web, _ = submit()
    client.force_login(user)
    response = client.post(
        "/partner/grievances/new/",
        {
            "channel": "partner_phone",
            "language": "ms",
            "workplace": "Penang plant 2",
            "country": "MY",
            "categories": ["wages"],
            "description": "Gaji tidak dibayar.",
            "wants_contact": "no",
        },
    )
    assert response.status_code == 200
    assert "receipt-code" in response.content.decode()
    logged = Grievance.objects.get(partner=own)
    assert (logged.channel, logged.language, logged.logged_by) == ("partner_phone", "ms", user)
    listing = client.get("/partner/grievances/").content.decode()
    assert logged.reference in listing
    assert theirs.reference not in listing
    assert client.get(f"/partner/grievances/{logged.pk}/").status_code == 200
    assert client.get(f"/partner/grievances/{theirs.pk}/").status_code == 404
    assert client.get(f"/partner/grievances/{web.pk}/").status_code == 404
    assert (
        client.post(f"/partner/grievances/{theirs.pk}/messages/", {"body": "x"}).status_code == 404
    )
    client.post(f"/partner/grievances/{logged.pk}/messages/", {"body": "She called again."})
    assert logged.messages.get().side == "partner"


def test_partner_list_has_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    partner = MonitoringPartnerFactory()
    client.force_login(PartnerMemberFactory(partner=partner))
    for _ in range(3):
        submit(partner=partner)
    with django_assert_max_num_queries(12):
        client.get("/partner/grievances/")
    for _ in range(15):
        submit(partner=partner)
    with django_assert_max_num_queries(12):
        client.get("/partner/grievances/")


def test_an_affiliate_member_gets_404_on_every_grievance_page_and_api_route(client, northvale):
    from tests.platform.urlwalk import walk

    grievance, _ = submit()
    attachment_args = {"id": 1}
    client.force_login(member(northvale, Membership.Role.ADMIN))
    routes = [
        r for r in walk() if "grievance" in r.template and not r.template.startswith("/grievances/")
    ]
    failures = []
    for route in routes:
        url = route.url(**{"pk": grievance.pk, **attachment_args} if route.args else {})
        for method in {"GET", *route.methods}:
            response = getattr(client, method.lower())(url, content_type="application/json")
            expected = {404, 405} if method not in route.methods else {404}
            if response.status_code not in expected:
                failures.append(f"{method} {url} -> {response.status_code}")
    assert len(routes) >= 14
    assert failures == []


def test_affiliates_see_a_count_only_from_the_threshold(client, northvale, settings):
    from tests.factories import ContractFactory, DisclosureFactory, DisclosureLineFactory

    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    factory = FactoryFactory()
    disclosure = DisclosureFactory(contract=ContractFactory(affiliate=northvale), status="accepted")
    DisclosureLineFactory(disclosure=disclosure, factory=factory)
    for _ in range(4):
        submit(intake={"factory": factory})
    assert grievance_counts_by_factory([factory.pk]) == {}
    client.force_login(member(northvale, Membership.Role.OFFICER))
    page = client.get(f"/a/northvale/factories/{factory.pk}/").content.decode()
    assert "Fewer than 5 grievances, or none." in page
    submit(intake={"factory": factory})
    assert grievance_counts_by_factory([factory.pk]) == {factory.pk: 5}
    page = client.get(f"/a/northvale/factories/{factory.pk}/").content.decode()
    assert "5 grievances received about this factory." in page
    assert DESCRIPTION not in page


def test_the_api_lists_without_and_details_with_the_description(
    client, staff, django_assert_max_num_queries
):
    grievance, _ = submit()
    client.force_login(staff)
    with django_assert_max_num_queries(10):
        listing = client.get("/api/v1/grievances/").json()
    assert listing["results"][0]["reference"] == grievance.reference
    assert "description" not in listing["results"][0]
    detail = client.get(f"/api/v1/grievances/{grievance.pk}/").json()
    assert (detail["description"], detail["contact_details"]) == (DESCRIPTION, CONTACT)


def test_a_partner_logs_through_the_api_and_gets_the_code_once(client):
    partner = MonitoringPartnerFactory()
    client.force_login(PartnerMemberFactory(partner=partner))
    other, _ = submit()
    response = client.post(
        "/api/v1/grievances/",
        {
            "channel": "partner_in_person",
            "language": "vi",
            "workplace": "Bac Ninh",
            "description": "Trừ lương.",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["receipt_code"]) == 24
    ids = [row["id"] for row in client.get("/api/v1/grievances/").json()["results"]]
    assert ids == [body["id"]]
    assert client.get(f"/api/v1/grievances/{other.pk}/").status_code == 404


def test_the_api_is_404_for_affiliate_members_and_closed_to_anonymous(client, northvale):
    grievance, _ = submit()
    assert client.get("/api/v1/grievances/").status_code in {401, 403}
    client.force_login(member(Affiliate.objects.get(slug="northvale"), Membership.Role.ADMIN))
    assert client.get("/api/v1/grievances/").status_code == 404
    assert client.get(f"/api/v1/grievances/{grievance.pk}/").status_code == 404
