"""The right of reply in the API: company routes and staff's list per report."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from monitoring.models import RightOfReply
from monitoring.replies import answer_finding
from tests.factories import SupplierFactory, member, shared_finding

from .replies_setup import (
    EVIDENCE,
    NARRATIVE,
    PARTNER,
    TESTIMONY,
    concerned_brand,
    png_upload,
    share,
    validated_report,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/company/findings/"


def _shared():
    report = validated_report()
    brand, contact = concerned_brand(report)
    (right,) = share(report, [brand])
    return report, right, contact


def test_a_contact_lists_its_companys_findings_in_their_company_version(client):
    _report, right, contact = _shared()
    other = shared_finding(SupplierFactory(is_brand=True))
    client.force_login(contact)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert {item["id"] for item in body["results"]} == set(
        right.replies.values_list("pk", flat=True)
    )
    assert other.pk not in {item["id"] for item in body["results"]}
    item = body["results"][0]
    assert item["factory"]["name"] == "Lotus Assembly Plant"
    assert item["state"] == "awaiting" and item["can_answer"] is True
    assert item["pdf_url"] == f"/company/replies/{right.pk}/pdf/"
    text = json.dumps(body)
    for secret in (TESTIMONY, EVIDENCE, NARRATIVE, PARTNER):
        assert secret not in text
    assert "workers_affected" not in text and "confidential" not in text


def test_a_contact_gets_404_for_another_companys_finding(client):
    _report, _right, contact = _shared()
    other = shared_finding(SupplierFactory(is_brand=True))
    client.force_login(contact)
    response = client.get(f"{LIST}{other.pk}/")
    assert response.status_code == 404
    # DRF's generic message: Django's would name the model ("No FindingReply matches ...").
    assert response.json() == {"detail": "Not found."}
    response = client.post(
        f"{LIST}{other.pk}/answer/", {"answer": "Ours now."}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert "FindingReply" not in response.content.decode()
    other.refresh_from_db()
    assert other.answered_at is None


def test_a_contact_answers_with_files_through_the_api(client):
    _report, right, contact = _shared()
    reply = right.replies.order_by("pk").first()
    client.force_login(contact)
    response = client.post(
        f"{LIST}{reply.pk}/answer/",
        {"answer": "Passports returned.", "files": [png_upload(), png_upload("two.png")]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "answered" and body["answer"] == "Passports returned."
    assert len(body["attachments"]) == 2
    download = client.get(body["attachments"][0]["download_url"])
    assert download.status_code == 200


def test_an_answer_is_refused_with_the_reason_and_nothing_changes(client):
    _report, right, contact = _shared()
    reply = right.replies.order_by("pk").first()
    client.force_login(contact)
    bad_file = client.post(
        f"{LIST}{reply.pk}/answer/",
        {"answer": "See file.", "files": [SimpleUploadedFile("a.pdf", b"MZ not a pdf")]},
    )
    assert bad_file.status_code == 400
    assert "is not a JPEG, PNG or WebP photo" in bad_file.json()["detail"]
    RightOfReply.objects.filter(pk=right.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    late = client.post(
        f"{LIST}{reply.pk}/answer/", {"answer": "Late."}, content_type="application/json"
    )
    assert late.status_code == 400
    assert "no longer accepted" in late.json()["detail"]
    reply.refresh_from_db()
    assert reply.answered_at is None and not reply.attachments.exists()


def test_company_routes_are_404_for_others(client, staff, northvale):
    reply = shared_finding(SupplierFactory(is_brand=True))
    for user in (staff, member(northvale)):
        client.force_login(user)
        assert client.get(LIST).status_code == 404
        assert client.get(f"{LIST}{reply.pk}/").status_code == 404


def test_staff_list_the_replies_of_a_report(client, staff):
    report, right, contact = _shared()
    answer_finding(reply=right.replies.order_by("pk").first(), by=contact, answer="Done.")
    shared_finding(SupplierFactory(is_brand=True))  # another report's
    client.force_login(staff)
    response = client.get(f"/api/v1/rights-of-reply/?report={report.pk}")
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["company_name"] == "Acme Devices"
    assert item["state"] == "awaiting"
    assert sorted(r["state"] for r in item["replies"]) == ["answered", "awaiting"]


def test_rights_of_reply_are_404_for_company_contacts(client):
    _report, _right, contact = _shared()
    client.force_login(contact)
    assert client.get("/api/v1/rights-of-reply/").status_code == 404


@pytest.mark.parametrize("audience", ["company", "staff"])
def test_reply_lists_keep_their_query_budget(
    client, staff, audience, django_assert_max_num_queries
):
    brand, contact = concerned_brand(validated_report())
    url = LIST if audience == "company" else "/api/v1/rights-of-reply/"
    client.force_login(contact if audience == "company" else staff)

    def grow(count):
        for _ in range(count):
            reply = shared_finding(brand)
            answer_finding(reply=reply, by=contact, answer="Done.")

    grow(2)
    with django_assert_max_num_queries(10):
        assert client.get(url).json()["count"] == 2
    grow(15)
    with django_assert_max_num_queries(10):
        assert client.get(url).json()["count"] == 17
