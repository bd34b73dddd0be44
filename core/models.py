"""Models that know no domain: the e-mail outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEmail(models.Model):
    """An e-mail to send, at most once per key (kind, object, recipient, period).

    Writers add rows inside their transaction; a Celery task leases pending rows, sends them
    and marks them sent. A worker that dies mid-send leaves its lease to expire, and the row
    is sent by the next run: nothing is lost, and the unique key stops a sweep that runs twice
    from queueing the same reminder again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")
        indexes = [models.Index(fields=["status", "lease_until"], name="outbox_pending")]

    def __str__(self):
        return f"{self.key} → {self.recipient}"
