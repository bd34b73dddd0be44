"""Many new rows of one model in one INSERT, without building a model instance per row.

`bulk_create` builds an instance and compiles every field of every row: for the ten thousand
new factories of a large disclosure upload that was most of the time of creating them. Here the
rows are dicts; the columns that vary are sent as arrays and unnested, those that do not (the
fields' defaults) once. Ids are drawn from the table's sequence first, so they come back in
the rows' order.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
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
