from django.conf import settings


def test_every_beat_entry_names_a_registered_task():
    from config.celery import app

    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "suppliers.tasks.send_disclosure_reminders",
        "suppliers.tasks.clean_disclosure_uploads",
        "core.tasks.send_outbox",
        "core.tasks.clean_exports",
        "grievances.tasks.send_grievance_reminders",
        "grievances.tasks.anonymise_expired_grievances",
        "remediation.tasks.send_reminders",
        "reports.tasks.schedule_compliance_reports",
        "learning.tasks.send_community_digests",
        "learning.tasks.send_event_reminders",
        "engagement.tasks.score_last_quarter",
        "engagement.tasks.sweep_rights_of_reply",
        "engagement.tasks.send_engagement_reminders",
    }
    assert scheduled <= set(app.tasks)


def test_tasks_are_acknowledged_late_and_time_limited():
    from core.tasks import send_outbox
    from engagement.tasks import send_engagement_reminders
    from grievances.tasks import anonymise_expired_grievances, send_grievance_reminders
    from learning.tasks import send_community_digests
    from remediation.tasks import send_reminders
    from reports.tasks import render_compliance_report, schedule_compliance_reports
    from suppliers.tasks import send_disclosure_reminders

    for task in (
        render_compliance_report,
        schedule_compliance_reports,
        send_reminders,
        send_outbox,
        send_disclosure_reminders,
        send_grievance_reminders,
        anonymise_expired_grievances,
        send_community_digests,
        send_engagement_reminders,
    ):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert task.time_limit and task.soft_time_limit
