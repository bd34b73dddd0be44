"""Industry engagement's periodic work, started by beat; each task is safe to run twice."""

from celery import shared_task

from .services.reminders import engagement_reminders_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def send_engagement_reminders():
    """Daily, from beat: RBA referrals awaiting a response and dialogue commitments due.
    Safe to run twice or after a crash: the reminder ledger holds one row per deadline,
    step and recipient, written with the e-mail; a day beat missed is caught up once."""
    return engagement_reminders_sweep()
