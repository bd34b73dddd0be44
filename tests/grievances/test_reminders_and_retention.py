from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxEmail
from core.outbox import outbox_send_pending
from grievances import services
from grievances.models import Grievance, GrievanceAttachment, GrievanceMessage, Side
from grievances.services import grievance_anonymise_expired, grievance_reminders_sweep
from tests.factories import StaffFactory

from .conftest import CONTACT, DESCRIPTION, submit

pytestmark = pytest.mark.django_db


def test_the_sweep_reminds_once_for_the_due_soon_and_the_overdue_demo_grievances():
    call_command("seed_demo", verbosity=0)
    outbox_send_pending()  # the demo's other e-mails (published findings and the like)
    mail.outbox.clear()
    today = timezone.localdate()
    assert grievance_reminders_sweep(today=today) == 2
    assert grievance_reminders_sweep(today=today) == 0
    assert outbox_send_pending() == 2
    subjects = sorted(m.subject for m in mail.outbox)
    soon = Grievance.objects.get(received_on=today - timedelta(days=5))
    late = Grievance.objects.get(received_on=today - timedelta(days=10))
    assert subjects == sorted(
        [
            f"Grievance {soon.reference}: acknowledgement due in 2 days",
            f"Grievance {late.reference}: acknowledgement overdue",
        ]
    )
    assert {m.to[0] for m in mail.outbox} == {"staff@ewatch.example"}
    body = next(m for m in mail.outbox if late.reference in m.subject).body
    assert "This is 3 days late." in body
    assert f"/staff/grievances/{late.pk}/" in body
    # The next day: the overdue one again (daily), the due-soon one not (1 day left).
    assert grievance_reminders_sweep(today=today + timedelta(days=1)) == 1


def test_a_reminder_that_fell_due_while_beat_did_not_run_comes_once_then_the_next_on_its_day():
    staff = StaffFactory(email="handler@ewatch.example")
    ack_due = date(2026, 11, 23)
    grievance, _code = submit(today=ack_due - timedelta(days=7))
    services.grievance_assign(grievance=grievance, assignee=staff, by=staff)
    assert grievance_reminders_sweep(today=ack_due - timedelta(days=5)) == 0
    # No sweep for three days; "due in 2 days" fell due on the third. The next one sends it.
    assert grievance_reminders_sweep(today=ack_due - timedelta(days=1)) == 1
    assert grievance_reminders_sweep(today=ack_due - timedelta(days=1)) == 0
    assert grievance_reminders_sweep(today=ack_due) == 1
    assert grievance_reminders_sweep(today=ack_due + timedelta(days=1)) == 1
    assert outbox_send_pending() == 3
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([staff.email], f"Grievance {grievance.reference}: acknowledgement due in 1 day"),
        ([staff.email], f"Grievance {grievance.reference}: acknowledgement due today"),
        ([staff.email], f"Grievance {grievance.reference}: acknowledgement overdue"),
    ]
    assert "This is 1 day late." in mail.outbox[2].body


def test_reminders_never_contain_what_the_worker_wrote(settings):
    staff = StaffFactory(language="fr")
    grievance, code = submit(today=timezone.localdate() - timedelta(days=7))
    services.grievance_assign(grievance=grievance, assignee=staff, by=staff)
    assert grievance_reminders_sweep() == 1
    row = OutboxEmail.objects.get()
    assert row.recipient == staff.email
    assert grievance.reference in row.subject
    for secret in (DESCRIPTION, CONTACT, code, "passport"):
        assert secret not in row.body_text + row.body_html + row.subject


def test_the_sweep_has_a_fixed_number_of_queries(django_assert_max_num_queries):
    StaffFactory()
    today = timezone.localdate()
    submit(today=today - timedelta(days=9))
    with django_assert_max_num_queries(6):
        grievance_reminders_sweep(today=today)
    for _ in range(10):
        submit(today=today - timedelta(days=9))
    with django_assert_max_num_queries(6):
        grievance_reminders_sweep(today=today + timedelta(days=1))


def test_the_daily_tasks_are_scheduled(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "grievances.tasks.send_grievance_reminders" in tasks
    assert "grievances.tasks.anonymise_expired_grievances" in tasks


def test_retention_anonymises_closed_grievances_and_keeps_the_counts(
    settings, staff, django_capture_on_commit_callbacks
):
    import io

    from PIL import Image

    from core.uploads import clean_upload

    settings.EW_GRIEVANCE_RETENTION_MONTHS = 24
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "x.png"
    buffer.size = len(buffer.getvalue())
    old, code = submit(intake={"attachments": (clean_upload(buffer),)})
    recent, _ = submit()
    for grievance in (old, recent):
        services.grievance_acknowledge(grievance=grievance, by=staff)
        services.grievance_close(grievance=grievance, feedback="Solved.", by=staff)
    Grievance.objects.filter(pk=old.pk).update(
        closed_on=timezone.localdate() - timedelta(days=2 * 366)
    )
    stored = GrievanceAttachment.objects.get().file.name
    storage = GrievanceAttachment._meta.get_field("file").storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert grievance_anonymise_expired() == 1
    assert not storage.exists(stored)
    assert grievance_anonymise_expired() == 0
    old.refresh_from_db()
    assert (old.description, old.contact_details, old.receipt_hash) == ("", "", "")
    assert old.anonymised_at is not None
    assert (old.status, old.categories, old.received_on) == (
        "closed",
        ["documents", "fees"],
        old.received_on,
    )
    assert not GrievanceMessage.objects.filter(grievance=old).exists()
    assert GrievanceMessage.objects.filter(grievance=recent, side=Side.STAFF).exists()
    assert not GrievanceAttachment.objects.filter(grievance=old).exists()
    assert Grievance.objects.count() == 2
    assert services.grievance_open_with_code(code) is None
