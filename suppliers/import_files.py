"""The files of a disclosure upload: reading a contractor's CSV or XLSX into rows keyed by
template column, and the templates offered for download.

Nothing here checks the values (`import_rows`) or saves them (`imports`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.xlsx import XlsxError, first_sheet_rows

MAX_FILE_SIZE = 20 * 1024 * 1024
# An XLSX is a ZIP: 20 MB of it may unpack to far more. About 100,000 rows of the template
# saved by Excel unpack to 50 MB; longer lists go as CSV (the XLSX error messages say so).
MAX_XLSX_UNPACKED_SIZE = 50 * 1024 * 1024
# Every XML element of the workbook costs parsing time, empty or not: two per filled cell
# and one per row, so 100,000 rows of the template's 11 columns fit.
MAX_XLSX_ELEMENTS = 3_000_000
# Lines of the file after the header, blank ones included (they cost reading time too).
MAX_ROWS = 200_000
# Columns read in an XLSX row; cells further right, or right of the header, are ignored.
MAX_COLUMNS = 64
# Empty cells and rows, and cells right of the header, cost reading time and give nothing.
MAX_XLSX_IGNORED = 100_000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")

TEMPLATE_COLUMNS = (
    "site_name",
    "address",
    "country",
    "brand",
    "product_model",
    "tier",
    "region",
    "os_id",
    "function",
    "latitude",
    "longitude",
)
REQUIRED_COLUMNS = ("site_name", "address", "country", "brand", "product_model")

# Other names for the columns, as normalised by `header_key`; lists shaped like the Open
# Supply Hub's (country, name, address, lat, lng) read as they are.
_ALIASES = {
    "site_name": (
        "name",
        "site",
        "factory",
        "factory_name",
        "facility",
        "facility_name",
        "production_site",
    ),
    "address": ("site_address", "factory_address", "facility_address", "full_address"),
    "country": ("country_code", "country_name"),
    "brand": ("brand_name",),
    "product_model": ("model", "product", "model_name", "product_name", "model_number"),
    "tier": ("supplier_tier",),
    "region": ("province", "state", "state_province"),
    "os_id": ("osid", "open_supply_hub_id", "os_hub_id", "oar_id"),
    "function": ("site_function", "factory_function"),
    "latitude": ("lat",),
    "longitude": ("lng", "lon", "long"),
}
COLUMN_ALIASES: dict[str, str] = {column: column for column in TEMPLATE_COLUMNS} | {
    alias: column for column, aliases in _ALIASES.items() for alias in aliases
}
_HEADER_JUNK = re.compile(r"[^0-9a-z]+")
# C0 and C1 control characters but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A valid UTF-8 sequence of two to four bytes: a file holding one is not in a legacy code page.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)

_EXAMPLE = {
    "site_name": "Shenzhen Precision Electronics Co., Ltd.",
    "address": "No. 5 Industrial Road, Longhua District, Shenzhen",
    "country": "CN",
    "brand": "Acme Devices",
    "product_model": "AcmeBook 14 Gen 5",
    "tier": "1",
    "region": "Guangdong",
    "os_id": "",
    "function": "final_assembly",
    "latitude": "22.657300",
    "longitude": "114.029500",
}


class DisclosureFileError(DomainError):
    """The upload cannot be read as a list of sites at all (format, size, columns)."""

    def __init__(self, message):
        super().__init__(message, field="file")


@dataclass(frozen=True, slots=True)
class TableLayout:
    """The columns a kind of list has: a disclosure here, an Open Supply Hub list elsewhere
    (`open_supply_hub`). `aliases` maps a header, as `header_key` gives it, to its column."""

    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: Mapping[str, str]


DISCLOSURE_LAYOUT = TableLayout(TEMPLATE_COLUMNS, REQUIRED_COLUMNS, COLUMN_ALIASES)


# --- Reading -----------------------------------------------------------------------------


def parse_disclosure_file(file: IO[bytes]) -> list[dict[str, Any]]:
    """The rows of an uploaded CSV or XLSX, keyed by template column, each with its "row".

    Columns are recognised by name in any case and under common aliases; unknown columns are
    ignored; blank rows are skipped (their line numbers still count).
    """
    return list(read_disclosure_rows(file))


def read_disclosure_rows(file: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The rows of `parse_disclosure_file` one by one, read as they are asked for.

    Raises DisclosureFileError, at the first row asked for or later, when the file cannot be
    read: a checker that stops early does not read the rest of the file.
    """
    return read_table_rows(file, DISCLOSURE_LAYOUT)


def read_table_rows(file: IO[bytes], layout: TableLayout) -> Iterator[dict[str, Any]]:
    """The rows of a CSV or XLSX list with the columns of `layout`, with every protection of
    the disclosure upload (size, rows, XLSX bombs, encodings, control characters)."""
    data = read_upload(file)
    if not data.strip():
        raise DisclosureFileError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        table = _xlsx_table(data)
    elif data.startswith(XLS_MAGIC):
        raise DisclosureFileError(
            _(
                "This is an old Excel (.xls) file. Save it as an Excel workbook (.xlsx) "
                "or as CSV, then upload it again."
            )
        )
    else:
        table = _csv_table(data)
    del data
    yield from _rows_from_table(table, layout)


def read_upload(file: IO[bytes]) -> bytes:
    """The file's bytes, or DisclosureFileError when it is larger than the limit."""
    too_big = _("The file is larger than 20 MB. Split it into several files.")
    size = getattr(file, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise DisclosureFileError(too_big)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_FILE_SIZE + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_SIZE:
        raise DisclosureFileError(too_big)
    return data


def _not_a_table() -> DisclosureFileError:
    return DisclosureFileError(
        _(
            "This is not a CSV or XLSX file. Upload the list of sites as CSV (UTF-8) or as an "
            "Excel workbook (.xlsx); the template shows the columns."
        )
    )


def _csv_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each line; the whole text is decoded and checked first."""
    if data.startswith(BINARY_MAGIC):
        raise _not_a_table()
    text = _csv_text(data)
    del data
    _refuse_control_characters(text)
    first_line = text[: text.find("\n")] if "\n" in text else text
    # Excel in much of Europe separates columns with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    del text
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise DisclosureFileError(
            _("Line %(line)d of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _csv_text(data: bytes) -> str:
    """The file decoded in one go: UTF-8 (with or without BOM), UTF-16 with its BOM, or the
    Windows code page Excel uses for "CSV", but only for a file with no UTF-8 in it at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DisclosureFileError(
                _("The file's characters cannot be read. Save it as CSV UTF-8 and upload it again.")
            ) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        not_utf8 = error
    if not _UTF8_MULTIBYTE.search(data):
        # Excel on Windows saves "CSV" in the local code page: no accent is in UTF-8 then.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    start = not_utf8.start
    raise DisclosureFileError(
        _(
            "Line %(line)d of the file is not UTF-8 text (byte 0x%(byte)02X, character "
            "%(column)d of the line), while the rest of the file is: it mixes two encodings. "
            "Save it as “CSV UTF-8” and upload it again."
        )
        % {
            "line": data.count(b"\n", 0, start) + 1,
            "byte": data[start],
            "column": start - data.rfind(b"\n", 0, start),
        }
    ) from not_utf8


def _refuse_control_characters(text: str) -> None:
    found = _CONTROL.search(text)
    if found is None:
        return
    if found.group() == "\x00" and found.start() < 8192:
        raise _not_a_table()  # a binary file, not a damaged list
    raise DisclosureFileError(
        _control_message(text.count("\n", 0, found.start()) + 1, found.group())
    )


def _control_message(line: int, char: str) -> str:
    return _(
        "Line %(line)d of the file contains a control character (U+%(code)04X) that a list "
        "of sites cannot hold. Remove it and upload the file again."
    ) % {"line": line, "code": ord(char)}


def _xlsx_table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    rows = first_sheet_rows(
        data,
        max_unpacked=MAX_XLSX_UNPACKED_SIZE,
        max_elements=MAX_XLSX_ELEMENTS,
        max_row=MAX_ROWS + 1,
        max_columns=MAX_COLUMNS,
        max_ignored=MAX_XLSX_IGNORED,
    )
    try:
        for number, cells in rows:
            found = _CONTROL.search("\t".join(cells))
            if found:
                raise DisclosureFileError(_control_message(number, found.group()))
            yield number, cells
    except XlsxError as error:
        raise DisclosureFileError(error.message) from error


def header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _HEADER_JUNK.sub("_", folded.encode("ascii", "ignore").decode()).strip("_")


def _rows_from_table(
    table: Iterator[tuple[int, list[str]]], layout: TableLayout
) -> Iterator[dict[str, Any]]:
    first = next(table, None)
    if first is None or first[0] != 1 or not any(cell.strip() for cell in first[1]):
        raise DisclosureFileError(
            _("The first row must name the columns (%(columns)s, …), as in the template.")
            % {"columns": ", ".join(layout.required)}
        )
    columns: list[str | None] = []
    named: dict[str, str] = {}
    for cell in first[1]:
        title = cell.strip().lstrip("\ufeff")
        column = layout.aliases.get(header_key(title))
        if column in named:
            raise DisclosureFileError(
                _("The columns “%(first)s” and “%(second)s” both give the %(column)s: keep one.")
                % {"first": named[column], "second": title, "column": column}
            )
        if column:
            named[column] = title
        columns.append(column)
    missing = [column for column in layout.required if column not in named]
    if missing:
        raise DisclosureFileError(
            _(
                "The file is missing columns: %(columns)s. Add them (the template shows every "
                "column) and upload the file again."
            )
            % {"columns": ", ".join(missing)}
        )
    wanted = [(index, column) for index, column in enumerate(columns) if column]
    found = False
    for number, cells in table:
        if number > MAX_ROWS + 1:
            # Blank lines count: they cost reading time as much as filled ones.
            raise DisclosureFileError(
                _("The file has more than %(limit)d rows. Split it into several files.")
                % {"limit": MAX_ROWS}
            )
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = dict.fromkeys(layout.columns, "")
        row["row"] = number
        width = len(cells)
        for index, column in wanted:
            if index < width:
                row[column] = cells[index].strip()
        found = True
        yield row
    if not found:
        raise DisclosureFileError(_("The file names its columns but lists no site."))


# --- Templates ---------------------------------------------------------------------------


def template_csv() -> str:
    """The columns and one example row, as the upload expects them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([_EXAMPLE[column] for column in TEMPLATE_COLUMNS])
    return out.getvalue()


def _column_help() -> dict[str, str]:
    return {
        "site_name": _("Name of the production site (factory, mine, smelter or refiner)."),
        "address": _("Full street address of the site."),
        "country": _(
            "Country of the site: two-letter code (CN), three-letter code (CHN) or English "
            "name (China), in any case."
        ),
        "brand": _("Brand of the product made or supplied at this site."),
        "product_model": _("Product model, as in the contract."),
        "tier": _(
            "1 for final assembly (the default when empty), 2 for a strategic component, "
            "3 for raw material."
        ),
        "region": _("Province, state or region."),
        "os_id": _("Open Supply Hub ID of the site, if known (for example CN2019303BQ3FZP)."),
        "function": _("final_assembly, component or raw_material; by default given by the tier."),
        "latitude": _("Decimal degrees, between -90 and 90 (for example 22.6573)."),
        "longitude": _("Decimal degrees, between -180 and 180 (for example 114.0295)."),
    }


def template_xlsx() -> bytes:
    """The template as a workbook, with a second sheet explaining every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sites = workbook.active
    sites.title = _("Sites")
    sites.append(list(TEMPLATE_COLUMNS))
    example = dict(_EXAMPLE)
    example.update(
        tier=int(example["tier"]),
        latitude=float(example["latitude"]),
        longitude=float(example["longitude"]),
    )
    sites.append([example[column] for column in TEMPLATE_COLUMNS])
    required_fill = PatternFill("solid", fgColor="FFE699")
    for cell in sites[1]:
        cell.font = Font(bold=True)
        if cell.value in REQUIRED_COLUMNS:
            cell.fill = required_fill
        sites.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 4)
    sites.column_dimensions["A"].width = 42
    sites.column_dimensions["B"].width = 52
    sites.freeze_panes = "A2"

    notes = workbook.create_sheet(_("Instructions"))
    notes.append([_("How to fill in the list of production sites")])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    notes.append([_("Column"), _("Required"), _("What to write")])
    for cell in notes[3]:
        cell.font = Font(bold=True)
    for column, text in _column_help().items():
        notes.append([column, _("yes") if column in REQUIRED_COLUMNS else _("no"), text])
    notes.append([])
    for paragraph in (
        _(
            "One row per site, brand and product model. The first row names the columns; other "
            "columns are ignored. Fill in the first sheet only."
        ),
        _(
            "Country: a two-letter code (CN), a three-letter code (CHN) or the English name "
            "(China), in upper or lower case."
        ),
        _(
            "Tier: 1 = final assembly, 2 = strategic component, 3 = raw material (mine, "
            "smelter or refiner). Empty means 1."
        ),
        _(
            "Uploading the list again updates the lines with the same site, brand and model "
            "instead of adding them twice; lines not in the new file are kept."
        ),
        _(
            "A file with errors is not imported at all: you get a list of the rows and columns "
            "to correct. Save the file as Excel workbook (.xlsx) or CSV UTF-8, at most 20 MB."
        ),
    ):
        notes.append([paragraph])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
