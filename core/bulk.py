"""Many new rows of one model in one INSERT, without building a model instance per row.

`bulk_create` builds an instance and compiles every field of every row: for the ten thousand
new factories of a large disclosure upload that was most of the time of creating them. Here the
rows are dicts; the columns that vary are sent as arrays and unnested, those that do not (the
fields' defaults) once. Ids are drawn from the table's sequence first, so they come back in
the rows' order.
"""

import json
from collections.abc import Sequence
from contextlib import contextmanager
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


def copy_rows(
    model: type[Model],
    rows: Sequence[dict[str, Any]] | Sequence[Sequence[Any]],
    *,
    columns: Sequence[str] | None = None,
    fresh_ciphertexts: bool = True,
) -> list[int]:
    """Insert `rows` (field name or attname → value; other fields take their defaults) with
    one `COPY … FROM STDIN` in text format and return the new primary keys in order.

    With `columns` (field names or attnames), each row is a tuple of values in that order:
    no dict per row, for the hundreds of thousands of rows of a generated network.

    Every value is written as its field's `get_db_prep_save` would write it (arrays, JSON,
    dates, decimals, countries, encrypted texts); the plain fields of Django (numbers, texts,
    dates, booleans, keys) take a short path to the same text. Equal values of a field share
    one serialisation, except encrypted ones: each is encrypted on its own, so no two rows
    show the same token, unless `fresh_ciphertexts` is False (generated data, where equal
    made-up texts may share a token). A table under row-level security cannot be the target
    of COPY: the rows go to a temporary table first, then into the table with one
    `INSERT … SELECT`, which the policies check. Either way the database checks the
    constraints and fires the statement-level audit triggers once."""
    if not rows:
        return []
    meta = model._meta
    by_name = {}
    for f in meta.concrete_fields:
        if not f.primary_key:
            by_name[f.name] = by_name[f.attname] = f
    if columns is None:
        keys = list(dict.fromkeys(key for row in rows for key in row))
        _check_names(meta, keys, by_name)
        given = [by_name[key] for key in keys]
        rows = [tuple(row.get(key, _MISSING) for key in keys) for row in rows]
    else:
        _check_names(meta, columns, by_name)
        given = [by_name[key] for key in columns]
    if len({f.name for f in given}) != len(given):
        raise ValueError(f"{meta.label}: a field is given twice")
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    ids = _next_ids(model, len(rows))
    quote = connection.ops.quote_name
    names = [meta.pk.column, *(f.column for f in given), *(f.column for f in rest)]
    columns_sql = ", ".join(quote(c) for c in names)
    data = _CopyReader(_copy_lines(given, rest, rows, ids, fresh_ciphertexts))
    table = quote(meta.db_table)
    # Identifiers come from the model's metadata; the values travel as COPY data.
    with transaction.atomic(), connection.cursor() as cursor, connection.wrap_database_errors:
        if _has_row_security(cursor, meta.db_table):
            staging = quote(f"_copy_{meta.db_table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {table}) ON COMMIT DROP")
            cursor.copy_expert(f"COPY {staging} ({columns_sql}) FROM STDIN", data)
            insert = f"INSERT INTO {table} ({columns_sql}) SELECT {columns_sql} FROM {staging}"  # noqa: S608
            cursor.execute(insert)
            cursor.execute(f"DROP TABLE {staging}")
        else:
            cursor.copy_expert(f"COPY {table} ({columns_sql}) FROM STDIN", data)
    return ids


_MISSING = object()  # a dict row without a field that another row has: the field's default


def _check_names(meta, keys, by_name) -> None:
    unknown = set(keys) - set(by_name)
    if unknown:
        raise ValueError(f"{meta.label} has no field {', '.join(sorted(unknown))}")


def _has_row_security(cursor, table: str) -> bool:
    """Whether row-level security binds this connection's role on `table` (not its owner's)."""
    cursor.execute("SELECT row_security_active(%s::regclass)", [table])
    return cursor.fetchone()[0]


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()  # "" for a text field without one, else None


def _copy_lines(given, rest, rows, ids, fresh_ciphertexts):
    now = timezone.now()
    plan = [(_serialiser(f, fresh_ciphertexts), _default(f, now)) for f in given]
    # The fields no row gives are the same on every row: serialised once.
    tail = "".join("\t" + _serialiser(f, fresh_ciphertexts)(_default(f, now)) for f in rest) + "\n"
    for pk, row in zip(ids, rows, strict=True):
        values = [str(pk)]
        for (serialise, default), value in zip(plan, row, strict=True):
            values.append(serialise(default if value is _MISSING else value))
        yield "\t".join(values) + tail


# Django's own fields whose `get_db_prep_save` hands the value to the driver as it is (or as
# its `int`/`str`): their COPY text is made directly.
_PLAIN_TYPES = {
    "AutoField": "int",
    "BigAutoField": "int",
    "BigIntegerField": "int",
    "IntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "SmallIntegerField": "int",
    "CharField": "text",
    "TextField": "text",
    "SlugField": "text",
    "EmailField": "text",
    "BooleanField": "bool",
    "DateField": "date",
}


def _plain_kind(field) -> str | None:
    """How to write a value of `field` without its `get_db_prep_save`, or None."""
    if field.is_relation:
        target = field.target_field
        return _plain_kind(target) if target is not None else None
    if not type(field).__module__.startswith("django.db.models"):
        return None  # a field of another package or of the project: its own preparation
    return _PLAIN_TYPES.get(type(field).__name__)


def _plain(kind: str):
    if kind == "int":

        def write(value):
            if value is None:
                return _NULL
            return str(value.pk if hasattr(value, "pk") else int(value))

    elif kind == "text":

        def write(value):
            return _NULL if value is None else str(value).translate(_COPY_ESCAPES)

    elif kind == "bool":

        def write(value):
            return _NULL if value is None else ("t" if value else "f")

    else:

        def write(value):
            return _NULL if value is None else value.isoformat()

    return write


def _serialiser(field, fresh_ciphertexts: bool = True):
    from core.encryption import EncryptedTextField

    def serialise(value):
        if hasattr(value, "pk") and field.is_relation:
            value = value.pk
        return _copy_text(field.get_db_prep_save(value, connection), field)

    encrypted = isinstance(field, EncryptedTextField)
    if encrypted and fresh_ciphertexts:
        return serialise
    kind = None if encrypted else _plain_kind(field)
    if kind is not None:
        return _plain(kind)
    memo: dict = {}
    array = field.get_internal_type() == "ArrayField"

    def remembered(value):
        key = tuple(value) if array and isinstance(value, list) else value
        try:
            return memo[key]
        except KeyError:
            text = memo[key] = serialise(value)
            if len(memo) > _MEMO_LIMIT:
                memo.clear()
            return text
        except TypeError:  # unhashable: a dict, a nested list
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


@contextmanager
def foreign_keys_checked_once(models: Sequence[type[Model]]):
    """Drop the foreign keys of `models`' tables for the duration, then add them back: the
    database then checks each key once over the whole table (one join) instead of one
    lookup per inserted row, the cost of most of a generated network's load. Only the owner
    of the tables may alter them; in a transaction, a failure restores the keys as they were."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])"
            " ORDER BY conrelid, conname",
            [tables],
        )
        keys = cursor.fetchall()
        # Names and definitions as the catalogue holds them; no value comes from outside.
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
