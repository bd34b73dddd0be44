"""The e-mail outbox: queue inside the writer's transaction, send from a Celery task."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from email.mime.text import MIMEText

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .email import RenderedEmail, as_message, render_templates
from .models import OutboxEmail

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Attachment:
    """A text file sent with the e-mail, such as a calendar invitation. `mimetype` may carry
    parameters: "text/calendar; method=REQUEST"."""

    filename: str
    mimetype: str
    content: str

    def as_json(self) -> dict:
        return {"filename": self.filename, "mimetype": self.mimetype, "content": self.content}


@dataclass(frozen=True)
class Message:
    key: str
    recipient: str
    template_prefix: str  # e.g. "suppliers/email/disclosure_reminder"
    context: dict
    language: str
    attachments: tuple[Attachment, ...] = ()


def render(message: Message) -> OutboxEmail:
    email = render_templates(message.template_prefix, message.context, message.language)
    return OutboxEmail(
        key=message.key[:200],
        recipient=message.recipient,
        subject=email.subject[:300],
        body_text=email.text,
        body_html=email.html,
        attachments=[attachment.as_json() for attachment in message.attachments],
    )


def outbox_enqueue(messages: list[Message], *, skip_known: bool = True) -> int:
    """Queue messages whose key is new; returns how many were queued. Sent after commit.

    `skip_known` first looks up which keys are queued already, to save rendering them;
    callers whose keys are new by construction (the reminder ledger) pass False. Either
    way the rows go in as one statement, and a key queued meanwhile is simply skipped.
    """
    if not messages:
        return 0
    if skip_known:
        keys = [m.key[:200] for m in messages]
        known = set(OutboxEmail.objects.filter(key__in=keys).values_list("key", flat=True))
        messages = [m for m in messages if m.key[:200] not in known]
    rows = _render_all(messages)
    if not rows:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_SQL.format(table=OutboxEmail._meta.db_table),
            [
                OutboxEmail.Status.PENDING,
                [row.key for row in rows],
                [row.recipient for row in rows],
                [row.subject for row in rows],
                [row.body_text for row in rows],
                [row.body_html for row in rows],
                [json.dumps(row.attachments) for row in rows],
            ],
        )
        created = len(cursor.fetchall())
    if created:
        from .tasks import send_outbox

        transaction.on_commit(send_outbox.delay)
    return created


def _render_all(messages: list[Message]) -> list[OutboxEmail]:
    """Messages that share one context object, template and language say the same thing
    (a digest for each member of an affiliate, say): they are rendered once."""
    rendered: dict[tuple[str, str, int], OutboxEmail] = {}
    rows = []
    for message in messages:
        shared = (message.template_prefix, message.language, id(message.context))
        first = rendered.get(shared)
        if first is None:
            rows.append(rendered.setdefault(shared, render(message)))
        else:
            rows.append(
                OutboxEmail(
                    key=message.key[:200],
                    recipient=message.recipient,
                    subject=first.subject,
                    body_text=first.body_text,
                    body_html=first.body_html,
                    attachments=[attachment.as_json() for attachment in message.attachments],
                )
            )
    return rows


# One INSERT for any number of rows (bulk_create would need one per batch).
_INSERT_SQL = """
INSERT INTO {table} (key, recipient, subject, body_text, body_html, attachments, status,
                     attempts, last_error, created_at)
SELECT k, r, s, t, h, a::jsonb, %s, 0, '', now()
  FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
       AS u(k, r, s, t, h, a)
ON CONFLICT (key) DO NOTHING
RETURNING id
"""


def _mime_part(attachment: dict) -> MIMEText:
    """A text attachment with the parameters of its type (`method=REQUEST` tells mail clients
    that a calendar file is an invitation)."""
    mimetype, *parameters = (part.strip() for part in attachment["mimetype"].split(";"))
    maintype, subtype = mimetype.split("/", 1)
    if maintype != "text":
        raise ValueError(f"Only text attachments go through the outbox, not {mimetype}.")
    part = MIMEText(attachment["content"], subtype, "utf-8")
    for parameter in parameters:
        name, _sep, value = parameter.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def outbox_send_pending(*, limit: int = 200) -> int:
    """Send what is waiting; returns how many were sent. Safe to run concurrently."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxEmail.Status.PENDING)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .order_by("created_at", "pk")[:limit]
        )
        for row in rows:
            row.lease_until = now + LEASE
            row.attempts += 1
        OutboxEmail.objects.bulk_update(rows, ["lease_until", "attempts"])
    sent = 0
    for row in rows:
        message = as_message(
            RenderedEmail(row.subject, row.body_text, row.body_html), to=[row.recipient]
        )
        for attachment in row.attachments:
            message.attach(_mime_part(attachment))
        try:
            message.send()
        except Exception as error:
            failed = row.attempts >= MAX_ATTEMPTS
            OutboxEmail.objects.filter(pk=row.pk).update(
                last_error=str(error)[:500],
                status=OutboxEmail.Status.FAILED if failed else OutboxEmail.Status.PENDING,
            )
            logger.warning("outbox: sending %s failed (attempt %s)", row.pk, row.attempts)
            continue
        OutboxEmail.objects.filter(pk=row.pk).update(
            status=OutboxEmail.Status.SENT, sent_at=timezone.now(), lease_until=None
        )
        sent += 1
    return sent
