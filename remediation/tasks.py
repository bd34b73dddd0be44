from celery import shared_task

from .reminders import reminders_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def send_reminders():
    """Daily, from beat. Safe to run twice or after a crash: the reminder ledger holds one
    row per action, due date, step and recipient, written with the e-mails. A day beat
    missed is caught up by the next run: the latest step that fell due goes out once, late,
    and the ones it superseded since the last sweep are recorded, never sent."""
    return reminders_sweep()
