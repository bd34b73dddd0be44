from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from affiliates.models import Membership
from core.models import OutboxEmail, Reminder
from core.outbox import outbox_send_pending
from core.reminders import subject_key
from suppliers.models import Disclosure
from suppliers.services import disclosure_reminder_kind, disclosure_reminders_sweep
from suppliers.tasks import send_disclosure_reminders
from tests.factories import ContractFactory, DisclosureFactory, member

TODAY = date(2026, 11, 23)


def _due(affiliate, days_from_today, status="requested", reference=None):
    contract = ContractFactory(
        affiliate=affiliate, **({"reference": reference} if reference else {})
    )
    return DisclosureFactory(
        contract=contract, status=status, due_date=TODAY + timedelta(days=days_from_today)
    )


@pytest.mark.parametrize(
    ("days", "kind"),
    [
        (7, "due_in_7_days"),
        (6, None),
        (0, "due_today"),
        (-1, "overdue"),
        (-2, None),
        (-8, "overdue"),
        (-15, "overdue"),
        (-9, None),
    ],
)
def test_reminder_calendar(days, kind):
    assert disclosure_reminder_kind(TODAY + timedelta(days=days), TODAY) == kind


def test_sweep_queues_each_reminder_once_and_the_outbox_sends_it_once(northvale, southport):
    admin = member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")
    member(northvale, Membership.Role.VIEWER, email="viewer@northvale.example")
    member(southport, Membership.Role.OFFICER, email="officer@southport.example")
    _due(northvale, 7, reference="NV-SOON")
    _due(northvale, -1, reference="NV-LATE")
    _due(northvale, 3)  # nothing today
    _due(northvale, -1, status="accepted")  # done: no reminder
    _due(southport, 0, reference="SU-TODAY")

    assert disclosure_reminders_sweep(today=TODAY) == 3
    assert disclosure_reminders_sweep(today=TODAY) == 0
    assert outbox_send_pending() == 3
    assert outbox_send_pending() == 0
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == [
        ("admin@northvale.example", "Disclosure for NV-LATE overdue"),
        ("admin@northvale.example", "Disclosure for NV-SOON due in 7 days"),
        ("officer@southport.example", "Disclosure for SU-TODAY due today"),
    ]
    late = next(m for m in mail.outbox if "NV-LATE" in m.subject)
    assert "are 1 day overdue" in late.body
    assert "/a/northvale/disclosures/" in late.body
    assert late.alternatives[0][1] == "text/html"
    assert admin.email not in {m.to[0] for m in mail.outbox if "SU-TODAY" in m.subject}


def test_reminders_that_fell_due_while_beat_did_not_run_are_caught_up_once(northvale):
    member(northvale, Membership.Role.ADMIN, email="admin@northvale.example")
    disclosure = _due(northvale, 1, reference="NV-GAP")
    assert disclosure_reminders_sweep(today=TODAY) == 0  # due tomorrow: nothing today
    # No sweep for three days: "due today" (day 0) and "overdue" (day 1) fall due meanwhile.
    # The next sweep sends the latest of the two, once, and records the other as superseded.
    assert disclosure_reminders_sweep(today=TODAY + timedelta(days=4)) == 1
    assert disclosure_reminders_sweep(today=TODAY + timedelta(days=4)) == 0
    assert outbox_send_pending() == 1
    (late,) = mail.outbox
    assert (late.to, late.subject) == (["admin@northvale.example"], "Disclosure for NV-GAP overdue")
    assert "are 3 days overdue" in late.body
    ledger = Reminder.objects.filter(subject=subject_key(Disclosure, disclosure.pk))
    assert list(ledger.order_by("step").values_list("kind", "status")) == [
        ("due_today", "superseded"),
        ("overdue", "queued"),
    ]
    # The next step still comes on its day: a week after the first day overdue.
    sent = [
        days
        for days in range(5, 17)
        if disclosure_reminders_sweep(today=TODAY + timedelta(days=days))
    ]
    assert sent == [9, 16]
    outbox_send_pending()
    assert [m.subject for m in mail.outbox[1:]] == ["Disclosure for NV-GAP overdue"] * 2
    assert "are 8 days overdue" in mail.outbox[1].body


def test_a_reminder_sent_late_says_how_many_days_are_left(northvale):
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    _due(northvale, 9, reference="NV-SOON")
    assert disclosure_reminders_sweep(today=TODAY) == 0
    # Beat is down from day 1 to day 3; "due in 7 days" fell due on day 2.
    assert disclosure_reminders_sweep(today=TODAY + timedelta(days=4)) == 1
    outbox_send_pending()
    (soon,) = mail.outbox
    assert soon.subject == "Disclosure for NV-SOON due in 5 days"
    assert ", in 5 days." in soon.body


def test_reminders_speak_the_recipients_language(northvale):
    member(northvale, Membership.Role.OFFICER, email="agent@northvale.example", language="fr")
    _due(northvale, 0, reference="NV-FR")
    disclosure_reminders_sweep(today=TODAY)
    outbox_send_pending()
    assert mail.outbox[0].subject == "Déclaration pour NV-FR attendue aujourd’hui"


def test_a_send_interrupted_by_a_dead_worker_is_retried_once_the_lease_expires(northvale):
    member(northvale, Membership.Role.OFFICER)
    _due(northvale, 0)
    disclosure_reminders_sweep(today=TODAY)
    # A worker leased the row, then died before sending.
    OutboxEmail.objects.update(lease_until=timezone.now() + timedelta(minutes=5), attempts=1)
    assert outbox_send_pending() == 0
    OutboxEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox_send_pending() == 1
    assert len(mail.outbox) == 1
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_failing_mail_server_leaves_the_reminder_waiting(northvale, settings):
    member(northvale, Membership.Role.OFFICER)
    _due(northvale, 0)
    disclosure_reminders_sweep(today=TODAY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    assert outbox_send_pending() == 0
    row = OutboxEmail.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxEmail.objects.update(lease_until=None)
    assert outbox_send_pending() == 1


def test_the_daily_task_runs_the_sweep(northvale, django_capture_on_commit_callbacks):
    member(northvale, Membership.Role.OFFICER)
    with scopes_disabled():
        DisclosureFactory(
            contract=ContractFactory(affiliate=northvale), due_date=timezone.localdate()
        )
    with django_capture_on_commit_callbacks(execute=False):
        send_disclosure_reminders.apply()
    assert OutboxEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_queued_reminders(northvale, tmp_path):
    """Through Redis and a Celery worker process, as in production."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.db import connection

    from core.tasks import send_outbox

    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    _due(northvale, 0, reference="NV-WORKER")
    assert disclosure_reminders_sweep(today=TODAY) == 1

    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@/{settings_dict['NAME']}"
        f"?host={settings_dict['OPTIONS'].get('host', settings_dict['HOST'])}"
    )
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        start_new_session=True,
    )
    try:
        send_outbox.delay()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (mail_dir.exists() and any(mail_dir.iterdir())):
            time.sleep(0.5)
        files = list(mail_dir.iterdir()) if mail_dir.exists() else []
        assert len(files) == 1
        assert "Disclosure for NV-WORKER due today" in files[0].read_text()
        deadline = time.monotonic() + 20
        while OutboxEmail.objects.get().status != "sent" and time.monotonic() < deadline:
            time.sleep(0.5)
        assert OutboxEmail.objects.get().status == "sent"
    finally:
        worker.terminate()
        worker.wait(20)
