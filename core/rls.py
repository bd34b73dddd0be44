"""Tenancy in the database too: PostgreSQL row-level security on every tenant-owned table.

django-scopes filters tenant-owned models in Python (affiliates/tenancy.py). Row-level
security makes PostgreSQL refuse the same rows when the Python side forgets: a raw query, a
`_base_manager`, a join from a model that is not scoped.

- Every table of a model whose default manager is django-scopes' `ScopedManager` on
  `affiliate`, and the audit-event table of each, gets the policy `ew_tenant`: a row is seen,
  and may be written, only when its `affiliate_id` is among the affiliates of the session
  setting `ew.tenant`, or when that setting is `bypass`. `sync_policies()` keeps them in place
  after every `migrate`.
- `ew.tenant` follows django-scopes' state, looked at before each query (the database
  backend `core.db` runs `tenant_guard` around every query and sets the value only when it
  changes): inside `scope(affiliate=...)` that affiliate; inside `scopes_disabled()` a bypass;
  anywhere else nothing at all. Requests, Celery tasks and management commands thus get the
  affiliate the code already names for django-scopes, and a query outside any scope sees no
  tenant's rows.
- A bypass is how EW staff pages and cross-tenant jobs (reminders, retention, reports across
  affiliates) read tenant rows; it is logged on the `ew.tenancy` logger once per request or
  task, with the code that asked for it.
- The application connects as a role that owns no table and is no superuser (DATABASE_URL);
  `manage.py migrate` connects as the owner (DATABASE_OWNER_URL), creates the application's
  role if it can, and grants it the rights it needs (see `core/management/commands/migrate.py`).
  A table's owner is not bound by its policies, so migrations are not either.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models
from django_scopes import scopes_disabled
from django_scopes.state import get_scope

log = logging.getLogger("ew.tenancy")

SETTING = "ew.tenant"
BYPASS = "bypass"
NOTHING = ""
POLICY = "ew_tenant"
DIMENSION = "affiliate"
TRANSACTION_CONTROL = ("SAVEPOINT ", "ROLLBACK ", "RELEASE SAVEPOINT ")

# The request or task being served, for the bypass log: {"name": ..., "logged": bool}.
_unit: ContextVar[dict | None] = ContextVar("ew_rls_unit", default=None)
_unlogged: ContextVar[bool] = ContextVar("ew_rls_unlogged", default=False)


# --- What the session should see -----------------------------------------------------------


def wanted() -> str:
    """The value of `ew.tenant` that django-scopes' current state asks for."""
    state = get_scope()
    if getattr(settings, "SCOPES_DISABLED", False) or state.get("_enabled", True) is False:
        return BYPASS
    if DIMENSION not in state:
        return NOTHING
    return _affiliate_ids(state[DIMENSION])


def _affiliate_ids(value) -> str:
    """`scope(affiliate=...)` takes an affiliate, its id, or a list of either."""
    values = value if isinstance(value, list | tuple | set | frozenset) else [value]
    ids = []
    for item in values:
        if item is None:
            continue
        pk = item.pk if isinstance(item, models.Model) else item
        if isinstance(pk, bool) or not isinstance(pk, int | str) or not str(pk).isdigit():
            raise TypeError(f"scope(affiliate=...) takes affiliates or their ids, not {item!r}")
        ids.append(str(int(pk)))
    return ",".join(ids)


def tenant_guard(execute, sql_text, params, many, context):
    """Execute wrapper of every connection (core/db/base.py): set `ew.tenant` first if the
    scope changed since the connection last set it."""
    connection = context["connection"]
    if isinstance(sql_text, str) and sql_text.startswith(TRANSACTION_CONTROL):
        # Savepoints need no tenant, and after a failed statement only a rollback may run.
        return execute(sql_text, params, many, context)
    value = wanted()
    changed = connection.ew_tenant != value
    if changed:
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, false)", [SETTING, value])
        connection.ew_tenant = value
    if value == BYPASS and not _unlogged.get():
        _log_bypass(changed)
    return execute(sql_text, params, many, context)


# --- Units of work and the bypass log -------------------------------------------------------


@contextmanager
def unit_of_work(name: str):
    """A request or a task: its bypass, if any, is logged once under this name."""
    token = _unit.set({"name": name, "logged": False})
    try:
        yield
    finally:
        _unit.reset(token)


def start_unit(name: str):
    """For Celery's prerun/postrun signals, which cannot hold a `with` block."""
    return _unit.set({"name": name, "logged": False})


def end_unit(token) -> None:
    with suppress(ValueError):  # a token of another context: nothing of ours to undo
        _unit.reset(token)


@contextmanager
def unlogged_bypass():
    """`scopes_disabled()` for a lookup that reads no tenant's data for anyone: the signed-in
    user's own memberships, looked up on every affiliate page. Not logged, or every request
    would be."""
    token = _unlogged.set(True)
    try:
        with scopes_disabled():
            yield
    finally:
        _unlogged.reset(token)


def _log_bypass(changed: bool) -> None:
    """Once per request or task; outside them (a management command), at each switch."""
    unit = _unit.get()
    if unit is None and not changed:
        return
    if unit is not None:
        if unit["logged"]:
            return
        unit["logged"] = True
    log.info(
        "row-level security bypassed: %s, asked by %s",
        unit["name"] if unit else "outside any request or task",
        _caller(),
    )


_PROJECT = Path(settings.BASE_DIR).resolve()
_NOT_CALLERS = (str(Path(__file__).resolve()), str(_PROJECT / "core" / "db"))


def _caller() -> str:
    """The first frame of our own code below Django's: the view or service that asked."""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if (
            filename.startswith(str(_PROJECT))
            and "/.venv/" not in filename
            and not filename.startswith(_NOT_CALLERS)
        ):
            relative = Path(filename).relative_to(_PROJECT)
            return f"{relative}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return "-"


class RowSecurityMiddleware:
    """Each request is a unit of work for the bypass log. (The scope itself comes from
    `affiliates.tenancy.TenantMiddleware` and the API mixins, through django-scopes.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with unit_of_work(f"request {request.method} {_view_name(request)}"):
            return self.get_response(request)


def _view_name(request) -> str:
    """The view's name, not the path: a path may hold an invitation or receipt token."""
    from .routing import match_of

    match = match_of(request)
    return "(no view)" if match is None else match.view_name


# --- Policies and the application's role (run by `migrate`, as the owner) ------------------


# Database views that cross tenants on purpose: {view name: function returning the queryset
# whose SQL the view runs}. See `cross_tenant_view`.
_VIEWS: dict = {}


def cross_tenant_view(model, queryset):
    """Declare `model` (unmanaged, `db_table` = the view) a view over tenant tables that every
    reader's query may join: `migrate` (re)creates it as the owner from `queryset()`'s SQL, so
    PostgreSQL reads the tables through it with the owner's rights, past the policies.

    For the few facts the visibility rules need across tenants (which affiliates have a site in
    their supply chain); the rule stays written once, in Python. What a view shows is thereby
    readable by the application whatever the scope: keep it to ids."""
    _VIEWS[model._meta.db_table] = queryset


# Tables that only PostgreSQL writes (triggers running as the owner): the application's
# role may read them, never write them. See `read_only_table`.
_READ_ONLY: set[str] = set()


def read_only_table(model) -> None:
    """Declare `model`'s table written by triggers only (SECURITY DEFINER, as the owner): the
    application's role gets SELECT on it and no more, so no code path can make it wrong."""
    _READ_ONLY.add(model._meta.db_table)


def drop_views(connection) -> None:
    """Before migrating: a view would stop a migration from changing a column it reads."""
    with connection.cursor() as cursor:
        for name in _VIEWS:
            cursor.execute(f"DROP VIEW IF EXISTS {connection.ops.quote_name(name)}")


def create_views(connection) -> list[str]:
    from django_scopes import scopes_disabled

    with connection.cursor() as cursor:
        for name, queryset in _VIEWS.items():
            with scopes_disabled():
                query_sql, params = queryset().query.get_compiler(connection=connection).as_sql()
            body = cursor.cursor.mogrify(query_sql, params).decode()
            cursor.execute(f"DROP VIEW IF EXISTS {connection.ops.quote_name(name)}")
            cursor.execute(f"CREATE VIEW {connection.ops.quote_name(name)} AS {body}")
    return sorted(_VIEWS)


def tenant_tables() -> list[str]:
    """Tables of tenant-owned models (scoped on `affiliate`) and of their audit events."""
    tables = []
    scoped = set()
    for model in apps.get_models():
        if _is_scoped_on_affiliate(model):
            scoped.add(model)
            tables.append(model._meta.db_table)
    for model in apps.get_models():
        obj = _field(model, "pgh_obj")
        if obj is not None and obj.related_model in scoped and _field(model, DIMENSION):
            tables.append(model._meta.db_table)
    return sorted(tables)


def _is_scoped_on_affiliate(model) -> bool:
    """Declared with django-scopes' `ScopedManager(affiliate="affiliate")`, as every
    tenant-owned model of the platform is (affiliates/tenancy.py)."""
    manager = model._default_manager
    return type(manager).__module__ == "django_scopes.manager" and bool(_field(model, DIMENSION))


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


POLICY_CONDITION = (
    "current_setting('ew.tenant', true) = 'bypass' OR affiliate_id = ANY ("
    "string_to_array(nullif(current_setting('ew.tenant', true), 'bypass'), ',')::bigint[])"
)


def sync_policies(connection) -> list[str]:
    """Enable row-level security with the `ew_tenant` policy on every tenant table; idempotent."""
    with connection.cursor() as cursor:
        # Only tables that exist with their column: `migrate` back to an older state leaves
        # some out.
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND column_name = 'affiliate_id' "
            "AND table_name = ANY(%s)",
            [tenant_tables()],
        )
        tables = sorted(row[0] for row in cursor.fetchall())
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {name}")
            cursor.execute(
                f"CREATE POLICY {POLICY} ON {name} "
                f"USING ({POLICY_CONDITION}) WITH CHECK ({POLICY_CONDITION})"
            )
    return tables


def grant_application_role(connection, role: str) -> bool:
    """Let the application's role read and write every table (through the policies), and
    nothing more: no DDL, no TRUNCATE, no ownership. False when the role does not exist."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            return False
        ident = connection.ops.quote_name(role)
        for statement in (
            "GRANT USAGE ON SCHEMA public TO {}",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}",
        ):
            cursor.execute(statement.format(ident))
        # (Those that exist: `migrate` back to an older state leaves some out.)
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            [sorted(_READ_ONLY)],
        )
        for (table,) in sorted(cursor.fetchall()):
            cursor.execute(
                f"REVOKE INSERT, UPDATE, DELETE ON {connection.ops.quote_name(table)} FROM {ident}"
            )
    return True


def ensure_application_role(connection, role: str, password: str | None) -> str:
    """Create the application's login role if it is missing and the owner may create roles.

    Returns what happened, for `migrate`'s output. An existing role is left as it is (its
    password too): in production the database administrator may have made it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is not None:
            if any(row):
                raise RuntimeError(
                    f"The application's database role {role!r} is a superuser or bypasses "
                    "row-level security: give the application a role without either."
                )
            return "exists"
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        if not cursor.fetchone()[0]:
            return "missing"
        statement = "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"
        statement = statement.format(connection.ops.quote_name(role))
        if password:
            cursor.execute(statement + " PASSWORD %s", [password])
        else:
            cursor.execute(statement)
    return "created"


@contextmanager
def as_owner(alias: str = "default"):
    """Connect as the owner of the tables (DATABASE_OWNER_URL) for the duration: for `migrate`
    and for the tests' own set-up. Nothing changes when one role does both."""
    from django.db import connections

    connection = connections[alias]
    current = {key: connection.settings_dict.get(key, "") for key in ("USER", "PASSWORD")}
    owner = settings.DATABASE_OWNER
    if not owner["USER"] or owner["USER"] == current["USER"]:
        yield connection
        return
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(current)
