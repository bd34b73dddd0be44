"""Every list exports: one mechanism for CSV and XLSX downloads of a list page.

A list view adds `ExportMixin` and declares its columns:

    class ContractListView(ExportMixin, AffiliateViewMixin, ListView):
        export_columns = [Column(_("Reference"), "reference"), Column(_("Value"), "value")]

(the page's own columns, in its order and with its labels: a file must never hold a field
that the page does not show to the same reader, tests/core/test_export_columns.py)
and answers `?format=csv` or `?format=xlsx` (with the page's filters) with the whole filtered
list as a file: exactly the view's `get_queryset()` (or `get_export_rows()`), so an export
never holds more than the page shows to that reader; no pagination; ISO dates and plain
decimals; cells that a spreadsheet would run as formulas made text (`core.spreadsheets`).
Invalid filters export nothing: the list comes back with a message.

A list of more than `EW_EXPORT_BACKGROUND_ROWS` rows is exported by a Celery task
(`core.tasks.run_export`): an `ExportJob` records who asked for which list with which
filters; the task replays the request as its requester (permission checks and tenant scope
included, through the hook that `affiliates` registers: `replay_context`) and writes the
file to private storage; the requester follows its progress on the job's page and downloads
it there until it expires (`exports_clean`).
"""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import BaseStorage
from django.core.files import File
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_scopes import scope, scopes_disabled
from django_scopes.state import get_scope

from .spreadsheets import (
    XLSX_CONTENT_TYPE,
    attachment,
    csv_streaming_response,
    write_csv,
    write_xlsx,
)

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("csv", "xlsx")
FORMAT_LABELS = {"csv": gettext_lazy("CSV"), "xlsx": gettext_lazy("Excel (XLSX)")}
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_CONTENT_TYPE}
# Query parameters that are not filters: the page number, the export format itself.
NOT_FILTERS = ("page", "format")
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Column:
    """One column of an export: its header and how to read its value from a row.

    `value` is an attribute path (`"contractor.name"`; a method at the end is called, so
    `"get_status_display"` works) or a function of the row.
    """

    label: Any
    value: str | Callable[[Any], Any]

    def read(self, row) -> Any:
        if callable(self.value):
            return plain(self.value(row))
        current = row
        for part in self.value.split("."):
            if current is None:
                return ""
            current = (
                current.get(part) if isinstance(current, dict) else getattr(current, part, None)
            )
            if callable(current) and not isinstance(current, models.Manager):
                current = current()
        return plain(current)


def fields(model, *paths: str) -> list[Column]:
    """Columns for model fields, headed by their verbose names: `"status"` (a field with
    choices gives its label), `"factory.name"` (through a foreign key, headed by the key's
    name), `"factory"` (the related row's text)."""
    columns = []
    for path in paths:
        meta, field = model._meta, None
        parts = path.split(".")
        for part in parts:
            field = meta.get_field(part)
            if field.is_relation and field.related_model is not None:
                meta = field.related_model._meta
        first = model._meta.get_field(parts[0])
        label = first.verbose_name if len(parts) > 1 else field.verbose_name
        if field.choices and not field.is_relation:
            value = ".".join([*parts[:-1], f"get_{parts[-1]}_display"])
        else:
            value = path
        columns.append(Column(capfirst(label), value))
    return columns


def plain(value) -> Any:
    """A value as a file holds it: text, a number, an ISO date; never a model or a lazy text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        # Local wall-clock time without an offset: openpyxl refuses aware datetimes.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date | int | float | Decimal | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, models.Manager):
        value = value.all()
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        return ", ".join(str(plain(item)) for item in value)
    return str(value)


class ExportRefused(Exception):
    """The request cannot be exported (its filters are invalid); nothing was written."""


# --- The view side -------------------------------------------------------------------------


class ExportMixin:
    """Gives a list view `?format=csv|xlsx`; put it first among the view's bases.

    Declare `export_columns` (or override `get_export_columns()` when some columns depend on
    the reader, like the page's own hidden columns). Rows are `self.object_list` for a
    `ListView`; a list-like `TemplateView` overrides `get_export_rows(context)`. The file is
    named after `export_name` (default: the URL's name) and the date.
    """

    export_columns: Sequence[Column] = ()
    export_name: str = ""

    def get_export_columns(self) -> list[Column]:
        return list(self.export_columns)

    def get_export_rows(self, context) -> Iterable:
        return self.object_list

    def get_paginate_by(self, queryset):
        if self.export_format() is not None:
            return None  # the whole list
        return super().get_paginate_by(queryset)

    def export_format(self) -> str | None:
        job = getattr(self.request, "export_job", None)
        if job is not None:
            return job.format
        fmt = self.request.GET.get("format")
        return fmt if fmt in EXPORT_FORMATS else None

    def render_to_response(self, context, **response_kwargs):
        fmt = self.export_format()
        if fmt is None:
            context["export_links"] = export_links(self.request)
            return super().render_to_response(context, **response_kwargs)
        try:
            refuse_invalid_filters(context)
        except ExportRefused as refused:
            if getattr(self.request, "export_job", None) is not None:
                raise
            messages.error(self.request, str(refused))
            return redirect(f"{self.request.path}?{filter_query(self.request)}".rstrip("?"))
        return self.export(context, fmt)

    def export(self, context, fmt: str) -> HttpResponse:
        columns = self.get_export_columns()
        rows = self.get_export_rows(context)
        job = getattr(self.request, "export_job", None)
        if job is not None:
            job_write(job, columns=columns, rows=rows)
            return HttpResponse(status=204)
        count = rows.count() if isinstance(rows, QuerySet) else len(rows)
        if count > settings.EW_EXPORT_BACKGROUND_ROWS:
            job = export_queue(self.request, fmt=fmt, rows=count, title=self.export_title())
            messages.info(
                self.request, _("This list is long: it is being exported in the background.")
            )
            return redirect(job.get_absolute_url())
        filename = export_filename(self.request, self.export_name, fmt)
        header = [str(column.label) for column in columns]
        if fmt == "xlsx":
            buffer = io.BytesIO()
            write_xlsx(buffer, self.export_title(), header, _rows(columns, rows))
            response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
            return attachment(response, filename)
        return csv_streaming_response(filename, header, _scoped(_rows(columns, rows)))

    def export_title(self) -> str:
        return self.export_name or _list_name(self.request)


def refuse_invalid_filters(context) -> None:
    """The page's filter form (`filter_form`, `filters` or `form` in its context), when bound,
    must be valid: an export of a list filtered differently from what the reader asked is worse
    than none."""
    for name in ("filter_form", "filters", "form"):
        form = context.get(name)
        if form is not None and getattr(form, "is_bound", False):
            if not form.is_valid():
                raise ExportRefused(_("Nothing was exported: correct the filters first."))
            return


def filter_query(request) -> str:
    """The request's query string without the page number and the export format."""
    query = request.GET.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    return query.urlencode()


def export_links(request) -> list[dict]:
    """The export buttons' links: this page with its filters and a format."""
    query = filter_query(request)
    return [
        {
            "format": fmt,
            "label": FORMAT_LABELS[fmt],
            "url": f"{request.path}?{query + '&' if query else ''}format={fmt}",
        }
        for fmt in EXPORT_FORMATS
    ]


def _list_name(request) -> str:
    match = getattr(request, "resolver_match", None) or resolve(request.path_info)
    return (match.url_name or "export").removesuffix("_list").replace("_", "-")


def export_filename(request, name: str, fmt: str) -> str:
    """`<list>[-<affiliate>]-<yyyy-mm-dd>.<fmt>`."""
    stem = slugify(name) if name else _list_name(request)
    affiliate = getattr(request, "affiliate", None)
    parts = [
        stem,
        affiliate.slug if affiliate is not None else "",
        timezone.localdate().isoformat(),
    ]
    return "-".join(part for part in parts if part) + f".{fmt}"


def _rows(columns: Sequence[Column], rows: Iterable) -> Iterable[list]:
    if isinstance(rows, QuerySet) and not rows._prefetch_related_lookups:
        rows = rows.iterator(chunk_size=PROGRESS_EVERY)
    for row in rows:
        yield [column.read(row) for column in columns]


def _scoped(rows: Iterable) -> Iterable:
    """A streamed response is read after the view returned, outside the tenant scope the
    middleware had set: read its rows back inside the same scope (and RLS setting)."""
    state = dict(get_scope())

    def generate():
        with scope(**state):
            yield from rows

    return generate()


# --- Background exports --------------------------------------------------------------------

# Set by `affiliates` (its AppConfig.ready): a context manager that does for a replayed
# request what the middleware does for a live one (reader, membership, tenant scope).
replay_context: Callable[[HttpRequest], AbstractContextManager] | None = None


def export_queue(request, *, fmt: str, rows: int, title: str):
    """Record an export job for this request and queue its task (after commit)."""
    from .models import ExportJob
    from .tasks import run_export

    affiliate = getattr(request, "affiliate", None)
    retention = timedelta(hours=settings.EW_EXPORT_RETENTION_HOURS)
    with _job_scope(affiliate.pk if affiliate else None), transaction.atomic():
        job = ExportJob.objects.create(
            affiliate=affiliate,
            requested_by=request.user,
            list_name=request.resolver_match.view_name[:100],
            title=str(title)[:200],
            path=request.path,
            query=filter_query(request),
            format=fmt,
            rows_total=rows,
            file_name=export_filename(request, title, fmt),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            expires_at=timezone.now() + retention,
        )
        transaction.on_commit(lambda: run_export.delay(str(job.pk)))
    logger.info(
        "export queued: job=%s list=%s user=%s rows=%s",
        job.pk,
        job.list_name,
        job.requested_by_id,
        rows,
    )
    return job


def _job_scope(affiliate_id):
    """Jobs of an affiliate are read in its scope; the others (staff, partners, companies)
    have no affiliate and are read through the bypass, always by their requester."""
    return scope(affiliate=affiliate_id) if affiliate_id else scopes_disabled()


class _NoMessages(BaseStorage):
    """A replayed request's messages go nowhere: nobody is there to read them."""

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


def _replayed_request(job) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = QueryDict(job.query)
    request.META = {"SERVER_NAME": "export", "SERVER_PORT": "443", "REQUEST_METHOD": "GET"}
    request.user = job.requested_by
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request._messages = _NoMessages(request)
    request.resolver_match = resolve(job.path)
    request.export_job = job
    return request


def export_run(job_id) -> None:
    """The task's body: replay the list request as its requester and write the file. Guarded
    by the job's status, so a redelivered task exports nothing twice."""
    from .models import ExportJob

    Status = ExportJob.Status
    with scopes_disabled():
        job = (
            ExportJob.objects.select_related("requested_by", "affiliate").filter(pk=job_id).first()
        )
        if job is None or job.status != Status.QUEUED:
            return
        ExportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING)
    try:
        with translation.override(job.language):
            request = _replayed_request(job)
            with replay_context(request):
                match = request.resolver_match
                response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 204:
            raise ExportRefused(
                _("The list could not be exported (it answered %(status)s).")
                % {"status": response.status_code}
            )
    except Exception as error:
        logger.warning("export failed: job=%s error=%r", job.pk, error)
        message = str(error) if isinstance(error, ExportRefused) else _("The export failed.")
        with scopes_disabled():
            ExportJob.objects.filter(pk=job.pk).update(
                status=Status.FAILED, message=message[:500], finished_at=timezone.now()
            )


def job_write(job, *, columns: Sequence[Column], rows: Iterable) -> None:
    """Write the rows to the job's private file, with progress, and mark it done."""
    from .models import ExportJob

    header = [str(column.label) for column in columns]
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)

    def counted():
        for done, row in enumerate(_rows(columns, rows), start=1):
            if done % PROGRESS_EVERY == 0:
                with scopes_disabled():
                    ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
            yield row

    with tempfile.TemporaryFile() as buffer:
        if job.format == "xlsx":
            write_xlsx(buffer, job.title, header, counted())
        else:
            text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
            write_csv(text, header, counted())
            text.flush()
            text.detach()
        buffer.seek(0)
        _job_done(job, total, File(buffer))


def _job_done(job, total: int, file) -> None:
    from .models import ExportJob

    with scopes_disabled():
        job.rows_total = total
        job.rows_done = total
        job.status = ExportJob.Status.DONE
        job.finished_at = timezone.now()
        job.file.save(f"export.{job.format}", file, save=False)
        job.save(update_fields=["rows_total", "rows_done", "status", "finished_at", "file"])


def exports_clean() -> int:
    """Delete expired export jobs and their files; the number deleted."""
    from .models import ExportJob

    deleted = 0
    with scopes_disabled():
        for job in ExportJob.objects.filter(expires_at__lte=timezone.now()):
            if job.file:
                job.file.delete(save=False)
            job.delete()
            deleted += 1
    if deleted:
        logger.info("exports cleaned: %s", deleted)
    return deleted


def job_url(job) -> str:
    if job.affiliate_id:
        return reverse(
            "core:export_job_affiliate",
            kwargs={"affiliate_slug": job.affiliate.slug, "pk": job.pk},
        )
    return reverse("core:export_job", kwargs={"pk": job.pk})
