"""The right of reply on pages: the company portal, the staff report page, and the answers
beside published findings on affiliates' pages and in their compliance report."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from monitoring import services as monitoring
from monitoring.models import FindingReply, MonitoringReport, RightOfReply
from monitoring.replies import answer_finding, rights_of_reply_lapse
from reports.compliance import compliance_report_html
from tests.factories import (
    ComplianceReportFactory,
    SupplierFactory,
    in_supply_chain,
    reply_attachment,
    shared_finding,
)

from .replies_setup import (
    EVIDENCE,
    FOR_COMPANY,
    NARRATIVE,
    PARTNER,
    TESTIMONY,
    concerned_brand,
    pdf_text,
    png_upload,
    share,
    validated_report,
)

pytestmark = pytest.mark.django_db

SECRETS = (TESTIMONY, EVIDENCE, NARRATIVE, PARTNER)


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def _shared_with_brand(days=30):
    report = validated_report()
    brand, contact = concerned_brand(report)
    (right,) = share(report, [brand], days=days)
    return report, right, contact


# --- The company portal ---------------------------------------------------------------------


def test_a_contact_reads_the_version_written_for_its_company_and_nothing_confidential(client):
    _report, right, contact = _shared_with_brand()
    reply = right.replies.order_by("pk").first()
    client.force_login(contact)

    listing = _page(client, reverse("engagement:company_findings"))
    detail = _page(client, reverse("engagement:company_finding", args=[reply.pk]))

    assert "Lotus Assembly Plant" in listing and "Awaiting an answer" in listing
    assert reply.text_for_company in detail
    assert "March 2026 – April 2026" in detail
    assert reply.finding.standard.label in detail
    assert "High" in detail
    for page in (listing, detail):
        for secret in SECRETS:
            assert secret not in page
        assert "Workers affected" not in page
        assert "fewer than" not in page


def test_a_contact_gets_404_for_another_companys_finding_pdf_and_files(client):
    _report, right, contact = _shared_with_brand()
    other = shared_finding(SupplierFactory(is_brand=True))
    other_file = reply_attachment(other)
    client.force_login(contact)

    assert client.get(reverse("engagement:company_finding", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("engagement:company_finding", args=[other.pk]), {"answer": "Mine now."}
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("engagement:company_reply_pdf", args=[other.right_of_reply_id])
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("engagement:company_reply_attachment", args=[other_file.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("monitoring:staff_reply_attachment", args=[other_file.pk])).status_code
        == 404
    )
    listing = client.get(reverse("engagement:company_findings"))
    assert {r.pk for r in listing.context["replies"]} == set(
        right.replies.values_list("pk", flat=True)
    )
    other.refresh_from_db()
    assert other.answered_at is None


def test_the_portal_pages_are_404_for_staff_and_affiliate_members(client, staff, northvale_officer):
    reply = shared_finding(SupplierFactory(is_brand=True))
    for user in (staff, northvale_officer):
        client.force_login(user)
        assert client.get(reverse("engagement:company_findings")).status_code == 404
        assert client.get(reverse("engagement:company_finding", args=[reply.pk])).status_code == 404


def test_a_contact_answers_with_a_file_and_staff_read_it_beside_the_finding(client, staff):
    report, right, contact = _shared_with_brand()
    reply = right.replies.order_by("pk").first()
    client.force_login(contact)
    response = client.post(
        reverse("engagement:company_finding", args=[reply.pk]),
        {"answer": "The passports were returned on 3 March.", "files": [png_upload()]},
    )
    assert response.status_code == 302
    page = _page(client, reverse("engagement:company_finding", args=[reply.pk]))
    assert "The passports were returned on 3 March." in page
    assert "Answered on " in page and "m.." not in page  # no double period after "a.m."
    attachment = reply.attachments.get()
    own = client.get(reverse("engagement:company_reply_attachment", args=[attachment.pk]))
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment")

    client.force_login(staff)
    staff_page = _page(client, reverse("monitoring:staff_report", args=[report.pk]))
    assert "The passports were returned on 3 March." in staff_page
    assert "Acme Devices" in staff_page
    assert "1 of 2" in staff_page
    assert f"Answered by {contact.email} on " in staff_page and "m.." not in staff_page
    download = client.get(reverse("monitoring:staff_reply_attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_a_refused_file_is_explained_and_nothing_is_saved(client):
    _report, right, contact = _shared_with_brand()
    reply = right.replies.first()
    client.force_login(contact)
    response = client.post(
        reverse("engagement:company_finding", args=[reply.pk]),
        {
            "answer": "See the attached program.",
            "files": [SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "is not a JPEG, PNG or WebP photo or a PDF document" in response.content.decode()
    reply.refresh_from_db()
    assert reply.answered_at is None and not reply.attachments.exists()


def test_after_the_deadline_the_page_says_so_and_refuses_the_answer(client):
    _report, right, contact = _shared_with_brand()
    RightOfReply.objects.filter(pk=right.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    reply = right.replies.first()
    client.force_login(contact)
    url = reverse("engagement:company_finding", args=[reply.pk])
    assert "No answer came by the deadline" in _page(client, url)
    response = client.post(url, {"answer": "Late answer."})
    assert response.status_code == 200
    assert "answers are no longer accepted" in response.content.decode()
    reply.refresh_from_db()
    assert reply.answered_at is None


def test_the_pdf_of_findings_shared_holds_no_testimony(client):
    _report, right, contact = _shared_with_brand()
    answer_finding(reply=right.replies.order_by("pk").first(), by=contact, answer="We act now.")
    client.force_login(contact)
    response = client.get(reverse("engagement:company_reply_pdf", args=[right.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Findings shared with you: Lotus Assembly Plant" in text
    assert FOR_COMPANY in text and "We act now." in text
    for secret in SECRETS:
        assert secret not in text
    assert "Workers affected" not in text


def test_the_company_list_has_a_query_budget(client, django_assert_max_num_queries):
    brand, contact = concerned_brand(validated_report())
    for _ in range(3):
        shared_finding(brand)
    client.force_login(contact)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("engagement:company_findings")).status_code == 200
    for _ in range(20):
        shared_finding(brand)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("engagement:company_findings"))
    assert len(response.context["replies"]) == 23


# --- Staff ----------------------------------------------------------------------------------


def _share_form(report, companies, **texts):
    data = {
        "companies": [c.pk for c in companies],
        "due_date": (timezone.localdate() + timedelta(days=21)).isoformat(),
    }
    for finding in report.findings.all():
        data[f"text_{finding.pk}"] = texts.get(f"text_{finding.pk}", FOR_COMPANY)
    return data


def test_staff_share_the_findings_from_the_report_page(client, staff):
    report = validated_report()
    brand, _contact = concerned_brand(report)
    client.force_login(staff)
    page = _page(client, reverse("monitoring:staff_report", args=[report.pk]))
    assert "Right of reply" in page and "Acme Devices" in page
    assert "Share the findings for reply" in page

    url = reverse("monitoring:staff_report_share_for_reply", args=[report.pk])
    response = client.post(url, _share_form(report, [brand]))
    assert response.status_code == 200  # the confirmation: nothing is sent yet
    assert "1 company receives them" in response.content.decode()
    assert not RightOfReply.objects.exists()
    response = client.post(url, {**_share_form(report, [brand]), "confirmed": "1"})

    assert response.status_code == 302
    right = RightOfReply.objects.get(report=report, company=brand)
    assert right.due_date == timezone.localdate() + timedelta(days=21)
    assert set(right.replies.values_list("text_for_company", flat=True)) == {FOR_COMPANY}
    page = _page(client, reverse("monitoring:staff_report", args=[report.pk]))
    assert "Awaiting an answer" in page and "0 of 2" in page


def test_staff_share_form_requires_each_text_and_changes_nothing(client, staff):
    report = validated_report()
    brand, _contact = concerned_brand(report)
    first = report.findings.order_by("pk").first()
    client.force_login(staff)
    response = client.post(
        reverse("monitoring:staff_report_share_for_reply", args=[report.pk]),
        _share_form(report, [brand], **{f"text_{first.pk}": ""}),
    )
    assert response.status_code == 200
    assert "Write the text the companies read." in response.content.decode()
    assert not RightOfReply.objects.exists()


def test_a_company_without_contact_is_shown_with_an_invite_link_and_not_offered(client, staff):
    from .replies_setup import makes_for

    report = validated_report()
    brand, _contact = concerned_brand(report)
    silent = SupplierFactory(name="Silent Brand", is_brand=True)
    makes_for(silent, report.factory)
    client.force_login(staff)
    url = reverse("monitoring:staff_report", args=[report.pk])
    response = client.get(url)
    page = response.content.decode()
    invite = reverse("engagement:staff_company_contacts", args=[silent.pk])
    assert "Silent Brand" in page and "no contact yet" in page and f'href="{invite}"' in page
    offered = list(response.context["share_form"].fields["companies"].queryset)
    assert offered == [brand]
    assert f'value="{silent.pk}"' not in page

    # Posting it anyway is refused by the form and changes nothing.
    response = client.post(
        reverse("monitoring:staff_report_share_for_reply", args=[report.pk]),
        _share_form(report, [silent]),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not RightOfReply.objects.exists()


def test_no_share_form_when_no_company_concerned_has_a_contact(client, staff):
    from .replies_setup import makes_for

    report = validated_report()
    silent = SupplierFactory(name="Silent Brand", is_brand=True)
    makes_for(silent, report.factory)
    client.force_login(staff)
    page = _page(client, reverse("monitoring:staff_report", args=[report.pk]))
    assert "Share the findings for reply" not in page
    assert "None of the companies concerned has a contact in the company portal yet" in page


def test_the_share_form_is_prefilled_from_the_published_text(client, staff):
    report = validated_report()
    concerned_brand(report)
    finding = report.findings.first()
    finding.published_text = "Passports were retained by the employer."
    finding.save()
    client.force_login(staff)
    page = _page(client, reverse("monitoring:staff_report", args=[report.pk]))
    assert "Passports were retained by the employer.</textarea>" in page


# --- Affiliates -----------------------------------------------------------------------------


def _publish(report, staff, finding):
    monitoring.report_publish(
        report=report,
        by=staff,
        summary="Monitoring found retention of identity documents.",
        published_texts={finding.pk: "Identity documents were retained."},
    )


def test_an_answer_reaches_affiliates_only_once_the_finding_is_published(
    client, staff, northvale, northvale_officer
):
    report, right, contact = _shared_with_brand()
    first, second = right.replies.order_by("pk")
    answer_finding(reply=first, by=contact, answer="Passports were returned.")
    answer_finding(reply=second, by=contact, answer="Second answer, never published.")
    in_supply_chain(northvale, report.factory)
    client.force_login(northvale_officer)
    findings_url = reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": "northvale"})
    assert "Passports were returned." not in _page(client, findings_url)

    _publish(report, staff, first.finding)

    pages = [
        findings_url,
        reverse("reports:dashboard", kwargs={"affiliate_slug": "northvale"}),
        reverse(
            "reports:factory_detail",
            kwargs={"affiliate_slug": "northvale", "pk": report.factory_id},
        ),
    ]
    for url in pages:
        page = _page(client, url)
        assert "Companies&#x27; answers" in page or "Companies' answers" in page, url
        assert "Acme Devices" in page and "Passports were returned." in page, url
        assert "Second answer, never published." not in page, url


def test_affiliates_read_that_no_answer_came_by_the_deadline(
    client, staff, northvale, northvale_officer
):
    report, right, _contact = _shared_with_brand()
    due = timezone.localdate() - timedelta(days=1)
    RightOfReply.objects.filter(pk=right.pk).update(due_date=due)
    assert rights_of_reply_lapse() == 1
    _publish(report, staff, right.replies.order_by("pk").first().finding)
    in_supply_chain(northvale, report.factory)
    client.force_login(northvale_officer)
    page = _page(
        client, reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": "northvale"})
    )
    assert "Acme Devices" in page
    assert "No answer by the deadline" in page


def test_the_compliance_report_shows_the_answers(staff, northvale):
    report, right, contact = _shared_with_brand()
    first = right.replies.order_by("pk").first()
    answer_finding(reply=first, by=contact, answer="Passports were returned.")
    _publish(report, staff, first.finding)
    in_supply_chain(northvale, report.factory)
    compliance = ComplianceReportFactory(
        affiliate=northvale, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    )
    with scopes_disabled():
        html = compliance_report_html(compliance)
    assert "Answer of the company Acme Devices:" in html and "Passports were returned." in html


def test_affiliate_findings_keep_their_query_budget_with_answers(
    client, staff, northvale, northvale_officer, django_assert_max_num_queries
):
    client.force_login(northvale_officer)
    url = reverse("monitoring:affiliate_findings", kwargs={"affiliate_slug": "northvale"})

    def grow(count):
        for _ in range(count):
            report, right, contact = _shared_with_brand_named(f"Brand {grow.n}")
            grow.n += 1
            first = right.replies.order_by("pk").first()
            answer_finding(reply=first, by=contact, answer="Answered.")
            _publish(report, staff, first.finding)
            in_supply_chain(northvale, report.factory)

    grow.n = 0
    grow(2)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    grow(6)
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.content.decode().count("Answered.") == 8


def _shared_with_brand_named(name):
    report = validated_report()
    brand, contact = concerned_brand(report, name)
    (right,) = share(report, [brand])
    return report, right, contact


def test_staff_report_page_keeps_its_query_budget_with_answers(
    client, staff, django_assert_max_num_queries
):
    report = validated_report()
    brands = [concerned_brand(report, f"Brand {n}") for n in range(2)]
    share(report, [brand for brand, _c in brands])
    client.force_login(staff)
    url = reverse("monitoring:staff_report", args=[report.pk])
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    more = [concerned_brand(report, f"Brand {n}") for n in range(2, 8)]
    share(report, [brand for brand, _c in more])
    for reply in FindingReply.objects.filter(right_of_reply__report=report):
        reply_attachment(reply)
    with django_assert_max_num_queries(30):
        assert client.get(url).status_code == 200
    assert MonitoringReport.objects.get(pk=report.pk).rights_of_reply.count() == 8
