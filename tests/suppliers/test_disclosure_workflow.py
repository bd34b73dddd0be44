import re
from datetime import date, timedelta

from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from suppliers.models import Disclosure, FactoryMatchReview, SupplierFactory
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    MonitoringReportFactory,
    StaffFactory,
)


def _disclosure(affiliate, **fields):
    return DisclosureFactory(contract=ContractFactory(affiliate=affiliate), **fields)


def _status(disclosure):
    with scopes_disabled():
        return Disclosure.objects.get(pk=disclosure.pk).status


def test_officer_submits_then_accepts_and_the_brand_mapping_is_recorded(
    client, northvale_officer, northvale
):
    disclosure = _disclosure(northvale)
    line = DisclosureLineFactory(
        disclosure=disclosure, brand="Acme Devices", product_model="AcmeBook T14"
    )
    client.force_login(northvale_officer)
    base = f"/a/northvale/disclosures/{disclosure.pk}"
    response = client.post(f"{base}/submit/", follow=True)
    assert "The disclosure was submitted." in response.content.decode()
    response = client.post(f"{base}/accept/", follow=True)
    assert "The disclosure was accepted." in response.content.decode()
    assert _status(disclosure) == "accepted"
    link = SupplierFactory.objects.get(factory=line.factory)
    assert (link.supplier.name, link.supplier.is_brand, link.source) == (
        "Acme Devices",
        True,
        "disclosure",
    )
    assert link.products == "AcmeBook T14"
    assert link.source_reference == disclosure.contract.reference


def test_submitting_an_empty_list_is_refused(client, northvale_officer, northvale):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    response = client.post(f"/a/northvale/disclosures/{disclosure.pk}/submit/", follow=True)
    assert "Add at least one production site before submitting." in response.content.decode()
    assert _status(disclosure) == "requested"


def test_an_accepted_disclosure_cannot_be_accepted_again_or_changed(
    client, northvale_officer, northvale
):
    disclosure = _disclosure(northvale, status="accepted")
    line = DisclosureLineFactory(disclosure=disclosure)
    client.force_login(northvale_officer)
    response = client.post(f"/a/northvale/disclosures/{disclosure.pk}/accept/", follow=True)
    assert "cannot become" in response.content.decode()
    response = client.post(
        f"/a/northvale/disclosure-lines/{line.pk}/delete/", {"confirmed": "1"}, follow=True
    )
    assert "can no longer be changed" in response.content.decode()


def test_viewers_cannot_accept(client, northvale):
    from affiliates.models import Membership
    from tests.factories import member

    disclosure = _disclosure(northvale, status="submitted")
    client.force_login(member(northvale, Membership.Role.VIEWER))
    assert client.post(f"/a/northvale/disclosures/{disclosure.pk}/accept/").status_code == 403
    assert _status(disclosure) == "submitted"


def test_returning_needs_comments_and_mails_a_new_link(
    client, northvale_officer, northvale, django_capture_on_commit_callbacks
):
    disclosure = _disclosure(
        northvale, status="submitted", contractor_email="sales@reseller.example"
    )
    client.force_login(northvale_officer)
    base = f"/a/northvale/disclosures/{disclosure.pk}"
    response = client.post(f"{base}/return/", {"comments": "  "}, follow=True)
    assert "Say what the contractor must correct." in response.content.decode()
    assert _status(disclosure) == "submitted"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{base}/return/", {"comments": "Add the monitor assembly plant."})
    assert _status(disclosure) == "returned"
    assert mail.outbox[-1].to == ["sales@reseller.example"]
    assert "Add the monitor assembly plant." in mail.outbox[-1].body


def _request_link(client, disclosure, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/a/{disclosure.affiliate.slug}/disclosures/{disclosure.pk}/request/",
            {"email": "Sales@Reseller.example"},
        )
    body = mail.outbox[-1].body
    return re.search(r"http://[^/\s]+(/disclose/[^/\s]+/)", body).group(1)


def test_contractor_link_opens_its_own_disclosure_until_submitted(
    client, northvale_officer, northvale, southport, django_capture_on_commit_callbacks
):
    disclosure = _disclosure(northvale)
    other = _disclosure(southport)
    DisclosureLineFactory(disclosure=other, site_name="Southport Secret Plant")
    client.force_login(northvale_officer)
    path = _request_link(client, disclosure, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["sales@reseller.example"]
    assert disclosure.contract.reference in mail.outbox[-1].subject

    contractor = client.__class__()
    page = contractor.get(path)
    body = page.content.decode()
    assert page.status_code == 200
    assert disclosure.contract.reference in body
    assert other.contract.reference not in body
    assert "Southport Secret Plant" not in body
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "no-store"

    response = contractor.post(
        path,
        {
            "action": "add",
            "site_name": "Ayutthaya Plant 2",
            "address": "99 Rojana Road",
            "country": "TH",
            "brand": "Kestrel Computing",
            "product_model": "Kestrel Pro 5450",
            "tier": "1",
        },
    )
    assert response.status_code == 302
    response = contractor.post(path, {"action": "submit"})
    assert "the list was submitted" in response.content.decode()
    assert _status(disclosure) == "submitted"
    gone = contractor.get(path)
    assert gone.status_code == 410
    assert "not valid, or the list was already submitted" in gone.content.decode()


def test_an_expired_contractor_link_is_refused(
    client, northvale_officer, northvale, django_capture_on_commit_callbacks
):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    path = _request_link(client, disclosure, django_capture_on_commit_callbacks)
    with scopes_disabled():
        Disclosure.objects.filter(pk=disclosure.pk).update(
            contractor_token_expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = client.__class__().get(path)
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()


def test_an_unknown_contractor_link_is_refused(client, db):
    response = client.get("/disclose/made-up-token/")
    assert response.status_code == 410


def test_overdue_disclosures_are_flagged(client, northvale_officer, northvale):
    late = _disclosure(northvale, due_date=date.today() - timedelta(days=3))
    _disclosure(northvale, due_date=date.today() + timedelta(days=3))
    client.force_login(northvale_officer)
    body = client.get("/a/northvale/disclosures/?status=overdue").content.decode()
    assert late.contract.reference in body
    assert body.count("Overdue</strong>") == 1


def test_staff_merge_keeps_history_and_every_link(client, northvale, southport):
    staff = StaffFactory()
    known = FactoryFactory(name="Precision Plant Ltd", address="1 Main Road")
    twin = FactoryFactory(name="Precision Plant Limited", address="1 Main Rd")
    north_line = DisclosureLineFactory(
        disclosure=_disclosure(northvale, status="accepted"), factory=known
    )
    south_line = DisclosureLineFactory(
        disclosure=_disclosure(southport, status="accepted"), factory=twin
    )
    report = MonitoringReportFactory(factory=twin)
    review = FactoryMatchReview.objects.create(factory=twin, candidate=known, score=0.7)
    client.force_login(staff)
    response = client.post(
        f"/staff/factory-matches/{review.pk}/", {"decision": "same", "confirmed": "1"}, follow=True
    )
    assert "Merged" in response.content.decode()
    twin.refresh_from_db()
    known.refresh_from_db()
    assert twin.merged_into == known
    assert "Precision Plant Limited" in known.aliases
    with scopes_disabled():
        south_line.refresh_from_db()
        north_line.refresh_from_db()
    assert south_line.factory == north_line.factory == known
    report.refresh_from_db()
    assert report.factory == known
    ranking = client.get("/staff/factories/").content.decode()
    assert "Precision Plant Limited" not in ranking
    assert "Precision Plant Ltd" in ranking


def test_staff_can_keep_two_sites_apart(client, db):
    staff = StaffFactory()
    review = FactoryMatchReview.objects.create(
        factory=FactoryFactory(), candidate=FactoryFactory(), score=0.5
    )
    client.force_login(staff)
    client.post(f"/staff/factory-matches/{review.pk}/", {"decision": "different"})
    review.refresh_from_db()
    assert review.decision == "different"
    assert review.factory.merged_into is None


def test_contractor_uploads_a_bad_file_and_downloads_the_error_report(
    client, northvale_officer, northvale, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    path = _request_link(client, disclosure, django_capture_on_commit_callbacks)
    contractor = client.__class__()
    upload = SimpleUploadedFile(
        "sites.csv",
        b"site_name,address,country,brand,product_model\n"
        b"Plant A,1 Road,Narnia,Kestrel Computing,Kestrel Pro 5450\n",
        content_type="text/csv",
    )
    response = contractor.post(path, {"action": "upload", "file": upload})
    assert response.status_code == 400
    assert "Narnia" in response.content.decode()
    report = contractor.get(path + "?download=errors")
    assert report["Content-Disposition"] == 'attachment; filename="disclosure-errors.csv"'
    assert "2,country," in report.content.decode()
    with scopes_disabled():
        assert not disclosure.lines.exists()


def test_officer_types_a_line_and_bad_input_saves_nothing(client, northvale_officer, northvale):
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    url = f"/a/northvale/disclosures/{disclosure.pk}/lines/"
    line = {
        "site_name": "Plant A",
        "address": "1 Road, Penang",
        "country": "MY",
        "brand": "",
        "product_model": "X1",
        "tier": "1",
    }
    response = client.post(url, line)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(url, {**line, "brand": "Tessaly Tech", "country": "XX"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    with scopes_disabled():
        assert not disclosure.lines.exists()
    response = client.post(url, {**line, "brand": "Tessaly Tech"}, follow=True)
    assert "The production site was added." in response.content.decode()
    with scopes_disabled():
        assert disclosure.lines.get().factory.name == "Plant A"
