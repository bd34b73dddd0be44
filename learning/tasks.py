from celery import shared_task

from .services.event_reminders import event_reminders_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def send_event_reminders():
    """Daily, from beat. Safe to run twice or after a crash: the reminder ledger holds one
    row per event, day and person, written with the e-mail; a day beat missed is caught up
    by the next run while the event has not started."""
    return event_reminders_sweep()
