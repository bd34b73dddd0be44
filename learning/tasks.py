from celery import shared_task


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
    from .services.assessment_pdf import (
        TransientRenderError,
        assessment_pdf_fail,
        assessment_pdf_generate,
    )

    try:
        assessment_pdf_generate(assessment_id)
    except TransientRenderError as error:
        if self.request.retries >= self.max_retries:
            assessment_pdf_fail(assessment_id, str(error))
            return
        raise self.retry(exc=error, countdown=2 ** (self.request.retries + 2)) from error
