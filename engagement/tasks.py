from celery import shared_task

from .services.replies import rights_of_reply_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def sweep_rights_of_reply():
    """Daily, from beat: records the rights of reply whose deadline passed without an answer
    and reminds company contacts of the deadlines ahead. Safe to run twice: the lapse is
    recorded once, and the reminder ledger holds one row per deadline, step and contact."""
    return rights_of_reply_sweep()
