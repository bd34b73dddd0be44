"""Capacity building's periodic work, started by beat; each task is safe to run twice."""

from celery import shared_task

from core.pdf import TransientRenderError

from .services.assessment_pdf import assessment_pdf_fail, assessment_pdf_generate
from .services.community_digest import community_digests_send
from .services.event_reminders import event_reminders_sweep

DAILY_SWEEP = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 600,
    "soft_time_limit": 540,
    "ignore_result": True,
}


@shared_task(**DAILY_SWEEP)
def send_community_digests():
    """Daily, from beat: this week's peer-learning digests not sent yet. Safe to run twice or
    after a crash: one digest per member and ISO week (a unique row and the outbox key); a
    digest day missed by beat is caught up the next day."""
    return community_digests_send()


@shared_task(**DAILY_SWEEP)
def send_event_reminders():
    """Daily, from beat. Safe to run twice or after a crash: the reminder ledger holds one
    row per event, day and person, written with the e-mail; a day beat missed is caught up
    by the next run while the event has not started."""
    return event_reminders_sweep()


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    max_retries=3,
    ignore_result=True,
)
def render_assessment_pdf(self, assessment_id: int):
    """Idempotent: the assessment's PDF status guards it, so a redelivered task renders
    nothing twice. Transient failures are retried with backoff; a missing row is not."""
    try:
        assessment_pdf_generate(assessment_id)
    except TransientRenderError as error:
        if self.request.retries >= self.max_retries:
            assessment_pdf_fail(assessment_id, str(error))
            return
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 2)) from error
