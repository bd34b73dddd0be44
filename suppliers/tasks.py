from celery import shared_task

from .services import disclosure_reminders_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def send_disclosure_reminders():
    """Daily, from beat. Safe to run twice: the outbox keeps one reminder per key."""
    return disclosure_reminders_sweep()
