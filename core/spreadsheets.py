"""CSV and XLSX downloads, shared by every export of the platform.

Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (and, in some of them, a
tab or carriage return) as a formula, so a contract title typed by anyone could run one on the
reader's machine (OWASP "CSV injection"). `safe_cell()` makes such a cell plain text by putting
an apostrophe in front of it; both responses apply it to every cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_FILENAME_FORBIDDEN = re.compile(r"[^A-Za-z0-9._-]+")


def safe_cell(value):
    """The value, with text that a spreadsheet would run as a formula turned into plain text."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """Mark a response as a download with a safe file name."""
    safe_name = _FILENAME_FORBIDDEN.sub("-", filename).strip("-.") or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _text(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    """A CSV download (UTF-8 with a byte-order mark, so that Excel reads accents right)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow([_text(safe_cell(value)) for value in header])
    for row in rows:
        writer.writerow([_text(safe_cell(value)) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


class _Echo:
    """A file that hands back what is written to it, for csv.writer to format one row."""

    def write(self, value: str) -> str:
        return value


def csv_streaming_response(
    filename: str, header: Sequence, rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """`csv_response` for long lists: rows are formatted and sent as they are read, so a
    hundred thousand of them never sit in memory at once."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)

    def lines():
        yield "\ufeff" + writer.writerow([_text(safe_cell(value)) for value in header])
        for row in rows:
            yield writer.writerow([_text(safe_cell(value)) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


def _xlsx_value(value):
    value = safe_cell(value)
    if isinstance(value, str):
        # openpyxl refuses control characters that XML 1.0 cannot carry.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_xlsx(file, sheet_title: str, header: Sequence, rows: Iterable[Sequence]) -> None:
    """Write an XLSX workbook to `file` with openpyxl's write-only workbook (constant memory
    per row): a bold, frozen header row, text cells that never run as formulas."""
    write_xlsx_sheets(file, [(sheet_title, header, rows)])


def write_xlsx_sheets(file, sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]]) -> None:
    """`write_xlsx` with several sheets: (title, header, rows) each, written in turn."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_title, header, rows in sheets:
        title = _SHEET_TITLE_FORBIDDEN.sub(" ", str(sheet_title)).strip()[:31] or "Sheet1"
        sheet = workbook.create_sheet(title=title)
        sheet.freeze_panes = "A2"
        header_cells = []
        for value in header:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula, whatever it looks like
                if isinstance(value, date) and not isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    workbook.save(file)


def write_csv(file, header: Sequence, rows: Iterable[Sequence]) -> None:
    """Write a CSV (text file, UTF-8 with a byte-order mark) with safe cells to `file`."""
    file.write("\ufeff")
    writer = csv.writer(file, quoting=csv.QUOTE_ALL)
    writer.writerow([_text(safe_cell(value)) for value in header])
    for row in rows:
        writer.writerow([_text(safe_cell(value)) for value in row])


def xlsx_response(
    filename: str, sheet_title: str, header: Sequence, rows: Iterable[Sequence]
) -> HttpResponse:
    """An XLSX download written with openpyxl's write-only workbook (constant memory per row)."""
    buffer = io.BytesIO()
    write_xlsx(buffer, sheet_title, header, rows)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    return attachment(response, filename)
