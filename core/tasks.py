from celery import shared_task

from .outbox import outbox_send_pending


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    ignore_result=True,
)
def send_outbox():
    """Idempotent: rows are leased and marked; a rerun sends only what is still waiting."""
    return outbox_send_pending()
