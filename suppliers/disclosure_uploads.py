"""Large disclosure uploads, checked and saved by a Celery task with a progress bar.

A file of more than `EW_IMPORT_BACKGROUND_ROWS` rows (counted cheaply, without checking
them: the newlines of a CSV, the dimension of an XLSX sheet) is stored as a `DisclosureUpload`
and imported by `suppliers.tasks.run_disclosure_upload`; smaller files are imported in the
request as before. Either way the import is `imports.disclosure_import`: all rows or none.

While the task runs, its counts (rows read, matched, saved) go to the cache (Redis), not the
database: the import's own transaction is still open, and a progress row written inside it
would be seen by nobody until the end. Status changes and the outcome are committed to the
upload's row, outside that transaction.
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from core import audit
from core.errors import DomainError
from core.xlsx import first_sheet_row_estimate

from . import imports
from .import_files import (
    MAX_XLSX_ELEMENTS,
    XLSX_MAGIC,
    DisclosureFileError,
    read_upload,
)
from .import_rows import RowError
from .models import Disclosure, DisclosureUpload

if TYPE_CHECKING:
    from affiliates.models import User

logger = logging.getLogger(__name__)
Status = DisclosureUpload.Status

# A template row in an XLSX sheet's XML is 300 bytes or more; fewer overestimates the rows
# of a sheet without a <dimension>, which then goes to the background: no harm done.
XLSX_BYTES_PER_ROW = 100
PROGRESS_SECONDS = 24 * 60 * 60
# A task running longer than its time limit (tasks.py) died with its worker: start again.
RUNNING_FOR_AT_MOST = timedelta(minutes=16)


def row_estimate(data: bytes) -> int:
    """About how many rows after the header the file has, blank ones included; bounded
    (one pass over the bytes, or the start of the sheet's XML) and without checking any."""
    if data.startswith(XLSX_MAGIC):
        rows = first_sheet_row_estimate(
            data, bytes_per_row=XLSX_BYTES_PER_ROW, max_elements=MAX_XLSX_ELEMENTS
        )
    else:
        rows = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    return max(rows - 1, 0)


def disclosure_upload(
    *,
    disclosure: Disclosure,
    file: IO[bytes],
    by: User | None,
    via: str,
) -> imports.ImportResult | DisclosureUpload:
    """Import a small file now (its result), or queue a large one (its upload, to follow).

    Raises what `imports.disclosure_import` raises for a small file; for a large one only
    when it is too big to store or the disclosure no longer takes changes.
    """
    imports.refuse_if_accepted(disclosure.status)
    data = read_upload(file)
    rows = row_estimate(data)
    if rows <= settings.EW_IMPORT_BACKGROUND_ROWS:
        return imports.disclosure_import(disclosure=disclosure, file=io.BytesIO(data), by=by)
    return disclosure_upload_queue(
        disclosure=disclosure,
        data=data,
        file_name=getattr(file, "name", "") or "",
        rows=rows,
        by=by,
        via=via,
    )


def disclosure_upload_queue(
    *,
    disclosure: Disclosure,
    data: bytes,
    file_name: str,
    rows: int,
    by: User | None,
    via: str,
) -> DisclosureUpload:
    """Store the file and queue its import; the task starts after commit."""
    from .tasks import run_disclosure_upload

    name = _printable(file_name)[:255] or "upload"
    with scope(affiliate=disclosure.affiliate), transaction.atomic():
        upload = DisclosureUpload(
            affiliate_id=disclosure.affiliate_id,
            disclosure=disclosure,
            uploaded_by=by if by is not None and by.is_authenticated else None,
            via=via,
            file_name=name,
            rows_total=rows,
            language=_upload_language(),
        )
        upload.file.save(name, ContentFile(data), save=False)
        upload.save()
        transaction.on_commit(lambda: run_disclosure_upload.delay(upload.pk))
    logger.info(
        "disclosure upload queued: affiliate=%s disclosure=%s upload=%s rows=%s",
        disclosure.affiliate.slug,
        disclosure.pk,
        upload.pk,
        rows,
    )
    return upload


def _upload_language() -> str:
    """The request's language (page, contractor's link, portal or API), if the platform has it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def _printable(name: str) -> str:
    return "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())


# --- The task's work ----------------------------------------------------------------------


def disclosure_upload_run(upload_id: int) -> DisclosureUpload | None:
    """Import a queued upload. Returns None when there is nothing to do (missing, finished,
    or running in a live worker): a redelivered task imports nothing twice."""
    # A task knows the upload's id only: whose it is comes from the row.
    with transaction.atomic(), scopes_disabled():
        upload = (
            DisclosureUpload.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("affiliate", "disclosure", "uploaded_by")
            .filter(pk=upload_id)
            .first()
        )
        if upload is None or upload.is_finished:
            return None
        if upload.status == Status.RUNNING and (
            upload.started_at and timezone.now() - upload.started_at < RUNNING_FOR_AT_MOST
        ):
            return None
        upload.status = Status.RUNNING
        upload.started_at = timezone.now()
        upload.save(update_fields=["status", "started_at"])
    counts = {"read": 0, "matched": 0, "saved": 0}

    def progress(stage: str, done: int) -> None:
        counts[stage] = done
        cache.set(_progress_key(upload.pk), {**counts, "stage": stage}, PROGRESS_SECONDS)

    progress("read", 0)
    with translation.override(upload.language or settings.LANGUAGE_CODE):
        outcome = _import(upload, progress)
    return _finish(upload, counts, outcome)


def _import(upload: DisclosureUpload, progress) -> dict:
    """Check and save the stored file: the outcome to record, its messages translated."""
    try:
        with scope(affiliate=upload.affiliate):
            with upload.file.open("rb") as stored:
                data = stored.read()
            disclosure = Disclosure.objects.get(pk=upload.disclosure_id)
            result = imports.disclosure_import(
                disclosure=disclosure,
                file=io.BytesIO(data),
                by=upload.uploaded_by,
                progress=progress,
            )
            del data
    except imports.DisclosureImportRejected as rejected:
        outcome = {
            "status": Status.REJECTED,
            "message": rejected.message,
            "errors": [[e.row, e.column, e.message] for e in rejected.errors],
            "stopped_at_row": rejected.stopped_at_row,
        }
    except DisclosureFileError as error:
        outcome = {"status": Status.REJECTED, "message": error.message}
    except DomainError as error:
        outcome = {"status": Status.FAILED, "message": error.message}
    except Exception:
        logger.exception("disclosure upload %s failed", upload.pk)
        outcome = {
            "status": Status.FAILED,
            "message": _(
                "The file could not be imported because of an error on our side; nothing was "
                "saved. Upload it again later, or contact Electronics Watch if it happens again."
            ),
        }
    else:
        outcome = {
            "status": Status.DONE,
            "message": imported_message(result),
            "lines_created": result.created,
            "lines_updated": result.updated,
            "factories_created": result.factories_created,
            "reviews_created": result.reviews_created,
        }
    # Rendered here, in the uploader's language: lazy texts would be rendered when saved.
    outcome["message"] = str(outcome["message"])
    if "errors" in outcome:
        outcome["errors"] = [
            [row, str(column), str(text)] for row, column, text in outcome["errors"]
        ]
    return outcome


def _finish(upload: DisclosureUpload, counts: dict[str, int], outcome: dict) -> DisclosureUpload:
    """Record the outcome and the last counts; the stored file is no longer needed."""
    outcome["message"] = str(outcome["message"])[:500]
    with scopes_disabled():
        DisclosureUpload.objects.filter(pk=upload.pk).update(
            rows_read=counts["read"],
            rows_matched=counts["matched"],
            rows_saved=counts["saved"],
            finished_at=timezone.now(),
            file="",
            **outcome,
        )
        if upload.file.name:
            upload.file.storage.delete(upload.file.name)
        cache.delete(_progress_key(upload.pk))
        upload.refresh_from_db()
    logger.info(
        "disclosure upload finished: affiliate=%s disclosure=%s upload=%s status=%s",
        upload.affiliate.slug,
        upload.disclosure_id,
        upload.pk,
        upload.status,
    )
    return upload


def imported_message(result: imports.ImportResult) -> str:
    return _(
        "The file was imported: %(created)s new lines, %(updated)s updated, "
        "%(factories)s new factories."
    ) % {
        "created": result.created,
        "updated": result.updated,
        "factories": result.factories_created,
    }


# --- Reading the progress -----------------------------------------------------------------


def _progress_key(upload_id: int) -> str:
    return f"disclosure-upload-progress:{upload_id}"


def with_progress(upload: DisclosureUpload) -> DisclosureUpload:
    """The upload with its live counts while it runs (from the cache), as stored after."""
    upload.stage = ""
    upload.error_list = upload_errors(upload)
    upload.errors_id = f"upload-{upload.pk}-errors"
    if upload.status == Status.RUNNING:
        counts = cache.get(_progress_key(upload.pk)) or {}
        upload.rows_read = counts.get("read", 0)
        upload.rows_matched = counts.get("matched", 0)
        upload.rows_saved = counts.get("saved", 0)
        upload.stage = counts.get("stage", "read")
    return upload


def upload_errors(upload: DisclosureUpload) -> list[RowError]:
    return [
        RowError(row=row, column=column, message=message) for row, column, message in upload.errors
    ]


def recent_uploads(disclosure: Disclosure, **filters) -> list[DisclosureUpload]:
    """The disclosure's last few background uploads, newest first; call inside its scope."""
    uploads = DisclosureUpload.objects.filter(disclosure=disclosure, **filters).select_related(
        "uploaded_by"
    )
    return [with_progress(upload) for upload in uploads.order_by("-created_at", "-pk")[:5]]


# --- Retention ----------------------------------------------------------------------------


def disclosure_uploads_clean(*, now=None) -> int:
    """Delete the uploads older than the retention, with any file left behind (a task that
    never ran). Beat runs it daily (`suppliers.tasks.clean_disclosure_uploads`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EW_DISCLOSURE_UPLOAD_RETENTION_DAYS)
    deleted = 0
    with scopes_disabled():
        old = DisclosureUpload.objects.filter(created_at__lt=cutoff).order_by("pk")
        ids = []
        for upload in old.iterator(chunk_size=500):
            if upload.file.name:
                upload.file.storage.delete(upload.file.name)
            ids.append(upload.pk)
            deleted += 1
        old.delete()
        # The trail goes with the data: its update events hold the error list.
        audit.forget(DisclosureUpload, pgh_obj_id__in=ids)
    return deleted
