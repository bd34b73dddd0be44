"""Many new rows of one model in one INSERT, without building a model instance per row.

`bulk_create` builds an instance and compiles every field of every row: for the ten thousand
new factories of a large disclosure upload that was most of the time of creating them. Here the
rows are dicts; the columns that vary are sent as arrays and unnested, those that do not (the
fields' defaults) once. Ids are drawn from the table's sequence first, so they come back in
the rows' order.
"""

import json
from collections.abc import Sequence
from datetime import date, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

_INSERT_SQL = "INSERT INTO {table} ({columns}) SELECT {selects} FROM unnest({arrays}) AS v({names})"


def insert_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (field name → value; other fields take their defaults) and return the new
    primary keys in order. Only fields whose values are scalars may vary between rows."""
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    varying = set(rows[0])
    unknown = varying - {f.name for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no field {', '.join(sorted(unknown))}")
    now = timezone.now()
    columns, selects, params = [quote(meta.pk.column)], ["v.id"], {}
    arrays: dict[str, list] = {}
    casts = ["%(id)s::bigint[]"]
    names = ["id"]
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(field.column))
        key = f"f{len(columns)}"
        if field.name in varying:
            if field.get_internal_type() == "ArrayField":
                raise ValueError(f"{field.name}: array fields cannot vary between rows here")
            arrays[key] = [field.get_db_prep_save(row[field.name], connection) for row in rows]
            casts.append(f"%({key})s::{field.db_type(connection)}[]")
            names.append(key)
            selects.append(f"v.{key}")
        else:
            value = (
                now
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
                else field.get_default()
            )
            params[key] = field.get_db_prep_save(value, connection)
            selects.append(f"%({key})s::{field.db_type(connection)}")
    arrays["id"] = _next_ids(model, len(rows))
    # Identifiers come from the model's metadata; every value is a parameter.
    sql = _INSERT_SQL.format(
        table=quote(meta.db_table),
        columns=", ".join(columns),
        selects=", ".join(selects),
        arrays=", ".join(casts),
        names=", ".join(names),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**params, **arrays})
    return arrays["id"]


def _next_ids(model: type[Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


# --- COPY: hundreds of thousands of rows in one statement ---------------------------------

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_NULL = "\\N"
_MEMO_LIMIT = 20_000  # distinct values remembered per field (statuses, dates, repeated texts)


def copy_rows(model: type[Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert `rows` (field name or attname → value; other fields take their defaults) with
    one `COPY … FROM STDIN` in text format and return the new primary keys in order.

    Every value goes through its field's `get_db_prep_save`, as a save would (arrays, JSON,
    dates, decimals, countries, encrypted texts), then into COPY's text form. Equal values of a
    field share one serialisation, except encrypted ones (each is encrypted on its own, so no
    two rows show the same token). A table under row-level security cannot be the target of
    COPY: the rows go to a temporary table first, then into the table with one
    `INSERT … SELECT`, which the policies check. Either way the database checks the
    constraints and fires the statement-level audit triggers once."""
    if not rows:
        return []
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    names = {f.name for f in fields} | {f.attname for f in fields}
    unknown = set().union(*(row.keys() for row in rows[:1])) - names
    if unknown:
        raise ValueError(f"{meta.label} has no field {', '.join(sorted(unknown))}")
    ids = _next_ids(model, len(rows))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in [meta.pk.column, *(f.column for f in fields)])
    data = _CopyReader(_copy_lines(fields, rows, ids))
    table = quote(meta.db_table)
    # Identifiers come from the model's metadata; the values travel as COPY data.
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        if _has_row_security(cursor, meta.db_table):
            staging = quote(f"_copy_{meta.db_table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table}) ON COMMIT DROP")
            cursor.copy_expert(f"COPY {staging} ({columns}) FROM STDIN", data)
            cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging}")  # noqa: S608
            cursor.execute(f"DROP TABLE {staging}")
        else:
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", data)
    return ids


def _has_row_security(cursor, table: str) -> bool:
    cursor.execute("SELECT relrowsecurity FROM pg_class WHERE oid = %s::regclass", [table])
    return cursor.fetchone()[0]


def _copy_lines(fields, rows, ids):
    now = timezone.now()
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        else:
            default = field.get_default()  # "" for a text field without one, else None
        serialise = _serialiser(field)
        plan.append((field.name, field.attname, default, serialise))
    for pk, row in zip(ids, rows, strict=True):
        values = [str(pk)]
        for name, attname, default, serialise in plan:
            value = row[name] if name in row else row.get(attname, default)
            values.append(serialise(value))
        yield "\t".join(values) + "\n"


def _serialiser(field):
    from core.encryption import EncryptedTextField

    def serialise(value):
        if hasattr(value, "pk") and field.is_relation:
            value = value.pk
        return _copy_text(field.get_db_prep_save(value, connection), field)

    if isinstance(field, EncryptedTextField):
        return serialise
    memo: dict = {}

    def remembered(value):
        try:
            return memo[value]
        except KeyError:
            text = memo[value] = serialise(value)
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            return text
        except TypeError:  # unhashable: a list or a dict
            return serialise(value)

    return remembered


def _copy_text(value, field) -> str:
    """A value as `get_db_prep_save` made it, in COPY's text format."""
    if value is None:
        return _NULL
    if field.get_internal_type() == "ArrayField":
        return _array_literal(value).translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, int | float | Decimal | UUID):
        return str(value)
    if isinstance(value, date | time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return "\\\\x" + bytes(value).hex()
    if hasattr(value, "dumps") and hasattr(value, "adapted"):  # psycopg2's Json adapter
        return value.dumps(value.adapted).translate(_COPY_ESCAPES)
    if isinstance(value, dict | list):
        return json.dumps(value).translate(_COPY_ESCAPES)
    raise TypeError(f"{field.model._meta.label}.{field.name}: cannot COPY {type(value).__name__}")


def _array_literal(values) -> str:
    items = []
    for item in values:
        if item is None:
            items.append("NULL")
        elif isinstance(item, list | tuple):
            items.append(_array_literal(item))
        else:
            text = item.isoformat() if isinstance(item, date | time) else str(item)
            items.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(items) + "}"


class _CopyReader:
    """A file-like view of the lines, read by `copy_expert` a block at a time."""

    def __init__(self, lines):
        self._lines = lines
        self._rest = ""

    def read(self, size: int = -1) -> str:
        parts, length = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 <= size <= length:
                break
        text = "".join(parts)
        if size < 0:
            self._rest = ""
            return text
        self._rest = text[size:]
        return text[:size]
