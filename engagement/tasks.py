"""Industry engagement's periodic work, started by beat; each task is safe to run twice."""

from celery import shared_task

from .services.performance import last_quarter_score
from .services.reminders import engagement_reminders_sweep
from .services.replies import rights_of_reply_sweep


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=900,
    soft_time_limit=840,
)
def score_last_quarter() -> int:
    """Daily, from beat: score the last closed quarter for every company not scored for it
    yet. Safe to run twice or after a crash: one score per company and quarter (a unique
    row), and a company already scored is skipped."""
    return last_quarter_score()


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
