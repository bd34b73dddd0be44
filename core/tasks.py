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


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def run_export(job_id: str):
    """Write a long list's export; guarded by the job's status (a redelivery does nothing)."""
    from .exports import export_run

    export_run(job_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def clean_exports():
    """Hourly, from beat: expired exports and their files."""
    from .exports import exports_clean

    return exports_clean()
