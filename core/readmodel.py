"""Read models cached until the domain data change, exactly.

The dashboards, the risk views and the figures of the compliance reports aggregate tens of
thousands of rows for a large affiliate. Their inputs change a few times an hour (a report
published, a disclosure accepted, an action closed) and are read far more often, so their
results are kept in the cache under the *generation* of the domain data:

- every table of the domain apps (`DOMAIN_APPS`, except those declared with `not_an_input`)
  carries the statement trigger `ew_readmodel_changed` (`sync_triggers()`, after every
  `migrate`, like the row-level security policies): whatever writes it (a service, a queryset
  `update()`, an import's COPY, the admin, a raw query), the transaction's commit gives the
  single row of `core_readmodel_generation` a new random token (core migration 0008);
- `cached(name, parts, compute)` reads the token (one query) and keys the result by it, the
  name and the parts (the reader's tenant, the language, the date: whatever the result depends
  on besides the data). A result computed while a write commits is stored under the old token,
  which nobody reads again, so no reader is ever served data older than its own read of the
  token;
- inside a transaction that has itself written domain data (tests, a view that writes then
  reads), nothing is read from or written to the cache: the token changes only at commit;
- a page that reads several entries reads the token once (`one_generation()`, around the
  reading of a view that writes nothing): its entries are then of one generation too.

A cached value is never shared between tenants: the caller puts the tenant in `parts`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection

log = logging.getLogger("ew.readmodel")

T = TypeVar("T")
TRIGGER = "ew_readmodel_changed"
DOMAIN_APPS = (
    "affiliates",
    "suppliers",
    "monitoring",
    "grievances",
    "remediation",
    "engagement",
    "learning",
    "reports",
)
TIMEOUT = 24 * 3600  # a day: entries of old generations expire on their own
_NOT_INPUTS: set[str] = set()
# The token read in the current `one_generation()` block: [] until read, then [token].
_HELD: ContextVar[list | None] = ContextVar("ew_readmodel_generation", default=None)


def not_an_input(model) -> None:
    """Declare that no cached read model reads `model`'s table (written on every login or page
    view, say), so that writing it keeps the cache."""
    _NOT_INPUTS.add(model._meta.db_table)


def input_tables() -> list[str]:
    """The tables whose writes renew the generation: every model of the domain apps, their
    many-to-many tables included, except history events and those declared not inputs."""
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.app_label not in DOMAIN_APPS or not meta.managed or meta.proxy:
            continue
        if _is_history_event(model) or meta.db_table in _NOT_INPUTS:
            continue
        tables.add(meta.db_table)
    return sorted(tables)


def _is_history_event(model) -> bool:
    try:
        model._meta.get_field("pgh_obj")
    except Exception:
        return False
    return True


def sync_triggers(connection) -> list[str]:
    """Put the statement trigger on every input table that exists; idempotent."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'core_readmodel_changed'")
        if cursor.fetchone() is None:  # migrated back before core 0008
            return []
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' "
            "AND table_name = ANY(%s)",
            [input_tables()],
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {name}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION core_readmodel_changed()"
            )
    return tables


def renew_generation(connection) -> None:
    """Give the generation a new token. `migrate` calls it, so that each release starts with an
    empty cache: a result kept by the previous release's code (rows rendered with its markup, a
    figure computed by its rules) is never served by the new one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('core_readmodel_generation') IS NOT NULL")
        if not cursor.fetchone()[0]:  # migrated back before core 0008
            return
        cursor.execute(
            "INSERT INTO core_readmodel_generation (id, token) VALUES (1, gen_random_uuid()) "
            "ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token"
        )


def generation() -> str | None:
    """The current token, or None when results must not be cached: this transaction has
    written domain data, or the generation row is missing (a flushed test database)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT token::text FROM core_readmodel_generation WHERE id = 1), "
            "current_setting('ew.readmodel_dirty', true)"
        )
        token, dirty = cursor.fetchone()
    if token is None or dirty == "on":
        return None
    return token


@contextmanager
def one_generation():
    """Inside the block (or the function it decorates), the token is read once, by the first
    `cached()`, and every other entry is keyed by it: one query instead of one per entry, and
    the block's results all of one generation. Only around reading that writes no domain data
    (a page's, an API list's): a write inside the block would not be seen by the next
    `cached()`, which would serve the generation read before it. A nested block shares the
    outer one's token."""
    if _HELD.get() is not None:
        yield
        return
    held = _HELD.set([])
    try:
        yield
    finally:
        _HELD.reset(held)


def _token() -> str | None:
    """`generation()`, read once per `one_generation()` block."""
    held = _HELD.get()
    if held is None:
        return generation()
    if not held:
        held.append(generation())
    return held[0]


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, or its result for the same name and parts at the current generation."""
    if not settings.EW_READMODEL_CACHE:
        return compute()
    token = _token()
    if token is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"readmodel:{name}:{token}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
