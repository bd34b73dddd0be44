"""Remediation reminders: the daily sweep, the weekly digest, the command and the task.

The sweep writes one ledger row per action, step and recipient (`core.Reminder`) and queues
the e-mails in the same transaction; the outbox sends them. What survives a dead worker is in
`test_reminder_crashes.py`.
"""

import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from affiliates.models import Membership
from core.models import OutboxEmail, Reminder
from core.outbox import outbox_send_pending
from core.reminders import subject_key
from remediation.models import (
    ActionStatus,
    Audience,
    CaseStatus,
    Participation,
    RemediationAction,
)
from remediation.reminders import reminders_sweep
from tests.factories import (
    CaseUpdateFactory,
    RemediationActionFactory,
    RemediationCaseFactory,
    StaffFactory,
    in_supply_chain,
    joined_case,
    member,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 11, 23)
TUESDAY = MONDAY + timedelta(days=1)  # not the digest day: action reminders only


def _action(case, days, today=TUESDAY, **fields):
    return RemediationActionFactory(case=case, due_date=today + timedelta(days=days), **fields)


def _sweep(today, capture) -> int:
    """The sweep as beat runs it; its commit enqueues the outbox's send task."""
    with capture(execute=True) as callbacks:
        queued = reminders_sweep(today=today)
    assert bool(callbacks) == bool(queued)  # send_outbox.delay, after the commit
    return queued


def _send() -> int:
    total = 0
    while sent := outbox_send_pending():
        total += sent
    return total


def _to(mailoutbox, address):
    return [m for m in mailoutbox if m.to == [address]]


def _ledger(action):
    """The action's reminders queued so far, oldest first."""
    return Reminder.objects.filter(
        subject=subject_key(RemediationAction, action.pk), status=Reminder.Status.QUEUED
    ).order_by("swept_on", "pk")


def _html(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


# --- Action reminders ---------------------------------------------------------------------


def test_due_in_7_days_today_and_overdue_reach_the_contact_and_the_staff_lead(
    case, lead, settings, mailoutbox, django_capture_on_commit_callbacks
):
    _action(case, 7, description="Return the passports", contact_email="soon@supplier.example")
    _action(case, 0, description="Repay the fees", contact_email="today@supplier.example")
    _action(
        case,
        -1,
        description="Pay the overtime owed",
        contact_email="late@supplier.example",
        contact_name="Somchai P.",
    )
    _action(case, 8, contact_email="later@supplier.example")  # not yet

    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 4
    assert mailoutbox == []  # the outbox sends them
    assert _send() == 4

    ref = case.reference
    assert sorted((m.to[0], m.subject) for m in mailoutbox if m.to != [lead.email]) == [
        ("late@supplier.example", f"Overdue: Pay the overtime owed ({ref})"),
        ("soon@supplier.example", f"Due in 7 days: Return the passports ({ref})"),
        ("today@supplier.example", f"Due today: Repay the fees ({ref})"),
    ]
    soon = _to(mailoutbox, "soon@supplier.example")[0]
    assert "it is due on 1 December 2026, in 7 days." in soon.body
    assert "for Rayong Plant 2 Co., Ltd. (case " in soon.body and "Thailand" in soon.body
    assert "write to Ana Lead at Electronics Watch (lead@ewatch.example)" in soon.body
    late = _to(mailoutbox, "late@supplier.example")[0]
    assert late.body.startswith("Dear Somchai P.,")
    assert "was due on 23 November 2026 and is 1 day overdue." in late.body
    # The contact has no account: no link into the platform, only the lead's address.
    for message in (soon, late):
        html = _html(message)
        assert "http" not in message.body and 'href="http' not in html
        assert '<html lang="en">' in html and "<h1" in html
        assert 'href="mailto:lead@ewatch.example' in html

    (to_lead,) = _to(mailoutbox, lead.email)
    assert to_lead.subject == "Remediation: 3 actions due or overdue (24 November 2026)"
    body = to_lead.body
    assert (
        body.index("Overdue (1)")
        < body.index("Due today (1)")
        < body.index("Due within 7 days (1)")
    )
    for text in ("Return the passports", "Repay the fees", "Pay the overtime owed"):
        assert text in body and text in _html(to_lead)
    link = f"{settings.SITE_URL}/staff/cases/{case.pk}/"
    assert link in body and f'href="{link}"' in _html(to_lead)
    assert "(1 day overdue)" in body


def test_a_second_sweep_the_same_day_sends_nothing_more(
    case, mailoutbox, django_capture_on_commit_callbacks
):
    for days in (7, 0, -1):
        _action(case, days)
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 4
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 0
    assert _send() == 4
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 0
    assert _send() == 0
    assert len(mailoutbox) == 4
    # Three actions, each reminded to its contact and to the lead.
    assert Reminder.objects.filter(status=Reminder.Status.QUEUED).count() == 6


def test_an_overdue_action_is_reminded_again_only_after_7_days(case):
    late = _action(case, -1)
    days = [d for d in range(22) if reminders_sweep(today=TUESDAY + timedelta(days=d))]
    assert days == [0, 7, 14, 21]
    assert list(
        _ledger(late).filter(recipient=late.contact_email).values_list("kind", "swept_on")
    ) == [("overdue", TUESDAY + timedelta(days=d)) for d in (0, 7, 14, 21)]


def test_an_action_due_in_7_days_is_reminded_then_on_the_day_then_weekly_when_late(case):
    soon = _action(case, 7)
    days = [d for d in range(16) if reminders_sweep(today=TUESDAY + timedelta(days=d))]
    assert days == [0, 7, 8, 15]
    kinds = _ledger(soon).filter(recipient=soon.contact_email).values_list("kind", flat=True)
    assert list(kinds) == ["due_soon", "due_today", "overdue", "overdue"]


def test_a_reminder_that_fell_due_while_beat_did_not_run_comes_once_worded_for_its_day(
    case, lead, mailoutbox, django_capture_on_commit_callbacks
):
    _action(case, 10, description="Return the passports", contact_email="soon@supplier.example")
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 0
    # No sweep for three days; "due in 7 days" fell due on the third. The next one sends it.
    late_day = TUESDAY + timedelta(days=4)
    assert _sweep(late_day, django_capture_on_commit_callbacks) == 2
    assert _sweep(late_day, django_capture_on_commit_callbacks) == 0
    assert _send() == 2
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("lead@ewatch.example", "Remediation: 1 action due or overdue (28 November 2026)"),
        ("soon@supplier.example", f"Due in 6 days: Return the passports ({case.reference})"),
    ]
    (to_contact,) = _to(mailoutbox, "soon@supplier.example")
    assert "it is due on 4 December 2026, in 6 days." in to_contact.body
    assert "Due within 7 days (1)" in _to(mailoutbox, lead.email)[0].body

    mailoutbox.clear()
    for day in range(5, 10):
        assert _sweep(TUESDAY + timedelta(days=day), django_capture_on_commit_callbacks) == 0
    assert _sweep(TUESDAY + timedelta(days=10), django_capture_on_commit_callbacks) == 2
    assert _send() == 2
    assert sorted(m.subject for m in mailoutbox) == [
        f"Due today: Return the passports ({case.reference})",
        "Remediation: 1 action due or overdue (4 December 2026)",
    ]


def test_closed_cases_and_claimed_or_verified_actions_get_no_reminder(
    lead, mailoutbox, django_capture_on_commit_callbacks
):
    for status in (CaseStatus.CLOSED, CaseStatus.REMEDIATED):
        closed = RemediationCaseFactory(staff_lead=lead, status=status)
        for days in (7, 0, -1):
            _action(closed, days)
    running = RemediationCaseFactory(staff_lead=lead, status=CaseStatus.IN_PROGRESS)
    _action(running, 0, status=ActionStatus.DONE_CLAIMED, contact_email="claimed@s.example")
    _action(running, -1, status=ActionStatus.VERIFIED, contact_email="verified@s.example")
    _action(running, -1, status=ActionStatus.REJECTED, contact_email="rejected@s.example")

    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 2
    _send()
    assert sorted(m.to[0] for m in mailoutbox) == ["lead@ewatch.example", "rejected@s.example"]
    rejected = mailoutbox[0] if mailoutbox[0].to == ["rejected@s.example"] else mailoutbox[1]
    assert "was not accepted after verification" in rejected.body


def test_without_a_contact_e_mail_only_the_lead_is_reminded_and_told_so(
    case, lead, mailoutbox, django_capture_on_commit_callbacks
):
    _action(case, 0, contact_email="")
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 1
    _send()
    (message,) = mailoutbox
    assert message.to == [lead.email]
    assert "No contact e-mail: nobody at the owner was reminded." in message.body


def test_an_inactive_lead_gets_nothing_the_contact_still_does(
    case, lead, mailoutbox, django_capture_on_commit_callbacks
):
    lead.is_active = False
    lead.save()
    _action(case, 0, contact_email="today@supplier.example")
    assert _sweep(TUESDAY, django_capture_on_commit_callbacks) == 1
    _send()
    assert [m.to for m in mailoutbox] == [["today@supplier.example"]]


def test_reminders_are_in_the_recipients_language(
    lead, mailoutbox, django_capture_on_commit_callbacks
):
    """Dates, country names and the texts come in the recipient's language."""
    lead.language = "fr"
    lead.save()
    case = RemediationCaseFactory(staff_lead=lead)
    _action(case, 7, contact_email="fr@supplier.example", contact_language="fr")
    _action(case, -1, contact_email="fr-late@supplier.example", contact_language="fr")
    _action(case, 7, contact_email="en@supplier.example", contact_language="en")
    _sweep(TUESDAY, django_capture_on_commit_callbacks)
    _send()

    french = _to(mailoutbox, "fr@supplier.example")[0]
    assert french.subject.startswith("Échéance dans 7 jours : ")
    assert "1 décembre 2026" in french.body and "Thaïlande" in french.body
    assert '<html lang="fr">' in _html(french)
    assert "En retard" in _html(_to(mailoutbox, "fr-late@supplier.example")[0])
    english = _to(mailoutbox, "en@supplier.example")[0]
    assert "1 December 2026" in english.body and "Thailand" in english.body
    assert '<html lang="en">' in _html(english)

    (to_lead,) = _to(mailoutbox, lead.email)
    assert to_lead.subject == "Remédiation : 3 actions à échéance ou en retard (24 novembre 2026)"
    for label in ("En retard (1)", "Échéance dans les 7 jours (2)"):
        assert label in to_lead.body
    assert '<html lang="fr">' in _html(to_lead)


def test_the_sweep_has_a_fixed_number_of_queries(lead, northvale, django_assert_max_num_queries):
    member(northvale, Membership.Role.OFFICER)
    small = joined_case(northvale, staff_lead=lead)
    _action(small, 0)
    with django_assert_max_num_queries(12):
        assert reminders_sweep(today=MONDAY) == 3
    for _ in range(10):
        big = joined_case(northvale, staff_lead=StaffFactory(totp=False))
        for days in (7, 0, -1, -20):
            _action(big, days, today=MONDAY + timedelta(days=7))
    with django_assert_max_num_queries(12):
        queued = reminders_sweep(today=MONDAY + timedelta(days=7))
    assert queued == 40 + 10 + 2 + 1  # contacts, leads, the small case's two, the digest


# --- The weekly digest --------------------------------------------------------------------


@pytest.fixture
def digest_case(lead, northvale, southport):
    case = joined_case(northvale, staff_lead=lead, title="Passports held at Rayong")
    in_supply_chain(southport, case.factory)
    Participation.objects.create(case=case, affiliate=southport)  # invited, not joined
    _action(
        case,
        3,
        today=MONDAY,
        description="Return the passports",
        contact_name="Somchai Secretcontact",
        contact_email="secret-contact@supplier.example",
    )
    _action(case, -10, today=MONDAY, description="Repay the recruitment fees")
    _action(case, 30, today=MONDAY, description="Train the line managers")
    _action(case, -2, today=MONDAY, description="Already verified", status=ActionStatus.VERIFIED)
    CaseUpdateFactory(
        case=case, audience=Audience.INTERNAL, text="Internal: the brand may walk away"
    )
    CaseUpdateFactory(case=case, audience=Audience.AFFILIATES, text="Timetable asked for")
    not_joined = RemediationCaseFactory(staff_lead=lead)
    _action(not_joined, 1, today=MONDAY, description="Someone else's case")
    closed = joined_case(northvale, staff_lead=lead, status=CaseStatus.CLOSED)
    _action(closed, 1, today=MONDAY, description="In a closed case")
    return case


def _digests(mailoutbox):
    return [m for m in mailoutbox if "this week" in m.subject]


def test_the_weekly_digest_goes_to_members_of_joined_affiliates_who_did_not_mute_it(
    digest_case, northvale, southport, mailoutbox, django_capture_on_commit_callbacks
):
    officer = member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    viewer = member(northvale, Membership.Role.VIEWER, email="viewer@northvale.example")
    member(
        northvale, Membership.Role.OFFICER, email="muted@northvale.example", mute_case_digests=True
    )
    member(southport, Membership.Role.ADMIN, email="admin@southport.example")

    _sweep(MONDAY, django_capture_on_commit_callbacks)
    _send()
    digests = _digests(mailoutbox)
    assert sorted(m.to[0] for m in digests) == sorted([officer.email, viewer.email])
    message = digests[0]
    assert message.subject == "City of Northvale: 2 remediation actions due or overdue this week"
    html = _html(message)
    for part in (message.body, html):
        assert "Return the passports" in part and "Repay the recruitment fees" in part
        assert digest_case.reference in part and "Passports held at Rayong" in part
        assert f"/a/northvale/cases/{digest_case.pk}/" in part
        assert "/a/northvale/cases/" in part and "/account/" in part
        # Only what a joined affiliate may read: no contact, no update, no grievance.
        for hidden in (
            "Secretcontact",
            "secret-contact@",
            "Internal: the brand",
            "Timetable asked for",
            "Train the line managers",
            "Already verified",
            "Someone else's case",
            "In a closed case",
            "/staff/",
        ):
            assert hidden not in part
        assert "grievance" not in part.lower()
    assert "(overdue)" in message.body
    assert '<html lang="en">' in html and "<h1" in html and "<table" in html


def test_a_leads_e_mail_lists_the_first_of_each_kind_and_counts_the_rest(
    case, lead, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """At network scale a lead's day held 80,000 actions: listed in full, one e-mail of
    47 MB. Each kind lists `EMAIL_LIST_LIMIT`, its heading and the subject count them all."""
    monkeypatch.setattr("remediation.reminders.EMAIL_LIST_LIMIT", 2)
    for number in range(4):
        _action(case, -1, description=f"Late action {number}")
    _action(case, 0, description="Due today")

    _sweep(TUESDAY, django_capture_on_commit_callbacks)
    _send()
    (to_lead,) = _to(mailoutbox, lead.email)
    assert to_lead.subject.startswith("Remediation: 5 actions due or overdue")
    for part in (to_lead.body, _html(to_lead)):
        assert "Overdue (4)" in part and "Due today (1)" in part
        assert "Late action 0" in part and "Late action 1" in part and "Due today" in part
        assert "Late action 2" not in part and "Late action 3" not in part
        assert "2 more actions are not listed here." in part
        assert "/staff/cases/" in part


def test_a_digest_lists_the_first_actions_and_counts_the_rest(
    digest_case, northvale, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("remediation.reminders.EMAIL_LIST_LIMIT", 1)
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    _sweep(MONDAY, django_capture_on_commit_callbacks)
    _send()
    (message,) = _digests(mailoutbox)
    assert message.subject == "City of Northvale: 2 remediation actions due or overdue this week"
    for part in (message.body, _html(message)):
        assert "Repay the recruitment fees" in part  # the earlier due date first
        assert "Return the passports" not in part
        assert "1 more action is not listed here." in part


def test_the_digest_goes_once_a_week_on_the_digest_day_only(
    digest_case, northvale, settings, mailoutbox, django_capture_on_commit_callbacks
):
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    settings.EW_DIGEST_WEEKDAY = 1  # Tuesdays
    _sweep(MONDAY, django_capture_on_commit_callbacks)
    _send()
    assert _digests(mailoutbox) == []
    _sweep(TUESDAY, django_capture_on_commit_callbacks)
    _sweep(TUESDAY, django_capture_on_commit_callbacks)
    _send()
    assert len(_digests(mailoutbox)) == 1
    for day in range(2, 8):
        _sweep(MONDAY + timedelta(days=day), django_capture_on_commit_callbacks)
    _send()
    assert len(_digests(mailoutbox)) == 1
    _sweep(TUESDAY + timedelta(days=7), django_capture_on_commit_callbacks)
    _send()
    assert len(_digests(mailoutbox)) == 2


def test_the_digest_speaks_the_members_language(
    digest_case, northvale, mailoutbox, django_capture_on_commit_callbacks
):
    member(northvale, Membership.Role.OFFICER, email="fr@northvale.example", language="fr")
    _sweep(MONDAY, django_capture_on_commit_callbacks)
    _send()
    (digest,) = [m for m in mailoutbox if m.to == ["fr@northvale.example"]]
    assert "26 novembre 2026" in digest.body and "Thaïlande" in digest.body
    assert '<html lang="fr">' in _html(digest)


# --- The command and the task -------------------------------------------------------------


def test_the_command_sweeps_a_given_day_and_sends(case, mailoutbox):
    _action(case, 0, contact_email="today@supplier.example")
    out = io.StringIO()
    call_command("send_reminders", "--date", TUESDAY.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["2 e-mail(s) queued.", "2 e-mail(s) sent."]
    assert sorted(m.to[0] for m in mailoutbox) == ["lead@ewatch.example", "today@supplier.example"]
    out = io.StringIO()
    call_command("send_reminders", "--date", TUESDAY.isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["0 e-mail(s) queued.", "0 e-mail(s) sent."]
    assert len(mailoutbox) == 2


def test_the_command_can_only_queue(case, mailoutbox):
    _action(case, 0)
    out = io.StringIO()
    call_command("send_reminders", "--date", TUESDAY.isoformat(), "--no-send", stdout=out)
    assert out.getvalue().splitlines() == ["2 e-mail(s) queued."]
    assert mailoutbox == []
    assert OutboxEmail.objects.filter(status="pending").count() == 2


@pytest.mark.parametrize("bad", ["24/11/2026", "2026-02-30", "tomorrow"])
def test_the_command_refuses_a_bad_date(bad):
    with pytest.raises(CommandError, match=rf"--date must look like 2026-12-31, not '{bad}'\."):
        call_command("send_reminders", "--date", bad)
    assert not Reminder.objects.exists()


def test_the_daily_task_runs_the_sweep_and_is_scheduled(
    case, settings, django_capture_on_commit_callbacks
):
    from remediation.tasks import send_reminders

    _action(case, 0, today=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=False):
        send_reminders.apply()
    assert OutboxEmail.objects.count() == 2
    assert send_reminders.acks_late and send_reminders.reject_on_worker_lost
    assert send_reminders.time_limit and send_reminders.soft_time_limit
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "remediation.tasks.send_reminders" in tasks
