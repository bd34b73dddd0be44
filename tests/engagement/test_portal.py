"""The company portal: its home, and the disclosure inbox answered with the same services as
the contractor's tokenised link (which keeps working)."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from suppliers.models import Disclosure, DisclosureLine
from tests.factories import (
    AffiliateFactory,
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    SupplierFactory,
    company_action,
    company_commitment,
    company_disclosure,
    quarter_score,
    shared_finding,
)

pytestmark = pytest.mark.django_db

LINE = {
    "action": "add",
    "site_name": "Ayutthaya Plant 2",
    "address": "99 Rojana Road",
    "country": "TH",
    "brand": "Acme",
    "product_model": "Book 14",
    "tier": "1",
}


@pytest.fixture
def northern():
    return SupplierFactory(name="Northern IT", is_contractor=True)


@pytest.fixture
def contact(client, northern):
    user = CompanyContactFactory(company=northern, email="contractor@northern-it.example")
    client.force_login(user)
    return user


def _fresh(disclosure) -> Disclosure:
    with scopes_disabled():
        return Disclosure.objects.get(pk=disclosure.pk)


def test_the_home_shows_open_requests_and_actions(client, contact, northern):
    disclosure = company_disclosure(northern)
    action = company_action(northern, description="Return every passport to its owner")
    company_disclosure(SupplierFactory())  # another contractor's
    response = client.get("/company/")
    body = response.content.decode()
    assert response.status_code == 200
    assert disclosure.contract.reference in body
    assert disclosure.affiliate.name in body
    assert "Return every passport to its owner" in body
    assert action.case.reference in body
    assert reverse("engagement:company_disclosure", kwargs={"pk": disclosure.pk}) in body
    assert reverse("engagement:company_action", kwargs={"pk": action.pk}) in body


def test_the_inbox_lists_every_affiliates_requests_to_the_company_never_the_value(
    client, contact, northern, django_assert_max_num_queries
):
    for number in range(30):
        affiliate = AffiliateFactory(name=f"Buyer number {number}")
        contract = ContractFactory(
            affiliate=affiliate, contractor=northern, value=987_654_321, title=f"Lot {number}"
        )
        disclosure = DisclosureFactory(contract=contract)
        DisclosureLineFactory(disclosure=disclosure)
    foreign = company_disclosure(SupplierFactory(name="Someone Else"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:company_disclosures"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Buyer number") == 25  # one page
    assert "987" not in body and "654" not in body
    assert foreign.contract.reference not in body
    second = client.get(reverse("engagement:company_disclosures") + "?page=2")
    assert second.content.decode().count("Buyer number") == 5


def test_the_inbox_marks_overdue_requests(client, contact, northern):
    from datetime import date

    company_disclosure(northern, due_date=date(2020, 1, 1))
    response = client.get(reverse("engagement:company_disclosures"))
    assert "Overdue" in response.content.decode()


def test_a_contact_answers_a_request_and_submits_it_as_the_contractor(client, contact, northern):
    disclosure = company_disclosure(northern, submitted_by_contractor=False)
    url = reverse("engagement:company_disclosure", kwargs={"pk": disclosure.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert disclosure.affiliate.name in page.content.decode()  # as the token page shows
    assert "987" not in page.content.decode()
    assert client.post(url, LINE).status_code == 302
    with scopes_disabled():
        assert DisclosureLine.objects.filter(disclosure=disclosure).count() == 1
    response = client.post(url, {"action": "submit"}, follow=True)
    assert "The list was submitted" in response.content.decode()
    fresh = _fresh(disclosure)
    assert fresh.status == Disclosure.Status.SUBMITTED
    # A contact of the contractor vouches for the sites like the contractor's link does.
    assert fresh.submitted_by_contractor is True


def test_a_submitted_request_can_no_longer_be_changed_from_the_portal(client, contact, northern):
    disclosure = company_disclosure(northern, status=Disclosure.Status.SUBMITTED)
    url = reverse("engagement:company_disclosure", kwargs={"pk": disclosure.pk})
    page = client.get(url)
    assert "Upload your list" not in page.content.decode()
    response = client.post(url, LINE, follow=True)
    assert "can no longer be changed" in response.content.decode()
    with scopes_disabled():
        assert not DisclosureLine.objects.filter(disclosure=disclosure).exists()


def test_a_bad_upload_shows_its_errors_and_saves_nothing(client, contact, northern):
    disclosure = company_disclosure(northern)
    url = reverse("engagement:company_disclosure", kwargs={"pk": disclosure.pk})
    upload = SimpleUploadedFile(
        "sites.csv",
        b"site_name,address,country,brand,product_model\nPlant A,1 Road,Narnia,Dell,X1\n",
        content_type="text/csv",
    )
    response = client.post(url, {"action": "upload", "file": upload})
    assert response.status_code == 400
    assert "Narnia" in response.content.decode()
    report = client.get(url + "?download=errors")
    assert "2,country," in report.content.decode()
    with scopes_disabled():
        assert not DisclosureLine.objects.filter(disclosure=disclosure).exists()


def test_another_contractors_request_is_404(client, contact):
    foreign = company_disclosure(SupplierFactory())
    url = reverse("engagement:company_disclosure", kwargs={"pk": foreign.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, LINE).status_code == 404


def test_the_tokenised_link_still_works_for_a_contractor_with_contacts(
    client, northern, northvale, northvale_officer, django_capture_on_commit_callbacks
):
    CompanyContactFactory(company=northern)
    disclosure = DisclosureFactory(
        contract=ContractFactory(affiliate=northvale, contractor=northern),
        submitted_by_contractor=False,
    )
    client.force_login(northvale_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/a/northvale/disclosures/{disclosure.pk}/request/",
            {"email": "sales@northern.example"},
        )
    path = re.search(r"http://[^/\s]+(/disclose/[^/\s]+/)", mail.outbox[-1].body).group(1)
    anonymous = client.__class__()
    assert anonymous.get(path).status_code == 200
    assert anonymous.post(path, LINE).status_code == 302
    response = anonymous.post(path, {"action": "submit"})
    assert "the list was submitted" in response.content.decode()
    fresh = _fresh(disclosure)
    assert fresh.status == Disclosure.Status.SUBMITTED and fresh.submitted_by_contractor


def test_an_officers_submission_still_needs_staff_confirmation(northvale, northvale_officer):
    from suppliers.services import disclosure_submit

    disclosure = DisclosureFactory(
        contract=ContractFactory(affiliate=northvale), submitted_by_contractor=False
    )
    DisclosureLineFactory(disclosure=disclosure)
    disclosure_submit(disclosure=disclosure, by=northvale_officer)
    assert _fresh(disclosure).submitted_by_contractor is False


def test_the_home_keeps_its_query_budget(client, contact, northern, django_assert_max_num_queries):
    for _number in range(15):
        company_disclosure(northern)
        company_action(northern)
        shared_finding(northern)
        company_commitment(northern)
    with django_assert_max_num_queries(18):
        response = client.get("/company/")
    body = response.content.decode()
    assert "15 requests are waiting" in body
    assert "15 actions are open" in body
    assert "15 findings await your answer" in body
    assert "15 commitments are open" in body


def test_the_home_leads_to_the_findings_awaiting_an_answer(client, contact, northern):
    reply = shared_finding(northern)
    answered = shared_finding(northern)
    answered.answer, answered.answered_at = (
        "Passports were returned.",
        answered.right_of_reply.shared_at,
    )
    answered.save()
    shared_finding(SupplierFactory(name="Someone Else"))  # another company's
    body = client.get("/company/").content.decode()
    assert "1 finding awaits your answer" in body
    assert f'href="/company/findings/{reply.pk}/"' in body
    assert f'href="/company/findings/{answered.pk}/"' not in body
    assert "No corrective action is open for your company." in body


def test_staff_see_the_companys_engagement_on_its_page(client, staff, contact, northern):
    shared_finding(northern)
    quarter_score(northern, overall="71.5")
    client.force_login(staff)
    body = client.get(f"/staff/suppliers/{northern.pk}/").content.decode()
    assert contact.email in body
    assert "Findings awaiting its answer" in body
    assert "71.5 / 100" in body
    assert f"/staff/engagement/companies/{northern.pk}/contacts/" in body
    assert f"/staff/companies/{northern.pk}/performance/" in body


def test_a_contacts_account_page_offers_no_case_digest(client, contact):
    body = client.get("/account/").content.decode()
    assert "Language" in body
    assert "weekly digest of remediation cases" not in body
    response = client.post("/account/", {"full_name": "Ana Reyes", "language": "fr"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.full_name, contact.language, contact.mute_case_digests) == (
        "Ana Reyes",
        "fr",
        False,
    )


def test_the_menu_of_a_contact_leads_only_to_pages_it_may_open(client, contact):
    import re

    body = client.get("/company/").content.decode()
    nav = body.split('<nav class="main-nav"', 1)[-1].split("</nav>", 1)[0]
    links = re.findall(r'href="(/[^"]*)"', nav)
    assert "/company/findings/" in links
    for link in links:
        assert client.get(link).status_code == 200, link
