"""Only a vouched-for disclosure puts a factory in the supply chain (issue 17): an officer who
types a factory's name or OS ID and submits and accepts the list alone reads nothing more."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from affiliates.models import Membership
from affiliates.reader import Reader
from core.errors import DomainError
from monitoring.models import Finding
from remediation import services as remediation_services
from suppliers import services
from suppliers.imports import disclosure_add_rows
from suppliers.models import Disclosure, Factory
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    RemediationCaseFactory,
    StaffFactory,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def target():
    """A factory with a published finding and an open case, in nobody's supply chain yet."""
    finding = published_finding()
    factory = finding.report.factory
    RemediationCaseFactory(factory=factory)
    return factory


def _typed_by_the_officer(affiliate, officer, factory) -> Disclosure:
    contract = ContractFactory(affiliate=affiliate)
    disclosure = DisclosureFactory(contract=contract, submitted_by_contractor=False)
    with scope(affiliate=affiliate):
        disclosure_add_rows(
            disclosure=disclosure,
            rows=[
                {
                    "site_name": factory.name,
                    "address": factory.address,
                    "country": factory.country.code,
                    "os_id": factory.os_id,
                    "brand": "Any brand",
                    "product_model": "Laptop 14",
                }
            ],
            by=officer,
        )
        disclosure = services.disclosure_submit(disclosure=disclosure, by=officer)
        return services.disclosure_accept(disclosure=disclosure, by=officer)


def test_an_officer_cannot_put_a_factory_in_the_chain_by_typing_it_and_accepting(
    client, northvale, target
):
    officer = member(northvale, Membership.Role.OFFICER)
    disclosure = _typed_by_the_officer(northvale, officer, target)
    assert disclosure.status == Disclosure.Status.ACCEPTED
    assert disclosure.awaits_confirmation
    reader = Reader.for_affiliate(northvale)
    assert not Factory.objects.visible_to(reader).filter(pk=target.pk).exists()
    assert not Finding.objects.visible_to(reader).filter(report__factory=target).exists()
    client.force_login(officer)
    assert client.get(f"/a/northvale/factories/{target.pk}/").status_code == 404
    page = client.get(disclosure.get_absolute_url()).content.decode()
    assert "Electronics Watch confirms them" in page
    with scopes_disabled():
        membership = Membership.objects.get(user=officer)
    case = target.remediation_cases.get()
    with pytest.raises(DomainError):
        remediation_services.case_join(case=case, affiliate=northvale, membership=membership)


def test_staff_confirm_what_the_officer_typed_and_the_site_joins_the_chain(
    client, northvale, target
):
    officer = member(northvale, Membership.Role.OFFICER)
    disclosure = _typed_by_the_officer(northvale, officer, target)
    staff = StaffFactory()
    client.force_login(staff)
    queue = client.get(reverse("suppliers:staff_disclosure_confirmations")).content.decode()
    with scopes_disabled():
        reference = disclosure.contract.reference
    assert reference in queue and target.name in queue
    response = client.post(
        reverse("suppliers:staff_disclosure_confirm", kwargs={"pk": disclosure.pk}), follow=True
    )
    assert "now in" in response.content.decode()
    reader = Reader.for_affiliate(northvale)
    assert Factory.objects.visible_to(reader).filter(pk=target.pk).exists()
    assert Finding.objects.visible_to(reader).filter(report__factory=target).exists()


def test_a_list_the_contractor_submitted_counts_once_the_officer_accepts_it(northvale, target):
    officer = member(northvale, Membership.Role.OFFICER)
    contract = ContractFactory(affiliate=northvale)
    disclosure = DisclosureFactory(contract=contract, submitted_by_contractor=False)
    with scope(affiliate=northvale):
        disclosure_add_rows(
            disclosure=disclosure,
            rows=[
                {
                    "site_name": target.name,
                    "address": target.address,
                    "country": target.country.code,
                    "os_id": target.os_id,
                    "brand": "B",
                    "product_model": "Laptop 14",
                }
            ],
            by=None,
        )
        disclosure = services.disclosure_submit(disclosure=disclosure)  # through the link
        reader = Reader.for_affiliate(northvale)
        assert not Factory.objects.visible_to(reader).filter(pk=target.pk).exists()  # submitted
        services.disclosure_accept(disclosure=disclosure, by=officer)
    assert Factory.objects.visible_to(reader).filter(pk=target.pk).exists()


def test_only_staff_confirm_and_only_accepted_lists(client, northvale, target):
    officer = member(northvale, Membership.Role.ADMIN)
    disclosure = _typed_by_the_officer(northvale, officer, target)
    with pytest.raises(DomainError, match="Only Electronics Watch staff"):
        services.disclosure_confirm(disclosure=disclosure, by=officer)
    client.force_login(officer)
    url = reverse("suppliers:staff_disclosure_confirm", kwargs={"pk": disclosure.pk})
    assert client.post(url).status_code == 404
    requested = DisclosureFactory(contract=ContractFactory(affiliate=northvale))
    with pytest.raises(DomainError, match="Only an accepted disclosure"):
        services.disclosure_confirm(disclosure=requested, by=StaffFactory())


def test_the_confirmation_queue_has_a_query_budget(
    client, northvale, django_assert_max_num_queries
):
    officer = member(northvale, Membership.Role.OFFICER)
    for _ in range(6):
        _typed_by_the_officer(northvale, officer, published_finding().report.factory)
    client.force_login(StaffFactory())
    with django_assert_max_num_queries(14):
        response = client.get(reverse("suppliers:staff_disclosure_confirmations"))
    assert response.content.decode().count("Confirm the sites of") == 6
