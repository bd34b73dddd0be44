from celery import shared_task


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=600,
    soft_time_limit=540,
    max_retries=3,
    ignore_result=True,
)
def render_compliance_report(self, report_id: int):
    """Idempotent: the report's status guards it, so a redelivered task renders nothing
    twice. Transient failures are retried with backoff; a missing row is not retried."""
    from core.pdf import TransientRenderError

    from .compliance import compliance_report_fail, compliance_report_generate

    try:
        compliance_report_generate(report_id)
    except TransientRenderError as error:
        if self.request.retries >= self.max_retries:
            compliance_report_fail(report_id, str(error))
            return
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 2)) from error


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    ignore_result=True,
)
def schedule_compliance_reports():
    """Daily, from beat; acts only on EW_ANNUAL_REPORT_DATE, once per affiliate and year."""
    from .compliance import compliance_reports_schedule

    return compliance_reports_schedule()
