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
    """Daily, from beat. Safe to run twice or after a crash: the reminder ledger holds one
    row per disclosure, due date, step and recipient, written with the e-mails. A day beat
    missed is caught up by the next run: the latest step that fell due since the last sweep
    goes out once, late, and the ones it superseded are recorded, never sent."""
    return disclosure_reminders_sweep()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=900,
    soft_time_limit=840,
    ignore_result=True,
)
def run_disclosure_upload(upload_id: int):
    """Check and save a large disclosure upload. Guarded by the upload's status, so a
    redelivered task imports nothing twice; any failure ends as `failed` with a message."""
    from .disclosure_uploads import disclosure_upload_run

    disclosure_upload_run(upload_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def clean_disclosure_uploads():
    """Daily, from beat: uploads' records (and any file left) after their retention."""
    from .disclosure_uploads import disclosure_uploads_clean

    return disclosure_uploads_clean()
