"""The demo data. Every test starts from one `seed_demo` run (the `demo_data` fixture, once
per module); the tests that run it again check that a second run changes nothing."""

from django.core.management import call_command
from django_scopes import scopes_disabled

from affiliates.demo_accounts import DEMO_LOGINS, DEMO_PASSWORD
from affiliates.models import Affiliate, Membership, User
from core.models import AuditEvents
from engagement.models import CompanyContact
from monitoring.models import PartnerMembership
from suppliers.models import Contract, Supplier


def _counts():
    with scopes_disabled():
        return (
            Affiliate.objects.count(),
            User.objects.count(),
            Membership.objects.count(),
            PartnerMembership.objects.count(),
            CompanyContact.objects.count(),
            Supplier.objects.count(),
            Contract.objects.count(),
        )


def test_seed_demo_is_idempotent_and_every_demo_login_works(demo_data, db, client):
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first
    for email, _role in DEMO_LOGINS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.emailaddress_set.get().verified
    assert User.objects.get(email="staff@ewatch.example").is_ew_staff
    # The audit trail names the command that wrote the demo rows.
    staff = User.objects.get(email="staff@ewatch.example")
    assert {e.command for e in AuditEvents.objects.tracks(staff)} == {"seed_demo"}
    assert User.objects.get(email="partner@monitor.example").is_partner_member
    contacts = set(CompanyContact.objects.values_list("user__email", "company__name"))
    assert contacts == {
        ("brand@acme-devices.example", "Acme Devices"),
        ("contractor@northern-it.example", "Northern IT"),
    }
    with scopes_disabled():
        roles = set(Membership.objects.values_list("user__email", "affiliate__slug", "role"))
    assert ("admin@northvale.example", "northvale", "admin") in roles
    assert ("officer@northvale.example", "northvale", "officer") in roles
    assert ("officer@southport.example", "southport", "admin") in roles


def test_seed_demo_scale_generates_affiliates_in_bulk(demo_data, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        call_command("seed_demo", scale=5, affiliates_only=True, verbosity=0)
    with CaptureQueriesContext(connection) as large:
        call_command("seed_demo", scale=40, affiliates_only=True, verbosity=0)
    # Bulk creation: eight times the affiliates, the same number of queries.
    assert len(large.captured_queries) <= len(small.captured_queries)
    assert Affiliate.objects.filter(slug__startswith="gen-").count() == 40
    with scopes_disabled():
        assert Membership.objects.filter(affiliate__slug="gen-00040").count() == 3
        assert not Contract.objects.filter(affiliate__slug__startswith="gen-").exists()
    call_command("seed_demo", scale=40, affiliates_only=True, verbosity=0)
    assert Affiliate.objects.filter(slug__startswith="gen-").count() == 40


def test_demo_supply_chain_has_shared_factories_an_overdue_and_a_waiting_disclosure(demo_data, db):
    from suppliers.models import Disclosure, Factory, FactoryMatchReview

    call_command("seed_demo", verbosity=0)  # the second time
    with scopes_disabled():
        statuses = {
            d.contract.reference: (
                d.affiliate.slug,
                d.status,
                d.is_overdue,
                bool(d.contractor_email),
            )
            for d in Disclosure.objects.select_related("contract", "affiliate")
        }
    assert statuses["NV-ICT-2025-01"] == ("northvale", "accepted", False, False)
    assert statuses["SU-IT-2025-07"] == ("southport", "accepted", False, False)
    assert statuses["NV-ICT-2026-02"] == ("northvale", "requested", True, False)
    assert statuses["SU-IT-2026-01"][1:] == ("requested", False, True)
    assert statuses["SU-IT-2026-03"] == ("southport", "requested", False, True)
    shared = Factory.objects.active().with_affiliate_count().filter(affiliate_count=2)
    assert shared.count() == 2
    assert FactoryMatchReview.objects.filter(decision="pending").count() == 1


def test_demo_cases_are_in_several_states_with_actions_due_soon_and_overdue(demo_data, db):
    from datetime import timedelta

    from django.utils import timezone

    from remediation.models import Participation, RemediationAction, RemediationCase

    today = timezone.localdate()
    statuses = set(RemediationCase.objects.values_list("status", flat=True))
    assert len(statuses) >= 3
    open_actions = RemediationAction.objects.open().in_active_cases()
    assert open_actions.filter(due_date__lt=today).exists()
    assert open_actions.filter(due_date__range=(today, today + timedelta(days=7))).exists()
    joined = {
        (p.case.title, p.affiliate.slug)
        for p in Participation.objects.filter(joined_on__isnull=False).select_related(
            "case", "affiliate"
        )
    }
    assert {slug for _title, slug in joined} == {"northvale", "southport"}
    # Only the affiliates that joined show as joined: an invitation stays an invitation.
    assert ("Supervisors threatening workers who complain", "northvale") not in joined
    assert Participation.objects.filter(joined_on__isnull=True).exists()


def test_demo_topics_are_one_vocabulary_shared_by_every_area(demo_data, db):
    """The library, the community and the screenings name the same topics: none twice, and
    the topics screenings recommend from hold published resources."""
    from learning.models import Resource, Topic
    from learning.services import screening

    names = list(Topic.objects.values_list("name_en", flat=True))
    assert len(names) == len(set(names))
    used = {
        *screening.BASE_TOPICS,
        *(
            slug
            for table in (screening.STANDARD_TOPICS, screening.INDICATOR_TOPICS)
            for slugs in table.values()
            for slug in slugs
        ),
        *(slug for slugs in screening.COUNTRY_TOPICS.values() for slug in slugs),
    }
    for slug in used:
        assert Resource.objects.published().filter(topics__slug=slug).exists(), slug


def test_every_demo_factory_is_on_the_dashboard_map(demo_data, db, client):
    """Coordinates of its town for every demo factory, given again to a database seeded
    before them; the affiliate dashboard's map then draws every factory of its table."""
    from django.urls import reverse

    from suppliers.models import Factory

    Factory.objects.filter(name__startswith="Brno").update(latitude=None, longitude=None)
    call_command("seed_demo", verbosity=0)
    factories = Factory.objects.all()
    assert factories.count() >= 6
    assert not factories.filter(latitude__isnull=True).exists()
    assert not factories.filter(longitude__isnull=True).exists()
    brno = Factory.objects.get(name__startswith="Brno")
    assert (round(brno.latitude), round(brno.longitude)) == (49, 17)

    client.force_login(User.objects.get(email="admin@northvale.example"))
    response = client.get(reverse("reports:dashboard", kwargs={"affiliate_slug": "northvale"}))
    factory_map = response.context["factory_map"]
    assert factory_map.factories and factory_map.not_drawn == 0
    assert str(factory_map.svg).count('class="map-point"') == len(factory_map.factories)
