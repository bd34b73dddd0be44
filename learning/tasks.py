from celery import shared_task

from .services.community_digest import community_digests_send

# --- Community ---


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def send_community_digests():
    """Daily, from beat: this week's peer-learning digests not sent yet. Safe to run twice or
    after a crash: one digest per member and ISO week (a unique row and the outbox key); a
    digest day missed by beat is caught up the next day."""
    return community_digests_send()
