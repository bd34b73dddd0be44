"""The right of reply's rules (monitoring.replies) and its sweep, reminders and e-mails
(engagement.services.replies)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.errors import DomainError
from core.outbox import outbox_send_pending
from core.uploads import clean_upload
from engagement.services.replies import awaiting_answer, rights_of_reply_sweep
from monitoring.models import FindingReply, MonitoringReport, ReplyState, RightOfReply
from monitoring.replies import answer_finding, companies_concerned, rights_of_reply_lapse
from tests.factories import (
    CompanyContactFactory,
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    StaffFactory,
    SupplierFactory,
)

from .replies_setup import (
    EVIDENCE,
    FOR_COMPANY,
    NARRATIVE,
    PARTNER,
    TESTIMONY,
    brand_with_contact,
    concerned_brand,
    png_upload,
    share,
    validated_report,
)

pytestmark = pytest.mark.django_db


def _disclosed(factory, brand_text, status="accepted"):
    disclosure = DisclosureFactory(contract=ContractFactory(), status=status)
    return DisclosureLineFactory(disclosure=disclosure, factory=factory, brand=brand_text)


def _send_all() -> int:
    total = 0
    while sent := outbox_send_pending():
        total += sent
    return total


# --- Who is concerned ---------------------------------------------------------------------


def test_companies_concerned_are_the_owner_and_the_brands_made_there():
    report = validated_report()
    owner = SupplierFactory(name="Lotus Holdings", is_manufacturer=True, is_contractor=False)
    report.factory.owner = owner
    report.factory.save()
    researched, _contact = concerned_brand(report, "Researched Brand")
    by_alias = SupplierFactory(name="Zenith Computing", aliases=["ZenBook Co"], is_brand=True)
    by_name = SupplierFactory(name="Orbit Laptops", is_brand=True)
    _disclosed(report.factory, "  zenbook co ")
    _disclosed(report.factory, "ORBIT LAPTOPS")
    # Not concerned: a brand only on a disclosure not yet accepted, a reseller linked to the
    # site, a brand made elsewhere.
    pending = SupplierFactory(name="Pending Brand", is_brand=True)
    _disclosed(report.factory, "Pending Brand", status="submitted")
    reseller = SupplierFactory(name="Orbit Laptops Reseller")
    report.factory.supplier_links.create(
        supplier=reseller, source="staff", first_seen="2026-01-01", last_seen="2026-01-01"
    )
    elsewhere = SupplierFactory(name="Elsewhere Brand", is_brand=True)
    _disclosed(DisclosureLineFactory().factory, "Elsewhere Brand")

    concerned = list(companies_concerned(report))

    assert concerned == sorted([owner, researched, by_alias, by_name], key=lambda c: c.name)
    assert not {pending, reseller, elsewhere} & set(concerned)


def test_companies_concerned_take_one_query(django_assert_num_queries):
    report = validated_report()
    for n in range(4):
        concerned_brand(report, f"Brand {n}")
        _disclosed(report.factory, f"Brand {n}")
    with django_assert_num_queries(1):
        assert len(list(companies_concerned(report))) == 4


# --- Sharing --------------------------------------------------------------------------------


def test_sharing_creates_the_rows_and_emails_each_contact_in_their_language(staff):
    report = validated_report()
    brand, contact = concerned_brand(report)
    french = CompanyContactFactory(company=brand, language="fr")
    (right,) = share(report, [brand], by=staff)

    assert right.shared_by == staff
    assert right.due_date == timezone.localdate() + timedelta(days=30)
    assert right.replies.count() == 2
    assert _send_all() == 2
    english = next(m for m in mail.outbox if m.to == [contact.email])
    assert "Lotus Assembly Plant" in english.subject
    assert "2 monitoring findings" in english.body
    assert right.due_date.strftime("%Y") in english.body
    assert "/company/findings/" in english.body
    in_french = next(m for m in mail.outbox if m.to == [french.email])
    with translation.override("fr"):
        assert date_format(right.due_date, "DATE_FORMAT") in in_french.body
    for message in mail.outbox:
        everything = message.subject + message.body + message.alternatives[0][0]
        for secret in (TESTIMONY, EVIDENCE, NARRATIVE, PARTNER, FOR_COMPANY):
            assert secret not in everything


@pytest.mark.parametrize(
    "status", [MonitoringReport.Status.IN_TRIAGE, MonitoringReport.Status.PUBLISHED]
)
def test_findings_are_shared_only_between_validation_and_publication(status):
    report = validated_report()
    brand, _contact = concerned_brand(report)
    MonitoringReport.objects.filter(pk=report.pk).update(status=status)
    with pytest.raises(DomainError, match="validated and before it is published"):
        share(report, [brand])
    assert not RightOfReply.objects.exists()


def test_sharing_is_refused_with_a_clear_reason_and_changes_nothing():
    report = validated_report()
    brand, _contact = concerned_brand(report)
    stranger, _other = brand_with_contact("Stranger Brand")
    silent = SupplierFactory(name="Silent Brand", is_brand=True)
    concerned_brand_without_contact = silent
    report.factory.supplier_links.create(
        supplier=concerned_brand_without_contact,
        source="staff",
        first_seen="2026-01-01",
        last_seen="2026-01-01",
    )
    finding = report.findings.first()
    cases = [
        ({"companies": [stranger]}, "neither the factory's owner nor a brand"),
        ({"companies": [silent]}, "no contact in the company portal"),
        ({"companies": [brand], "days": 0}, "must be after today"),
        ({"companies": [brand], "texts": {finding.pk: "  "}}, "Write the text"),
        ({"companies": []}, "at least one company"),
    ]
    for arguments, reason in cases:
        with pytest.raises(DomainError, match=reason):
            share(report, **arguments)
    assert not RightOfReply.objects.exists()
    assert not FindingReply.objects.exists()
    assert not mail.outbox


def test_a_company_gets_one_right_of_reply_per_report():
    report = validated_report()
    brand, _contact = concerned_brand(report)
    share(report, [brand])
    with pytest.raises(DomainError, match="already shared with Acme Devices"):
        share(report, [brand])
    assert RightOfReply.objects.count() == 1


# --- Answering ------------------------------------------------------------------------------


def _shared(days=30):
    report = validated_report()
    brand, contact = concerned_brand(report)
    (right,) = share(report, [brand], days=days)
    return right, contact


def test_a_contact_answers_with_a_cleaned_file():
    right, contact = _shared()
    reply = right.replies.first()
    answer_finding(
        reply=reply,
        by=contact,
        answer=" We returned the passports. ",
        files=[clean_upload(png_upload())],
    )
    reply.refresh_from_db()
    assert reply.answer == "We returned the passports."
    assert reply.answered_by == contact
    assert reply.state == ReplyState.ANSWERED
    (attachment,) = reply.attachments.all()
    assert attachment.content_type == "image/png"
    assert "scan" not in attachment.file.name


def test_only_the_company_concerned_answers():
    right, _contact = _shared()
    other = CompanyContactFactory(company=SupplierFactory(is_brand=True))
    with pytest.raises(DomainError, match="Only the contacts"):
        answer_finding(reply=right.replies.first(), by=other, answer="Not us.")
    assert not FindingReply.objects.filter(answered_at__isnull=False).exists()


def test_an_answer_after_the_deadline_is_refused_with_its_date():
    right, contact = _shared()
    RightOfReply.objects.filter(pk=right.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(DomainError, match="deadline to answer was"):
        answer_finding(reply=right.replies.first(), by=contact, answer="Late.")
    assert not FindingReply.objects.filter(answered_at__isnull=False).exists()


def test_an_answer_to_a_published_finding_is_refused():
    right, contact = _shared()
    reply = right.replies.first()
    reply.finding.published_at = timezone.now()
    reply.finding.save()
    with pytest.raises(DomainError, match="has been published"):
        answer_finding(reply=reply, by=contact, answer="Too late.")


def test_awaiting_answer_counts_what_the_company_can_still_answer():
    right, contact = _shared()
    assert awaiting_answer(right.company_id) == 2
    answer_finding(reply=right.replies.first(), by=contact, answer="Done.")
    assert awaiting_answer(right.company_id) == 1
    RightOfReply.objects.filter(pk=right.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    assert awaiting_answer(right.company_id) == 0


# --- The daily sweep ------------------------------------------------------------------------


def test_the_sweep_records_a_deadline_passed_without_an_answer_once():
    right, _contact = _shared(days=3)
    answered, answerer = _shared(days=3)
    for reply in answered.replies.all():
        answer_finding(reply=reply, by=answerer, answer="Done.")
    after = timezone.localdate() + timedelta(days=4)

    assert rights_of_reply_sweep(today=after)["lapsed"] == 1
    right.refresh_from_db()
    answered.refresh_from_db()
    assert right.lapsed_at is not None
    assert answered.lapsed_at is None
    assert rights_of_reply_lapse(today=after) == 0
    assert right.replies.first().state == ReplyState.LAPSED


def test_the_deadline_is_not_lapsed_on_its_day():
    right, _contact = _shared(days=3)
    assert rights_of_reply_lapse(today=right.due_date) == 0


def test_contacts_are_reminded_once_per_step():
    right, contact = _shared(days=10)
    due = right.due_date
    mail.outbox.clear()
    _send_all()
    mail.outbox.clear()

    sent = {}
    for offset in (-8, -7, -7, -6, -1, 0, 0, 1):
        day = due + timedelta(days=offset)
        sent.setdefault(offset, 0)
        sent[offset] += rights_of_reply_sweep(today=day)["reminded"]
    assert sent == {-8: 0, -7: 1, -6: 0, -1: 0, 0: 1, 1: 0}
    _send_all()
    assert [m.to for m in mail.outbox] == [[contact.email], [contact.email]]
    soon, today = mail.outbox
    assert "Reminder" in soon.subject and "in 7 days" in soon.body
    assert "Last day" in today.subject
    for message in mail.outbox:
        assert TESTIMONY not in message.body and FOR_COMPANY not in message.body


def test_nobody_is_reminded_once_every_finding_is_answered():
    right, contact = _shared(days=7)
    for reply in right.replies.all():
        answer_finding(reply=reply, by=contact, answer="Done.")
    assert rights_of_reply_sweep(today=right.due_date - timedelta(days=7))["reminded"] == 0
    assert rights_of_reply_sweep(today=right.due_date)["reminded"] == 0


def test_staff_who_shared_and_the_assignee_hear_of_each_answer_once():
    right, contact = _shared()
    assignee = StaffFactory(email="assignee@ewatch.example")
    right.report.assigned_to = assignee
    right.report.save(update_fields=["assigned_to"])
    reply = right.replies.first()
    outbox_send_pending()
    mail.outbox.clear()

    answer_finding(reply=reply, by=contact, answer="We returned the passports.")
    outbox_send_pending()
    outbox_send_pending()  # a second run sends nothing twice

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [right.shared_by.email, "assignee@ewatch.example"]
    )
    assert all(TESTIMONY not in m.body for m in mail.outbox)
    assert all(f"/staff/reports/{right.report_id}/" in m.body for m in mail.outbox)
