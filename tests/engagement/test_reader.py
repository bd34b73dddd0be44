"""A company contact reads as its company, and only in the portal."""

import pytest

from affiliates.reader import Reader, ReaderKind
from tests.factories import CompanyContactFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_a_company_contact_reads_as_its_company():
    company = SupplierFactory(is_brand=True)
    contact = CompanyContactFactory(company=company)
    reader = Reader.of(contact)
    assert reader.kind is ReaderKind.COMPANY
    assert reader.company_id == company.pk
    assert reader.is_company and not reader.is_affiliate and not reader.is_partner
    assert contact.must_enrol_in_mfa


def test_the_home_page_leads_a_company_contact_to_the_portal(client):
    contact = CompanyContactFactory(company=SupplierFactory(name="Acme Devices"))
    client.force_login(contact)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/company/"
    assert b"Acme Devices" in response.content


def test_the_portal_is_404_for_others(client, northvale):
    from tests.factories import member

    client.force_login(member(northvale))
    assert client.get("/company/").status_code == 404
