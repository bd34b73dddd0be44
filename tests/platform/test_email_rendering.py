"""Plain-text parts and subjects of e-mails are not HTML: they keep what people typed.

Every kind of e-mail the platform sends is sent here through its real workflow (service or
sweep, then the outbox), with the names it shows typed as `O'Brien & "Sons" <…>`: the subject
and the text keep them as typed, the HTML part escapes them. Each sending test is marked
`sends(<template prefix>)`; a fixture checks that it did render that kind of e-mail, and
`test_every_kind_of_email_on_disk_has_a_sending_test` fails when a template under
`*/templates/*/email/` has no such test.
"""

from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test.signals import template_rendered
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scopes_disabled

from affiliates.models import Membership
from affiliates.services import invitation_create
from core.outbox import Message, outbox_send_pending, render
from grievances.models import Channel
from grievances.services import Intake, grievance_reminders_sweep, grievance_submit
from monitoring import services as monitoring
from monitoring.models import MonitoringReport
from remediation.reminders import reminders_sweep
from remediation.services import case_invite_affiliates
from reports.compliance import compliance_report_generate, compliance_reports_schedule
from reports.models import ComplianceReport
from suppliers.services import disclosure_reminders_sweep, disclosure_return
from tests.factories import (
    PASSWORD,
    AffiliateFactory,
    ContractFactory,
    DisclosureFactory,
    FactoryFactory,
    FindingFactory,
    MonitoringReportFactory,
    PartnerMemberFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    SupplierFactory,
    in_supply_chain,
    joined_case,
    member,
)

# What HTML escaping would have put into a subject or a plain-text body.
ESCAPED = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")


def typed(what: str) -> str:
    """A name as someone typed it, with each character that HTML escapes."""
    return f'O\'Brien & "Sons" <{what}>'


AFFILIATE = typed("Council")
PERSON = typed("Person")
FACTORY = typed("Plant")
SUPPLIER = typed("Reseller")
CONTRACT_REFERENCE = typed("ICT-2026")
CONTRACT_TITLE = typed("Laptops")
CASE_TITLE = typed("Passports")
ACTION = typed("Return the passports")
OWNER = typed("Owner")
CONTACT = typed("Contact")


# --- Checks -------------------------------------------------------------------------------


def assert_plain_parts_keep_what_was_typed(message, *, subject=(), text=()):
    """`subject` and `text`: the names the subject and the plain text show."""
    for name in subject:
        assert name in message.subject
    for name in text:
        assert name in message.body
    for entity in ESCAPED:
        assert entity not in message.subject
        assert entity not in message.body


def assert_html_part_escapes(message, names):
    (html, mimetype), *_others = message.alternatives
    assert mimetype == "text/html"
    for name in names:
        assert escape(name) in html
        assert name not in html


def the_one_sent_to(mailoutbox, address):
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message


def send_the_outbox() -> int:
    total = 0
    while sent := outbox_send_pending():
        total += sent
    return total


@pytest.fixture(autouse=True)
def _renders_the_kind_it_sends(request):
    """A test marked `sends(prefix)` must really render that kind of e-mail."""
    marker = request.node.get_closest_marker("sends")
    rendered = set()

    def record(sender, template, context, **kwargs):
        rendered.add(template.name)

    template_rendered.connect(record)
    yield
    template_rendered.disconnect(record)
    for prefix in marker.args if marker else ():
        assert f"{prefix}_subject.txt" in rendered, f"the test sent no {prefix} e-mail"


# --- Rendering alone ----------------------------------------------------------------------


def test_plain_text_and_subject_are_not_html_escaped_but_the_html_part_is():
    affiliate = SimpleNamespace(name="O'Brien & Co <Council>")
    report = SimpleNamespace(
        period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), sha256="ab" * 32
    )
    row = render(
        Message(
            key="k",
            recipient="admin@example.org",
            template_prefix="reports/email/compliance_report_ready",
            context={"affiliate": affiliate, "report": report, "link": "https://x/r/1/"},
            language="en",
        )
    )
    assert "O'Brien & Co <Council>" in row.subject
    assert "O'Brien & Co <Council>" in row.body_text
    assert "O&#x27;Brien &amp; Co &lt;Council&gt;" in row.body_html


# --- affiliates ---------------------------------------------------------------------------


@pytest.mark.sends("affiliates/email/invitation")
def test_invitation_keeps_the_affiliate_and_inviter_names_as_typed(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    affiliate = AffiliateFactory(name=AFFILIATE)
    admin = member(affiliate, Membership.Role.ADMIN, full_name=PERSON)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            affiliate=affiliate,
            email="new.person@example.org",
            role=Membership.Role.OFFICER,
            invited_by=admin,
        )

    message = the_one_sent_to(mailoutbox, "new.person@example.org")
    assert_plain_parts_keep_what_was_typed(message, subject=[AFFILIATE], text=[AFFILIATE, PERSON])
    assert_html_part_escapes(message, [AFFILIATE, PERSON])


# --- allauth's account e-mails --------------------------------------------------------------


@pytest.mark.sends("account/email/email_confirmation")
def test_email_confirmation_keeps_the_users_name_as_typed(client, db, mailoutbox):
    user = member(AffiliateFactory(), full_name=PERSON, email="obrien@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)

    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})

    message = the_one_sent_to(mailoutbox, user.email)
    assert_plain_parts_keep_what_was_typed(message, text=[PERSON])
    assert message.alternatives == []  # allauth's e-mails are plain text


@pytest.mark.sends("account/email/password_reset_key")
def test_password_reset_shows_no_name_and_escapes_nothing(client, db, mailoutbox):
    user = member(AffiliateFactory(name=AFFILIATE), full_name=PERSON, email="obrien@example.org")

    client.post("/accounts/password/reset/", {"email": user.email})

    message = the_one_sent_to(mailoutbox, user.email)
    assert message.subject == "[Electronics Watch] Password Reset Email"
    assert "/accounts/password/reset/key/" in message.body
    assert_plain_parts_keep_what_was_typed(message)
    assert message.alternatives == []


# --- suppliers ----------------------------------------------------------------------------


def _contract(affiliate):
    with scopes_disabled():
        return ContractFactory(
            affiliate=affiliate,
            reference=CONTRACT_REFERENCE,
            title=CONTRACT_TITLE,
            contractor=SupplierFactory(name=SUPPLIER),
        )


@pytest.mark.sends("suppliers/email/contractor")
def test_contractor_link_keeps_the_buyer_contract_and_comments_as_typed(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    affiliate = AffiliateFactory(name=AFFILIATE)
    officer = member(affiliate)
    disclosure = DisclosureFactory(
        contract=_contract(affiliate), status="submitted", contractor_email="sales@reseller.example"
    )
    comments = typed("Add the monitor plant")

    with django_capture_on_commit_callbacks(execute=True):
        disclosure_return(disclosure=disclosure, comments=comments, by=officer)

    message = the_one_sent_to(mailoutbox, "sales@reseller.example")
    assert_plain_parts_keep_what_was_typed(
        message,
        subject=[AFFILIATE, CONTRACT_REFERENCE],
        text=[AFFILIATE, CONTRACT_REFERENCE, CONTRACT_TITLE, comments],
    )
    assert_html_part_escapes(message, [AFFILIATE, CONTRACT_REFERENCE, CONTRACT_TITLE, comments])


def _run_disclosure_reminders(*, today) -> int:
    """The disclosure reminder sweep as beat runs it, then the outbox."""
    disclosure_reminders_sweep(today=today)
    return send_the_outbox()


@pytest.mark.sends("suppliers/email/disclosure_reminder")
def test_disclosure_reminder_keeps_the_contract_and_contractor_as_typed(db, mailoutbox):
    today = date(2026, 11, 23)
    affiliate = AffiliateFactory(name=AFFILIATE)
    admin = member(affiliate, Membership.Role.ADMIN, full_name=PERSON)
    DisclosureFactory(
        contract=_contract(affiliate), status="requested", due_date=today + timedelta(days=7)
    )

    assert _run_disclosure_reminders(today=today) == 1

    message = the_one_sent_to(mailoutbox, admin.email)
    assert_plain_parts_keep_what_was_typed(
        message,
        subject=[CONTRACT_REFERENCE],
        text=[CONTRACT_REFERENCE, CONTRACT_TITLE, SUPPLIER],
    )
    assert_html_part_escapes(message, [CONTRACT_REFERENCE, CONTRACT_TITLE, SUPPLIER])


# --- monitoring ---------------------------------------------------------------------------


@pytest.mark.sends("monitoring/email/findings_published")
def test_findings_published_keeps_the_factory_and_affiliate_names_as_typed(db, mailoutbox):
    affiliate = AffiliateFactory(name=AFFILIATE)
    admin = member(affiliate, Membership.Role.ADMIN)
    factory = FactoryFactory(name=FACTORY)
    in_supply_chain(affiliate, factory)
    report = MonitoringReportFactory(factory=factory, status=MonitoringReport.Status.VALIDATED)
    finding = FindingFactory(report=report)

    monitoring.report_publish(
        report=report,
        by=StaffFactory(totp=False),
        summary="Monitoring found retention of identity documents.",
        published_texts={finding.pk: "Identity documents were retained."},
    )
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, admin.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[FACTORY], text=[FACTORY, AFFILIATE])
    assert_html_part_escapes(message, [FACTORY, AFFILIATE])


@pytest.mark.sends("monitoring/email/information_requested")
def test_information_request_keeps_the_factory_name_as_typed(db, mailoutbox):
    report = MonitoringReportFactory(factory=FactoryFactory(name=FACTORY))
    monitor = PartnerMemberFactory(partner=report.partner, full_name=PERSON)

    monitoring.report_request_information(
        report=report, by=StaffFactory(totp=False), text=typed("Add the payslips")
    )
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, monitor.email)
    assert report.reference in message.subject
    assert_plain_parts_keep_what_was_typed(message, text=[FACTORY])
    assert_html_part_escapes(message, [FACTORY])


# --- grievances ---------------------------------------------------------------------------


def _grievance_received(*, on, workplace):
    grievance, _code = grievance_submit(
        intake=Intake(
            language="en",
            description="The agent keeps my passport.",
            categories=["documents"],
            workplace=workplace,
            country="TH",
        ),
        channel=Channel.WEB,
        today=on,
    )
    return grievance


def _run_grievance_reminders(*, today) -> int:
    """The grievance reminder sweep as beat runs it, then the outbox."""
    grievance_reminders_sweep(today=today)
    return send_the_outbox()


@pytest.mark.sends("grievances/email/reminder")
def test_grievance_reminder_shows_the_reference_only_and_escapes_nothing(db, mailoutbox):
    today = timezone.localdate()
    staff = StaffFactory(totp=False, full_name=PERSON)
    grievance = _grievance_received(on=today - timedelta(days=5), workplace=FACTORY)

    assert _run_grievance_reminders(today=today) == 1

    message = the_one_sent_to(mailoutbox, staff.email)
    assert grievance.reference in message.subject and grievance.reference in message.body
    assert_plain_parts_keep_what_was_typed(message)
    # Never what the worker wrote, in any form.
    (html, _mimetype), *_others = message.alternatives
    for part in (message.subject, message.body, html):
        assert FACTORY not in part and escape(FACTORY) not in part


# --- remediation --------------------------------------------------------------------------

MONDAY = date(2026, 11, 23)


@pytest.fixture
def digest_on_mondays(settings):
    settings.EW_DIGEST_WEEKDAY = 0


def _case_with_an_action_due(*, today):
    """A case at a factory, led by a staff member, with one action due today."""
    case = RemediationCaseFactory(
        title=CASE_TITLE,
        factory=FactoryFactory(name=FACTORY),
        staff_lead=StaffFactory(totp=False, full_name=PERSON),
    )
    RemediationActionFactory(
        case=case,
        description=ACTION,
        owner_name=OWNER,
        contact_name=CONTACT,
        contact_email="contact@supplier.example",
        due_date=today,
    )
    return case


def _run_remediation_reminders(*, today) -> int:
    """The remediation sweep as beat runs it (reminders; digests on the digest day), then
    the outbox."""
    reminders_sweep(today=today)
    return send_the_outbox()


@pytest.mark.sends("remediation/email/invitation")
def test_case_invitation_keeps_the_affiliate_factory_and_case_as_typed(db, mailoutbox):
    affiliate = AffiliateFactory(name=AFFILIATE)
    admin = member(affiliate, Membership.Role.ADMIN)
    summary = typed("Summary")
    case = RemediationCaseFactory(
        title=CASE_TITLE, summary=summary, factory=FactoryFactory(name=FACTORY)
    )
    in_supply_chain(affiliate, case.factory)

    assert case_invite_affiliates(case=case, by=case.staff_lead) == 1
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, admin.email)
    assert_plain_parts_keep_what_was_typed(
        message, subject=[FACTORY], text=[AFFILIATE, FACTORY, CASE_TITLE, summary]
    )
    assert_html_part_escapes(message, [AFFILIATE, FACTORY, CASE_TITLE, summary])


@pytest.mark.sends("remediation/email/action_reminder")
def test_action_reminder_keeps_the_action_contact_factory_and_lead_as_typed(db, mailoutbox):
    today = MONDAY + timedelta(days=1)  # not the digest day
    _case_with_an_action_due(today=today)

    _run_remediation_reminders(today=today)

    message = the_one_sent_to(mailoutbox, "contact@supplier.example")
    assert_plain_parts_keep_what_was_typed(
        message,
        subject=[ACTION],
        text=[CONTACT, FACTORY, ACTION, OWNER, CASE_TITLE, PERSON],
    )
    assert_html_part_escapes(message, [CONTACT, FACTORY, ACTION, OWNER, CASE_TITLE, PERSON])


@pytest.mark.sends("remediation/email/lead_reminders")
def test_lead_reminders_keep_the_factory_action_owner_and_contact_as_typed(db, mailoutbox):
    today = MONDAY + timedelta(days=1)
    case = _case_with_an_action_due(today=today)

    _run_remediation_reminders(today=today)

    message = the_one_sent_to(mailoutbox, case.staff_lead.email)
    assert_plain_parts_keep_what_was_typed(message, text=[FACTORY, ACTION, OWNER, CONTACT])
    assert_html_part_escapes(message, [FACTORY, ACTION, OWNER, CONTACT])


@pytest.mark.sends("remediation/email/digest")
def test_weekly_digest_keeps_the_affiliate_case_factory_and_action_as_typed(
    db, mailoutbox, digest_on_mondays
):
    affiliate = AffiliateFactory(name=AFFILIATE)
    officer = member(affiliate, Membership.Role.OFFICER)
    joined_case(affiliate, _case_with_an_action_due(today=MONDAY))

    _run_remediation_reminders(today=MONDAY)

    message = the_one_sent_to(mailoutbox, officer.email)
    assert_plain_parts_keep_what_was_typed(
        message, subject=[AFFILIATE], text=[AFFILIATE, CASE_TITLE, FACTORY, ACTION, OWNER]
    )
    assert_html_part_escapes(message, [AFFILIATE, CASE_TITLE, FACTORY, ACTION, OWNER])


# --- reports ------------------------------------------------------------------------------


@pytest.mark.sends("reports/email/compliance_report_ready")
def test_compliance_report_ready_keeps_the_affiliate_name_as_typed(db, settings, mailoutbox):
    settings.EW_ANNUAL_REPORT_DATE = "01-15"
    affiliate = AffiliateFactory(name=AFFILIATE)
    admin = member(affiliate, Membership.Role.ADMIN, full_name=PERSON)

    assert compliance_reports_schedule(today=date(2027, 1, 15)) == 1
    with scopes_disabled():
        report = ComplianceReport.objects.get(affiliate=affiliate)
    compliance_report_generate(report.pk)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, admin.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[AFFILIATE], text=[AFFILIATE])
    assert_html_part_escapes(message, [AFFILIATE])


# --- learning: community ---------------------------------------------------------------------

THREAD_TITLE = typed("Fees")


def _community_thread():
    from learning.models import Topic
    from learning.services.community import community_identity, thread_ask

    asker = member(AffiliateFactory(name=AFFILIATE), Membership.Role.OFFICER)
    topic, _created = Topic.objects.get_or_create(
        slug="remediation", defaults={"name_en": "Remediation", "name_fr": "Remédiation"}
    )
    thread = thread_ask(
        by=asker,
        identity=community_identity(asker),
        topic=topic,
        title=THREAD_TITLE,
        body="Who repays recruitment fees?",
    )
    return asker, thread


def _community_answer(thread):
    from learning.services.community import community_identity, thread_answer

    replier = member(AffiliateFactory(name=typed("University")), full_name=PERSON)
    return thread_answer(
        thread=thread, by=replier, identity=community_identity(replier), body="The brand did."
    )


@pytest.mark.sends("learning/email/community_reply")
def test_community_reply_keeps_the_thread_and_author_as_typed(db, mailoutbox):
    asker, thread = _community_thread()
    _community_answer(thread)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, asker.email)
    assert_plain_parts_keep_what_was_typed(
        message, subject=[THREAD_TITLE], text=[THREAD_TITLE, PERSON, typed("University")]
    )
    assert_html_part_escapes(message, [THREAD_TITLE, PERSON, typed("University")])


@pytest.mark.sends("learning/email/community_digest")
def test_community_digest_keeps_the_thread_and_author_as_typed(db, mailoutbox, settings):
    from learning.models import FollowMode
    from learning.services.community import thread_follow
    from learning.services.community_digest import community_digests_send

    settings.EW_DIGEST_WEEKDAY = 0
    asker, thread = _community_thread()
    thread_follow(thread=thread, user=asker, mode=FollowMode.WEEKLY)
    _community_answer(thread)

    assert community_digests_send() == 1
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, asker.email)
    assert_plain_parts_keep_what_was_typed(
        message, text=[THREAD_TITLE, PERSON, typed("University")]
    )
    assert_html_part_escapes(message, [THREAD_TITLE, PERSON, typed("University")])


# --- learning: events ---------------------------------------------------------------------

EVENT_TITLE = typed("Webinar")


def _event_and_people(capacity=1):
    from learning.services import events as event_services
    from tests.factories import EventFactory

    affiliate = AffiliateFactory()
    event = EventFactory(title=EVENT_TITLE, capacity=capacity)
    first = member(affiliate, full_name=PERSON)
    second = member(affiliate, full_name=PERSON)
    return event_services, event, first, second


@pytest.mark.sends("learning/email/event_registered")
def test_event_registration_keeps_the_title_and_name_as_typed(db, mailoutbox):
    services, event, first, _second = _event_and_people()

    services.registration_create(event=event, user=first)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, first.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


@pytest.mark.sends("learning/email/event_waiting")
def test_event_waiting_list_keeps_the_title_as_typed(db, mailoutbox):
    services, event, first, second = _event_and_people()
    services.registration_create(event=event, user=first)

    services.registration_create(event=event, user=second)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, second.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


def _cancel_with_someone_waiting(mailoutbox):
    services, event, first, second = _event_and_people()
    registration = services.registration_create(event=event, user=first)
    services.registration_create(event=event, user=second)
    send_the_outbox()
    mailoutbox.clear()
    services.registration_cancel(registration=registration, by=first)
    send_the_outbox()
    return first, second


@pytest.mark.sends("learning/email/event_promoted")
def test_event_promotion_keeps_the_title_as_typed(db, mailoutbox):
    _first, second = _cancel_with_someone_waiting(mailoutbox)

    message = the_one_sent_to(mailoutbox, second.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


@pytest.mark.sends("learning/email/registration_cancelled")
def test_event_registration_cancelled_keeps_the_title_as_typed(db, mailoutbox):
    first, _second = _cancel_with_someone_waiting(mailoutbox)

    message = the_one_sent_to(mailoutbox, first.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


@pytest.mark.sends("learning/email/event_cancelled")
def test_event_cancelled_by_staff_keeps_the_title_as_typed(db, mailoutbox):
    services, event, first, _second = _event_and_people()
    services.registration_create(event=event, user=first)
    send_the_outbox()
    mailoutbox.clear()

    services.event_cancel(event=event, by=StaffFactory(totp=False))
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, first.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


@pytest.mark.sends("learning/email/event_reminder")
def test_event_reminder_keeps_the_title_as_typed(db, mailoutbox):
    from learning.services.event_reminders import event_reminders_sweep

    services, event, first, _second = _event_and_people()
    services.registration_create(event=event, user=first)
    send_the_outbox()
    mailoutbox.clear()
    eve = timezone.localdate(event.starts_at) - timedelta(days=1)

    event_reminders_sweep(today=eve, now=event.starts_at - timedelta(days=1))
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, first.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[EVENT_TITLE], text=[EVENT_TITLE])
    assert_html_part_escapes(message, [EVENT_TITLE])


# --- engagement: company contacts and their corrective actions ---------------------------


@pytest.mark.sends("engagement/email/company_invitation")
def test_company_invitation_keeps_the_company_and_invitee_names_as_typed(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    from engagement.services.contacts import contact_invite

    company = SupplierFactory(name=SUPPLIER)
    with django_capture_on_commit_callbacks(execute=True):
        contact_invite(
            company=company,
            email="contact@company.example",
            full_name=PERSON,
            language="en",
            by=StaffFactory(totp=False),
        )

    message = the_one_sent_to(mailoutbox, "contact@company.example")
    assert_plain_parts_keep_what_was_typed(message, subject=[SUPPLIER], text=[SUPPLIER, PERSON])
    assert_html_part_escapes(message, [SUPPLIER, PERSON])


@pytest.mark.sends("remediation/email/verification_asked")
def test_verification_asked_keeps_the_company_action_and_factory_as_typed(db, mailoutbox):
    from remediation.plan import action_progress_post
    from tests.factories import CompanyContactFactory

    company = SupplierFactory(name=SUPPLIER)
    lead = StaffFactory(totp=False, email="lead@ewatch.example")
    case = RemediationCaseFactory(staff_lead=lead, factory=FactoryFactory(name=FACTORY))
    action = RemediationActionFactory(case=case, description=ACTION, owner_supplier=company)
    action_progress_post(
        action=action,
        by=CompanyContactFactory(company=company),
        text=typed("Receipts"),
        asks_verification=True,
    )
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, "lead@ewatch.example")
    assert_plain_parts_keep_what_was_typed(
        message, subject=[SUPPLIER], text=[SUPPLIER, FACTORY, ACTION, typed("Receipts")]
    )
    assert_html_part_escapes(message, [SUPPLIER, FACTORY, ACTION, typed("Receipts")])


def _company_action_claimed(contact_email: str):
    from tests.factories import CompanyContactFactory

    company = SupplierFactory(name=SUPPLIER)
    CompanyContactFactory(company=company, email=contact_email)
    lead = StaffFactory(totp=False, email="lead@ewatch.example")
    case = RemediationCaseFactory(staff_lead=lead, factory=FactoryFactory(name=FACTORY))
    action = RemediationActionFactory(
        case=case, description=ACTION, owner_supplier=company, status="done_claimed"
    )
    return lead, action


@pytest.mark.sends("remediation/email/action_verified")
def test_action_verified_keeps_the_action_and_factory_as_typed(db, mailoutbox):
    from remediation.plan import action_verify

    lead, action = _company_action_claimed("brand@acme.example")
    action_verify(action=action, by=lead, verified_by="workers", note=typed("Worker note"))
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, "brand@acme.example")
    assert_plain_parts_keep_what_was_typed(message, text=[FACTORY, ACTION])
    assert_html_part_escapes(message, [FACTORY, ACTION])
    assert "by the workers" in message.body
    assert typed("Worker note") not in message.body
    assert escape(typed("Worker note")) not in message.alternatives[0][0]


@pytest.mark.sends("remediation/email/action_rejected")
def test_action_rejected_keeps_the_action_factory_and_reason_as_typed(db, mailoutbox):
    from remediation.plan import action_reject_claim

    lead, action = _company_action_claimed("brand@acme.example")
    action_reject_claim(action=action, by=lead, reason=typed("Receipts missing"))
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, "brand@acme.example")
    assert_plain_parts_keep_what_was_typed(
        message, text=[FACTORY, ACTION, typed("Receipts missing")]
    )
    assert_html_part_escapes(message, [FACTORY, ACTION, typed("Receipts missing")])


# --- engagement: the right of reply ------------------------------------------------------


def _finding_shared_with(company_name: str):
    from monitoring.replies import share_for_reply
    from tests.factories import CompanyContactFactory

    factory = FactoryFactory(name=FACTORY)
    report = MonitoringReportFactory(factory=factory, status=MonitoringReport.Status.VALIDATED)
    finding = FindingFactory(report=report)
    brand = SupplierFactory(name=company_name, is_brand=True)
    today = timezone.localdate()
    factory.supplier_links.create(supplier=brand, source="staff", first_seen=today, last_seen=today)
    contact = CompanyContactFactory(company=brand)
    (right,) = share_for_reply(
        report=report,
        companies=[brand],
        due_date=today + timedelta(days=7),
        texts_for_company={finding.pk: "Passports were retained."},
        by=StaffFactory(),
    )
    return right, contact


@pytest.mark.sends("engagement/email/reply_requested")
def test_reply_request_keeps_the_company_and_factory_names_as_typed(db, mailoutbox):
    _right, contact = _finding_shared_with(SUPPLIER)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, contact.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[FACTORY], text=[FACTORY, SUPPLIER])
    assert_html_part_escapes(message, [FACTORY, SUPPLIER])


@pytest.mark.sends("monitoring/email/reply_answered")
def test_answer_notice_keeps_the_company_and_factory_names_as_typed(db, mailoutbox):
    from monitoring.replies import answer_finding

    right, contact = _finding_shared_with(SUPPLIER)
    send_the_outbox()
    mailoutbox.clear()

    answer_finding(reply=right.replies.get(), by=contact, answer="Passports were returned.")
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, right.shared_by.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[SUPPLIER], text=[FACTORY, SUPPLIER])
    assert_html_part_escapes(message, [FACTORY, SUPPLIER])
    assert "Passports were retained." not in message.body  # the e-mail leads to the page


@pytest.mark.sends("engagement/email/reply_reminder")
def test_reply_reminder_keeps_the_company_and_factory_names_as_typed(db, mailoutbox):
    from engagement.services.replies import rights_of_reply_sweep

    right, contact = _finding_shared_with(SUPPLIER)
    send_the_outbox()
    mailoutbox.clear()

    assert rights_of_reply_sweep(today=right.due_date - timedelta(days=7))["reminded"] == 1
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, contact.email)
    assert_plain_parts_keep_what_was_typed(message, subject=[FACTORY], text=[FACTORY, SUPPLIER])
    assert_html_part_escapes(message, [FACTORY, SUPPLIER])


# --- Every kind is covered ----------------------------------------------------------------


def test_every_kind_of_email_on_disk_has_a_sending_test():
    on_disk = {
        f"{path.parent.parent.name}/email/{path.name.removesuffix('_subject.txt')}"
        for path in Path(settings.BASE_DIR).glob("*/templates/*/email/*_subject.txt")
    }
    sent_here = {
        mark.args[0]
        for test in globals().values()
        for mark in getattr(test, "pytestmark", [])
        if mark.name == "sends"
    }
    assert "affiliates/email/invitation" in on_disk  # the glob finds the templates
    assert on_disk - sent_here == set(), "e-mails without a test that sends them here"


# --- engagement: RBA referrals and dialogue ------------------------------------------------


@pytest.mark.sends("engagement/email/referral_reminder")
def test_referral_reminder_keeps_the_case_and_factory_as_typed(db, mailoutbox):
    from engagement.services.reminders import engagement_reminders_sweep
    from tests.factories import RbaReferralFactory, rba_case

    lead = StaffFactory(totp=False, email="referrer@ewatch.example")
    case = rba_case(title=CASE_TITLE, factory=FactoryFactory(name=FACTORY), staff_lead=lead)
    due = date(2026, 6, 10)
    RbaReferralFactory(case=case, referred_on=due - timedelta(days=60), response_due=due)

    engagement_reminders_sweep(today=due + timedelta(days=1))
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, "referrer@ewatch.example")
    assert_plain_parts_keep_what_was_typed(message, text=[CASE_TITLE, FACTORY])
    assert_html_part_escapes(message, [CASE_TITLE, FACTORY])


@pytest.mark.sends("engagement/email/commitment_reminder")
def test_commitment_reminder_keeps_the_dialogue_commitment_and_owner_as_typed(db, mailoutbox):
    from engagement.services.reminders import engagement_reminders_sweep
    from tests.factories import CommitmentFactory, DialogueFactory, participant

    dialogue_title = typed("Round table")
    commitment_text = typed("Timetable")
    dialogue = DialogueFactory(
        title=dialogue_title, created_by=StaffFactory(totp=False, full_name=PERSON)
    )
    owner = participant(dialogue, name=OWNER, contact_email="owner@plant.example")
    due = date(2026, 6, 10)
    CommitmentFactory(dialogue=dialogue, owner=owner, text=commitment_text, due_on=due)

    engagement_reminders_sweep(today=due)
    send_the_outbox()

    message = the_one_sent_to(mailoutbox, "owner@plant.example")
    assert_plain_parts_keep_what_was_typed(
        message,
        subject=[commitment_text],
        text=[dialogue_title, commitment_text, OWNER, PERSON],
    )
    assert_html_part_escapes(message, [dialogue_title, commitment_text, OWNER, PERSON])
