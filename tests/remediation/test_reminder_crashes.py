"""Remediation reminders and a dead worker: the kill tests run the sweep and the sender in
real processes and SIGKILL them half-way; nothing is lost and nothing is sent twice."""

import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from affiliates.models import Membership
from core.models import OutboxEmail, Reminder
from core.outbox import outbox_send_pending
from remediation.reminders import reminders_sweep
from tests.factories import (
    joined_case,
    member,
)
from tests.remediation.test_reminders import MONDAY, _action, _send

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


# --- Dead workers -------------------------------------------------------------------------


def _child_env(**extra) -> dict:
    """Environment for a manage.py process on this test's database."""
    params = connection.settings_dict
    host = params["OPTIONS"].get("host", params["HOST"])
    url = f"postgres://{params['USER']}@/{params['NAME']}?host={host}"
    if params["PORT"]:
        url += f"&port={params['PORT']}"
    return {**os.environ, "DATABASE_URL": url, "EW_DIGEST_WEEKDAY": "0", **extra}


def _wait(predicate, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _query(raw, sql, params=()):
    with raw.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _expected_reminders(case, lead, northvale):
    """Monday: three actions due and the weekly digest for northvale's member."""
    member(northvale, Membership.Role.OFFICER, email="officer@northvale.example")
    joined_case(northvale, case=case)
    actions = [
        _action(case, 7, today=MONDAY, contact_email="soon@supplier.example"),
        _action(case, 0, today=MONDAY, contact_email="today@supplier.example"),
        _action(case, -1, today=MONDAY, contact_email="late@supplier.example"),
    ]
    kinds = {(actions[0].pk, "due_soon"), (actions[1].pk, "due_today"), (actions[2].pk, "overdue")}
    recipients = sorted(
        [
            "soon@supplier.example",
            "today@supplier.example",
            "late@supplier.example",
            lead.email,
            "officer@northvale.example",
        ]
    )
    return kinds, recipients


@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_in_the_middle_loses_no_reminder_and_doubles_none(
    case, lead, northvale, mailoutbox, monkeypatch
):
    from core.tasks import send_outbox

    kinds, recipients = _expected_reminders(case, lead, northvale)
    enqueued = []
    monkeypatch.setattr(send_outbox, "delay", lambda: enqueued.append(1))

    # A second connection holds the outbox table: the sweep can write its ledger, then
    # waits to queue the e-mails, inside its transaction. A third one watches.
    params = connection.get_connection_params()
    locker = connection.get_new_connection(params)
    watcher = connection.get_new_connection(params)
    watcher.autocommit = True
    outbox_table = OutboxEmail._meta.db_table
    reminder_table = Reminder._meta.db_table
    try:
        _query(locker, f"LOCK TABLE {outbox_table} IN EXCLUSIVE MODE; SELECT 1")
        sweeper = subprocess.Popen(
            [sys.executable, "manage.py", "send_reminders", "--no-send", "--date", str(MONDAY)],
            cwd=BASE_DIR,
            env=_child_env(DJANGO_SETTINGS_MODULE="config.settings_test"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:

            def blocked():
                if sweeper.poll() is not None:
                    raise AssertionError(sweeper.stderr.read().decode()[-3000:])
                return _query(
                    watcher,
                    "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "JOIN pg_class c ON c.oid = l.relation "
                    "WHERE a.datname = current_database() AND NOT l.granted AND c.relname = %s",
                    [outbox_table],
                )

            ((backend,),) = _wait(blocked, "the sweep to block on the outbox")
            # In the middle: its ledger rows are written (it holds the ledger's write lock),
            # not committed, and no e-mail is queued.
            held = _query(
                watcher,
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'",
                [backend],
            )
            assert (reminder_table,) in held
            assert _query(watcher, f"SELECT count(*) FROM {reminder_table}") == [(0,)]
            os.kill(sweeper.pid, signal.SIGKILL)
            assert sweeper.wait(20) == -signal.SIGKILL
        finally:
            if sweeper.poll() is None:
                os.killpg(sweeper.pid, signal.SIGKILL)
                sweeper.wait(20)
            locker.commit()  # the lock goes; the orphaned backend finds its client gone
        _wait(
            lambda: not _query(watcher, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]),
            "the dead sweep's backend to roll back and exit",
        )
    finally:
        locker.close()
        watcher.close()
    assert not Reminder.objects.exists()
    assert not OutboxEmail.objects.exists()

    # The next run (beat's next tick, or by hand) does all of it, once.
    assert reminders_sweep(today=MONDAY) == len(recipients)
    assert reminders_sweep(today=MONDAY) == 0
    assert enqueued  # the send task, after the commit
    assert _send() == len(recipients)
    assert sorted(m.to[0] for m in mailoutbox) == recipients
    assert len({(m.to[0], m.subject) for m in mailoutbox}) == len(recipients)
    ledger = [
        (row.subject_pk, row.kind, row.swept_on, row.recipient_user_pk is None)
        for row in Reminder.objects.filter(status=Reminder.Status.QUEUED)
    ]
    expected = [(pk, kind, MONDAY, contact) for pk, kind in kinds for contact in (True, False)]
    assert sorted(ledger) == sorted(expected)


class _StallingMailServer:
    """An SMTP server that takes the first message, then never answers: a sender stuck on
    it is a worker that dies half-way through the outbox."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.messages: list[str] = []
        self.stalled = threading.Event()
        self._held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _address = self.listener.accept()
            except OSError:
                return
            if self.messages:
                self._held.append(conn)  # no greeting: the client waits forever
                self.stalled.set()
            else:
                self._talk(conn)

    def _talk(self, conn):
        stream = conn.makefile("rwb")

        def reply(line):
            stream.write(line.encode() + b"\r\n")
            stream.flush()

        reply("220 stall.example ESMTP")
        while line := stream.readline():
            command = line.decode().strip().upper()
            if command == "DATA":
                reply("354 go ahead")
                lines = []
                while (data := stream.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.messages.append(b"".join(lines).decode())
                reply("250 queued")
            elif command == "QUIT":
                reply("221 bye")
                break
            else:
                reply("250 stall.example")
        conn.close()

    def close(self):
        self.listener.close()
        for conn in self._held:
            conn.close()


@pytest.mark.django_db(transaction=True)
def test_a_sender_killed_half_way_leaves_the_rest_to_the_next_run(
    case, lead, northvale, mailoutbox, monkeypatch
):
    from core.tasks import send_outbox

    _kinds, recipients = _expected_reminders(case, lead, northvale)
    monkeypatch.setattr(send_outbox, "delay", lambda: None)
    assert reminders_sweep(today=MONDAY) == len(recipients)

    server = _StallingMailServer()
    sender = subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", "--date", MONDAY.isoformat()],
        cwd=BASE_DIR,
        env=_child_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(server.port),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert server.stalled.wait(60), "the sender never reached the second e-mail"
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(20)
    finally:
        if sender.poll() is None:
            os.killpg(sender.pid, signal.SIGKILL)
            sender.wait(20)
        server.close()

    (first,) = server.messages
    first = email.message_from_string(first, policy=email.policy.default)
    assert OutboxEmail.objects.get(status="sent").recipient == first["To"]
    # The dead sender's leases still run: nobody else sends those rows yet.
    waiting = OutboxEmail.objects.filter(status="pending")
    assert waiting.count() == len(recipients) - 1
    assert all(row.lease_until > timezone.now() and row.attempts == 1 for row in waiting)
    assert outbox_send_pending() == 0
    # Five minutes later the leases have run out: the next run sends the rest, once.
    waiting.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert _send() == len(recipients) - 1
    assert _send() == 0
    delivered = [first["To"], *(m.to[0] for m in mailoutbox)]
    assert sorted(delivered) == recipients
    assert first["To"] not in {m.to[0] for m in mailoutbox}
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_send_leased_by_a_dead_worker_goes_once_the_lease_expires(
    case, lead, northvale, mailoutbox
):
    _kinds, recipients = _expected_reminders(case, lead, northvale)
    reminders_sweep(today=MONDAY)
    assert outbox_send_pending(limit=2) == 2
    # Another worker leased the rest, then died before sending.
    pending = OutboxEmail.objects.filter(status="pending")
    pending.update(lease_until=timezone.now() + timedelta(minutes=5), attempts=1)
    assert outbox_send_pending() == 0
    pending.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert _send() == len(recipients) - 2
    assert _send() == 0
    assert sorted(m.to[0] for m in mailoutbox) == recipients
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}
