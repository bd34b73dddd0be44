from celery import shared_task

from .services import reminders_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def send_reminders():
    """Daily, from beat. Safe to run twice or after a crash: the reminder ledger and the
    outbox keys let each reminder through once per action, kind and day."""
    return reminders_sweep()
