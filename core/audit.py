"""The audit trail: every insert, update and delete of business data, recorded by PostgreSQL.

django-pghistory installs triggers on each tracked table that copy the row into an event table
(`<Model>AuditEvent`, in the same app), so `queryset.update()`, bulk writes and raw SQL are
recorded like ORM saves. Each event points at a context (`pghistory.Context`) that says who
and what caused it: `AuditMiddleware` records the user, the request's method and path, Celery
tasks their name and id (config/celery.py), management commands their name (our commands
derive from `AuditedCommand`).

Declared in each app's models module with `track(Model, ...)`, at import time, so that
migrations see the event models and triggers. What is left out (caches, ledgers, the outbox,
counters, personal bookmarks, reference tables, tokens) is listed in README "Audit trail".

Never in an event row:
- encrypted columns (`EncryptedTextField`): the event keeps no copy of the ciphertext (it would
  outlive key rotation and retention); a separate `<field>.changed` event records only that
  the column was written with a different value;
- secrets and their digests (passwords, token digests, receipt codes) and search vectors.
"""

from __future__ import annotations

import pghistory
import pghistory.middleware
from django.core.management.base import BaseCommand

from . import rls
from .encryption import EncryptedTextField

# Columns never copied into an event, whatever the model.
NEVER_RECORDED = frozenset(
    {
        "password",
        "last_login",
        "token_digest",
        "contractor_token_digest",
        "receipt_lookup",
        "receipt_hash",
        "search_vector",
        # A factory's stored leverage (suppliers/models.py): derived, kept by triggers.
        "affiliate_count",
        "combined_value_eur",
    }
)

EVENT_MODEL_SUFFIX = "AuditEvent"
# Inserts and deletes are recorded once per statement, from its transition table: a bulk
# insert of 50,000 disclosure lines writes its events in one INSERT ... SELECT instead of
# 50,000 trigger calls, whose cost grew faster than the rows (benchmarks/disclosure_import.py:
# 32 s of a 52 s import). Updates stay per row: pghistory's statement-level update compares
# the old and new transition tables row by row and was three times slower on a re-upload.
STATEMENT = pghistory.Statement
CHANGED_SUFFIX = ".changed"


def encrypted_field_names(model) -> list[str]:
    return [f.name for f in model._meta.local_fields if isinstance(f, EncryptedTextField)]


def track(*models, inserts: bool = True) -> None:
    """Record every change to these models in the audit trail.

    `inserts=False` leaves out insert events: the anonymous grievance form and a worker's
    follow-up create rows, and an exact creation time of those would break the "coarse
    timestamps" rule (SECURITY.md); the rows carry their own coarse date.
    """
    for model in models:
        encrypted = encrypted_field_names(model)
        # Stored aggregates (`Model.STORED_AGGREGATES`) are derived, like counters: a change of
        # them alone writes no event.
        derived = set(getattr(model, "STORED_AGGREGATES", ()))
        exclude = [
            f.name
            for f in model._meta.local_fields
            if f.name in NEVER_RECORDED or f.name in encrypted or f.name in derived
        ]
        trackers = [pghistory.InsertEvent(level=STATEMENT)] if inserts else []
        trackers += [pghistory.UpdateEvent(), pghistory.DeleteEvent(level=STATEMENT)]
        trackers += [
            pghistory.UpdateEvent(
                f"{name}{CHANGED_SUFFIX}",
                condition=pghistory.AnyChange(name),
                trigger_name=f"{name}_changed",
            )
            for name in encrypted
        ]
        pghistory.track(
            *trackers,
            exclude=exclude,
            obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
            model_name=f"{model.__name__}{EVENT_MODEL_SUFFIX}",
            meta={"verbose_name": f"{model._meta.object_name} audit event"},
        )(model)


def is_tracked(model) -> bool:
    return event_model_for(model) is not None


def event_model_for(model):
    from django.apps import apps

    try:
        event_model = apps.get_model(model._meta.app_label, f"{model.__name__}{EVENT_MODEL_SUFFIX}")
    except LookupError:
        return None
    return event_model if getattr(event_model, "pgh_tracked_model", None) is model else None


def tracked_models() -> list:
    from django.apps import apps

    return [
        m.pgh_tracked_model
        for m in apps.get_models()
        if m.__name__.endswith(EVENT_MODEL_SUFFIX) and hasattr(m, "pgh_tracked_model")
    ]


def forget(model, **lookups) -> int:
    """Delete the audit events of `model` matching `lookups` on the event table
    (`pgh_obj_id=` a row, or a copied column such as `grievance_id=`): retention, the trail
    goes with the data, and so do the contexts (who, which page) no other event points at."""
    event_model = event_model_for(model)
    if event_model is None:
        return 0
    events = event_model.objects.filter(**lookups)
    contexts = set(
        events.filter(pgh_context__isnull=False).values_list("pgh_context_id", flat=True)
    )
    deleted, _ = events.delete()
    forget_contexts(contexts)
    return deleted


def forget_contexts(ids) -> int:
    """Delete these contexts unless an event still points at one (one statement, an index
    look-up per event table and context)."""
    from django.db import connection
    from pghistory.models import Context

    if not ids:
        return 0
    quote = connection.ops.quote_name
    unused = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {quote(event_model_for(m)._meta.db_table)} e"  # noqa: S608
        " WHERE e.pgh_context_id = c.id)"
        for m in tracked_models()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(Context._meta.db_table)} c "  # noqa: S608
            f"WHERE c.id = ANY(%s) AND {unused}",
            [list(ids)],
        )
        return cursor.rowcount


# URL parts that open something by themselves (a contractor's link, an invitation, a password
# reset): never kept in the trail, which outlives them.
SECRET_URL_KWARGS = frozenset({"token", "key", "uidb36", "uidb64"})


def safe_path(request) -> str:
    """The request's path with the secret parts of a link replaced by "…"."""
    from .routing import match_of

    path = request.path
    match = match_of(request)
    if match is None:
        return path
    for name, value in match.kwargs.items():
        if name in SECRET_URL_KWARGS and value:
            path = path.replace(str(value), "…")
    return path


class AuditMiddleware(pghistory.middleware.HistoryMiddleware):
    """Who and which request: the user (also when DRF authenticates it later), the method and
    the path (never the query string). Nothing for anonymous visitors of the public grievance
    pages: no exact time of a worker's visit is stored anywhere."""

    def get_context(self, request):
        user = getattr(request, "user", None)
        return {
            "user": user.pk if user is not None and user.is_authenticated else None,
            "method": request.method,
            "url": safe_path(request),
        }

    def __call__(self, request):
        user = getattr(request, "user", None)
        anonymous = user is None or not user.is_authenticated
        if anonymous and request.path.startswith("/grievances/"):
            return self.get_response(request)
        return super().__call__(request)


def task_context(task_name: str, task_id: str | None):
    """The context of a Celery task."""
    return pghistory.context(task=task_name, task_id=task_id)


def command_context(command_name: str):
    """The context of a management command."""
    return pghistory.context(command=command_name)


class AuditedCommand(BaseCommand):
    """A management command whose writes the trail attributes to it by name
    (`manage.py seed_demo` → "command seed_demo"); every command of ours derives from it.
    It is also one unit of work for row-level security's bypass log (core/rls.py)."""

    def execute(self, *args, **options):
        name = type(self).__module__.rpartition(".")[2]
        with command_context(name), rls.unit_of_work(f"command {name}"):
            return super().execute(*args, **options)
