"""Disclosure uploads: a contractor's list of production sites as a CSV or XLSX file.

Everything is read and checked before anything is written: a file with one bad row changes
nothing and comes back with a per-row error report (DESIGN.md §8). A good file is saved in one
transaction, its sites matched to the shared factory registry, its lines upserted by key so
that uploading a corrected file again updates lines instead of adding them twice.

Reading the file is `import_files`, checking its rows `import_rows`; this module saves them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope

from core.errors import DomainError

from .import_files import read_disclosure_rows
from .import_rows import RowError, check_rows
from .matching import SiteInput, match_sites_with_counts
from .models import Disclosure, DisclosureLine

if TYPE_CHECKING:
    from affiliates.models import User

audit_log = logging.getLogger("ew.audit")

LINE_BATCH_SIZE = 2000
# How often reading tells its progress (`Progress`), in rows.
READ_PROGRESS_EVERY = 1000

# Told the stage ("read", "matched" or "saved") and how many rows have passed it so far.
Progress = Callable[[str, int], None]


class DisclosureImportRejected(DomainError):
    """Some rows are wrong: nothing was saved; `errors` says where and why."""

    def __init__(self, errors: list[RowError], stopped_at_row: int | None = None):
        count = len(errors)
        if stopped_at_row is None:
            message = ngettext(
                "The file has %(count)d error; nothing was imported. "
                "Correct it and upload the file again.",
                "The file has %(count)d errors; nothing was imported. "
                "Correct them and upload the file again.",
                count,
            ) % {"count": count}
        else:
            message = ngettext(
                "Checking stopped at row %(row)d after %(count)d error; nothing was imported. "
                "Correct the file and upload it again.",
                "Checking stopped at row %(row)d after %(count)d errors; nothing was imported. "
                "Correct the file and upload it again.",
                count,
            ) % {"count": count, "row": stopped_at_row}
        super().__init__(message, field="file")
        self.errors = errors
        self.stopped_at_row = stopped_at_row


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    factories_created: int
    reviews_created: int


# --- Saving ------------------------------------------------------------------------------


def disclosure_import(
    *,
    disclosure: Disclosure,
    file: IO[bytes],
    by: User | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Save an uploaded list of sites to the disclosure: all rows, or none and the reasons.

    Raises `DisclosureFileError` when the file cannot be read, `DisclosureImportRejected` with
    every row error when some rows are wrong, `DomainError` when the disclosure is accepted.
    `progress` hears how far reading, matching and saving got (a background upload's bar).
    """
    refuse_if_accepted(disclosure.status)
    # Rows are read as they are checked: a hopeless file is not read to its end.
    rows = read_disclosure_rows(file)
    if progress is not None:
        rows = _counting(rows, progress)
    return _save_rows(disclosure=disclosure, rows=rows, by=by, progress=progress)


def _counting(rows: Iterator[dict[str, Any]], progress: Progress) -> Iterator[dict[str, Any]]:
    count = 0
    for count, row in enumerate(rows, start=1):
        if count % READ_PROGRESS_EVERY == 0:
            progress("read", count)
        yield row
    progress("read", count)


def disclosure_add_rows(
    *, disclosure: Disclosure, rows: list[dict[str, Any]], by: User | None = None
) -> ImportResult:
    """Lines typed in a form rather than uploaded: the same checks, the same upsert."""
    refuse_if_accepted(disclosure.status)
    return _save_rows(disclosure=disclosure, rows=rows, by=by)


def _save_rows(
    *,
    disclosure: Disclosure,
    rows: Iterable[dict[str, Any]],
    by: User | None,
    progress: Progress | None = None,
) -> ImportResult:
    checked = check_rows(rows)
    if checked.errors:
        raise DisclosureImportRejected(checked.errors, checked.stopped_at_row)
    valid = checked.valid
    del rows, checked  # the raw rows are no longer needed: free them before matching
    affiliate = disclosure.affiliate
    with scope(affiliate=affiliate), transaction.atomic():
        locked = Disclosure.objects.select_for_update().only("status").get(pk=disclosure.pk)
        refuse_if_accepted(locked.status)
        if progress is not None:
            progress("matched", 0)
        matches = match_sites_with_counts(
            [
                SiteInput(
                    name=row["site_name"],
                    address=row["address"],
                    country=row["country"],
                    region=row["region"],
                    os_id=row["os_id"],
                    function=row["function"],
                    latitude=row["latitude"],
                    longitude=row["longitude"],
                )
                for row in valid
            ],
            progress=None if progress is None else lambda done: progress("matched", done),
        )
        existing = set(
            DisclosureLine.objects.filter(disclosure=disclosure).values_list("line_key", flat=True)
        )
        for start in range(0, len(valid), LINE_BATCH_SIZE):
            batch = valid[start : start + LINE_BATCH_SIZE]
            factory_ids = matches.factory_ids[start : start + LINE_BATCH_SIZE]
            _save_lines(disclosure, affiliate.pk, zip(batch, factory_ids, strict=True), existing)
            if progress is not None:
                progress("saved", start + len(batch))
    created = sum(1 for row in valid if row["line_key"] not in existing)
    result = ImportResult(
        created=created,
        updated=len(valid) - created,
        factories_created=matches.factories_created,
        reviews_created=matches.reviews_created,
    )
    audit_log.info(
        "disclosure imported: affiliate=%s disclosure=%s by=%s created=%s updated=%s "
        "factories_created=%s reviews_created=%s",
        affiliate.slug,
        disclosure.pk,
        getattr(by, "pk", None),
        result.created,
        result.updated,
        result.factories_created,
        result.reviews_created,
    )
    return result


# Lines already in the disclosure are updated where the upload changes them, in one statement
# per batch. (An INSERT ... ON CONFLICT DO UPDATE did both in one statement, but took 40 s to
# update 50,000 lines once the audit trail's insert trigger became statement-level.)
_UPDATE_LINES_SQL = """
UPDATE {table} AS line
SET site_name = v.site_name, address = v.address, country = v.country, brand = v.brand,
    product_model = v.product_model, tier = v.tier, factory_id = v.factory_id,
    updated_at = now()
FROM unnest(%(line_key)s::text[], %(site_name)s::text[], %(address)s::text[],
            %(country)s::text[], %(brand)s::text[], %(product_model)s::text[],
            %(tier)s::smallint[], %(factory_id)s::bigint[])
     AS v(line_key, site_name, address, country, brand, product_model, tier, factory_id)
WHERE line.disclosure_id = %(disclosure)s AND line.line_key = v.line_key
  AND (line.site_name, line.address, line.country, line.brand, line.product_model, line.tier,
       line.factory_id)
      IS DISTINCT FROM (v.site_name, v.address, v.country, v.brand, v.product_model, v.tier,
                        v.factory_id)
"""


# New lines go in with one INSERT per batch from arrays: Django's bulk_create built 50,000
# model instances and their SQL for the same rows (a third of the time of saving them).
_INSERT_LINES_SQL = """
INSERT INTO {table} (affiliate_id, disclosure_id, factory_id, site_name, address, country,
                     brand, product_model, tier, line_key, created_at, updated_at)
SELECT %(affiliate)s, %(disclosure)s, v.factory_id, v.site_name, v.address, v.country,
       v.brand, v.product_model, v.tier, v.line_key, now(), now()
FROM unnest(%(line_key)s::text[], %(site_name)s::text[], %(address)s::text[],
            %(country)s::text[], %(brand)s::text[], %(product_model)s::text[],
            %(tier)s::smallint[], %(factory_id)s::bigint[])
     AS v(line_key, site_name, address, country, brand, product_model, tier, factory_id)
"""

_LINE_COLUMNS = ("line_key", "site_name", "address", "country", "brand", "product_model")


def _line_arrays(pairs: list) -> dict[str, list]:
    params = {name: [row[name] for row, _ in pairs] for name in _LINE_COLUMNS}
    params["tier"] = [row["tier"] for row, _ in pairs]
    params["factory_id"] = [factory_id for _, factory_id in pairs]
    return params


def _save_lines(disclosure: Disclosure, affiliate_id: int, rows, existing: set[str]) -> None:
    """Insert the batch's new lines, update the known ones that changed (an unchanged line is
    left alone: no write, no audit event). The disclosure is locked, so `existing` holds."""
    new, known = [], []
    for row, factory_id in rows:
        (known if row["line_key"] in existing else new).append((row, factory_id))
    table = connection.ops.quote_name(DisclosureLine._meta.db_table)
    with connection.cursor() as cursor:
        if new:
            params = _line_arrays(new)
            params.update(affiliate=affiliate_id, disclosure=disclosure.pk)
            cursor.execute(_INSERT_LINES_SQL.format(table=table), params)
        if known:
            params = _line_arrays(known)
            params["disclosure"] = disclosure.pk
            cursor.execute(_UPDATE_LINES_SQL.format(table=table), params)


def refuse_if_accepted(status: str) -> None:
    if status == Disclosure.Status.ACCEPTED:
        raise DomainError(
            _(
                "This disclosure has been accepted and can no longer be changed. Ask the "
                "affiliate to return it if the list of sites must be corrected."
            )
        )
