"""Disclosure uploads: a contractor's list of production sites as a CSV or XLSX file.

Everything is read and checked before anything is written: a file with one bad row changes
nothing and comes back with a per-row error report (DESIGN.md §8). A good file is saved in one
transaction, its sites matched to the shared factory registry, its lines upserted by key so
that uploading a corrected file again updates lines instead of adding them twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries
from django_scopes import scope

from core.errors import DomainError
from core.spreadsheets import safe_cell

from .matching import SiteInput, match_sites_with_counts, normalise_label, normalise_name
from .models import Disclosure, DisclosureLine, Factory, FactoryFunction, validate_os_id

if TYPE_CHECKING:
    from affiliates.models import User

audit_log = logging.getLogger("ew.audit")

MAX_FILE_SIZE = 20 * 1024 * 1024
# An XLSX is a ZIP: 20 MB of it may unpack to far more. Refuse archives that would.
MAX_XLSX_UNPACKED_SIZE = 400 * 1024 * 1024
MAX_ROWS = 200_000
LINE_BATCH_SIZE = 2000
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

# Other names for the columns, as normalised by `_header_key`; lists shaped like the Open
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

_MAX_LENGTHS = {
    "site_name": DisclosureLine._meta.get_field("site_name").max_length,
    "address": DisclosureLine._meta.get_field("address").max_length,
    "brand": DisclosureLine._meta.get_field("brand").max_length,
    "product_model": DisclosureLine._meta.get_field("product_model").max_length,
    "region": Factory._meta.get_field("region").max_length,
    "os_id": Factory._meta.get_field("os_id").max_length,
}
# Common forms that django-countries does not know.
_COUNTRY_SYNONYMS = {"UK": "GB"}
_FUNCTIONS = {
    "final_assembly": FactoryFunction.FINAL_ASSEMBLY,
    "assembly": FactoryFunction.FINAL_ASSEMBLY,
    "component": FactoryFunction.COMPONENT,
    "components": FactoryFunction.COMPONENT,
    "component_manufacturing": FactoryFunction.COMPONENT,
    "raw_material": FactoryFunction.RAW_MATERIAL,
    "raw_materials": FactoryFunction.RAW_MATERIAL,
    "mine_smelter_or_refiner": FactoryFunction.RAW_MATERIAL,
}
# Without a function column, the tier says what the site does.
_FUNCTION_OF_TIER = {
    1: FactoryFunction.FINAL_ASSEMBLY,
    2: FactoryFunction.COMPONENT,
    3: FactoryFunction.RAW_MATERIAL,
}
_TIER = re.compile(r"^(?:tier\s*)?([123])(?:\.0*)?$", re.IGNORECASE)
_HEADER_JUNK = re.compile(r"[^0-9a-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MICRO_DEGREE = Decimal("0.000001")
_KEY_COLUMNS = frozenset({"site_name", "country", "brand", "product_model"})

_EXAMPLE = {
    "site_name": "Shenzhen Precision Electronics Co., Ltd.",
    "address": "No. 5 Industrial Road, Longhua District, Shenzhen",
    "country": "CN",
    "brand": "Lenovo",
    "product_model": "ThinkPad T14 Gen 5",
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
class RowError:
    """A problem in one cell; `row` is the line number the user sees, the header being 1."""

    row: int
    column: str
    message: str


class DisclosureImportRejected(DomainError):
    """Some rows are wrong: nothing was saved; `errors` says where and why."""

    def __init__(self, errors: list[RowError]):
        count = len(errors)
        super().__init__(
            ngettext(
                "The file has %(count)d error; nothing was imported. "
                "Correct it and upload the file again.",
                "The file has %(count)d errors; nothing was imported. "
                "Correct them and upload the file again.",
                count,
            )
            % {"count": count},
            field="file",
        )
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    factories_created: int
    reviews_created: int


# --- Reading -----------------------------------------------------------------------------


def parse_disclosure_file(file: IO[bytes]) -> list[dict[str, Any]]:
    """The rows of an uploaded CSV or XLSX, keyed by template column, each with its "row".

    Columns are recognised by name in any case and under common aliases; unknown columns are
    ignored; blank rows are skipped (their line numbers still count).
    """
    data = _read_limited(file)
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
    return _rows_from_table(table)


def _read_limited(file: IO[bytes]) -> bytes:
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


def _csv_table(data: bytes) -> Iterator[list[str]]:
    if data.startswith(BINARY_MAGIC):
        raise _not_a_table()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _decode(data, "utf-16")
    else:
        if b"\x00" in data[:8192]:
            raise _not_a_table()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the local code page.
            text = _decode(data, "cp1252")
    if _CONTROL.search(text, 0, 8192):
        raise _not_a_table()
    first_line = text.split("\n", 1)[0]
    # Excel in much of Europe separates columns with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise DisclosureFileError(
            _("Line %(line)d of the file cannot be read as CSV (%(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from error


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise DisclosureFileError(
            _("The file's characters cannot be read. Save it as CSV UTF-8 and upload it again.")
        ) from error


def _xlsx_table(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    not_xlsx = DisclosureFileError(
        _(
            "The file is a ZIP archive but not an Excel workbook (.xlsx). Save the list as "
            ".xlsx or as CSV and upload it again."
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise not_xlsx from error
    if unpacked > MAX_XLSX_UNPACKED_SIZE:
        raise DisclosureFileError(_("The workbook is too large once unpacked. Split it."))
    # openpyxl raises many kinds of exception on a broken workbook or a foreign ZIP (.docx).
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise not_xlsx from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                cells = next(rows, None)
            except Exception as error:
                raise not_xlsx from error
            if cells is None:
                return
            yield [_cell_text(value) for value in cells]
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _header_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return _HEADER_JUNK.sub("_", folded.encode("ascii", "ignore").decode()).strip("_")


def _rows_from_table(table: Iterator[list[str]]) -> list[dict[str, Any]]:
    header = next(table, None)
    if header is None or not any(cell.strip() for cell in header):
        raise DisclosureFileError(
            _(
                "The first row must name the columns (site_name, address, country, brand, "
                "product_model, …), as in the template."
            )
        )
    columns: list[str | None] = []
    named: dict[str, str] = {}
    for cell in header:
        title = cell.strip().lstrip("\ufeff")
        column = COLUMN_ALIASES.get(_header_key(title))
        if column in named:
            raise DisclosureFileError(
                _("The columns “%(first)s” and “%(second)s” both give the %(column)s: keep one.")
                % {"first": named[column], "second": title, "column": column}
            )
        if column:
            named[column] = title
        columns.append(column)
    missing = [column for column in REQUIRED_COLUMNS if column not in named]
    if missing:
        raise DisclosureFileError(
            _(
                "The file is missing columns: %(columns)s. Add them (the template shows every "
                "column) and upload the file again."
            )
            % {"columns": ", ".join(missing)}
        )
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(table, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = dict.fromkeys(TEMPLATE_COLUMNS, "")
        row["row"] = number
        for column, cell in zip(columns, cells, strict=False):
            if column:
                row[column] = cell.strip()
        rows.append(row)
        if len(rows) > MAX_ROWS:
            raise DisclosureFileError(
                _("The file has more than %(limit)d rows. Split it into several files.")
                % {"limit": MAX_ROWS}
            )
    if not rows:
        raise DisclosureFileError(_("The file names its columns but lists no site."))
    return rows


# --- Checking ----------------------------------------------------------------------------


def line_key(country: str, site_name: str, brand: str, product_model: str) -> str:
    """What makes a line the same line in a later upload: site, brand and model in a country."""
    return _line_key(country, normalise_name(site_name), brand, product_model)


def _line_key(country: str, name_key: str, brand: str, product_model: str) -> str:
    parts = (
        country.strip().upper(),
        name_key,
        normalise_label(brand),
        normalise_label(product_model),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def validate_rows(rows: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Clean rows ready to save, and every problem found (all of them, not just the first)."""
    valid: list[dict[str, Any]] = []
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    country_codes: dict[str, str] = {}
    name_keys: dict[str, str] = {}  # a site has many lines: normalise its name once
    for index, raw in enumerate(rows):
        number = raw.get("row") or index + 2
        row, found = _clean_row(raw, country_codes)
        if not _KEY_COLUMNS.intersection(column for column, _message in found):
            name_key = name_keys.get(row["site_name"])
            if name_key is None:
                name_key = name_keys[row["site_name"]] = normalise_name(row["site_name"])
            key = _line_key(row["country"], name_key, row["brand"], row["product_model"])
            earlier = first_row_of.setdefault(key, number)
            if earlier != number:
                message = _("Same site, brand and model as row %(row)d.") % {"row": earlier}
                found.append(("site_name", message))
            row["line_key"] = key
        if found:
            errors.extend(RowError(row=number, column=c, message=str(m)) for c, m in found)
        else:
            row["row"] = number
            valid.append(row)
    return valid, errors


def _clean_row(
    raw: dict[str, Any], country_codes: dict[str, str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The row's values as they will be saved, and (column, message) for each problem."""
    row: dict[str, Any] = {c: str(raw.get(c) or "").strip() for c in TEMPLATE_COLUMNS}
    found: list[tuple[str, str]] = []
    for column in REQUIRED_COLUMNS:
        if not row[column]:
            found.append((column, _("This field is required.")))
    for column, limit in _MAX_LENGTHS.items():
        if len(row[column]) > limit:
            found.append((column, _too_long(row[column], limit)))

    if row["country"]:
        code = country_codes.get(row["country"])
        if code is None:
            code = country_codes[row["country"]] = _country_code(row["country"])
        if code:
            row["country"] = code
        else:
            found.append(("country", _bad_country(row["country"])))

    tier = _TIER.match(row["tier"]) if row["tier"] else None
    if row["tier"] and tier is None:
        message = _(
            "“%(value)s” is not a tier: write 1 (final assembly), 2 (component) or 3 (raw "
            "material)."
        )
        found.append(("tier", message % {"value": row["tier"]}))
    row["tier"] = int(tier.group(1)) if tier else 1

    if not row["function"]:
        row["function"] = _FUNCTION_OF_TIER[row["tier"]]
    elif (function := _FUNCTIONS.get(_header_key(row["function"]))) is not None:
        row["function"] = function
    else:
        message = _(
            "“%(value)s” is not a site function: write final_assembly, component or raw_material."
        )
        found.append(("function", message % {"value": row["function"]}))

    row["os_id"] = row["os_id"].upper()
    try:
        validate_os_id(row["os_id"])
    except ValidationError as error:
        found.append(("os_id", error.messages[0]))

    given = {column: bool(row[column]) for column in ("latitude", "longitude")}
    for column, limit in (("latitude", 90), ("longitude", 180)):
        row[column], problem = _coordinate(row[column], limit)
        if problem:
            found.append((column, problem))
    if given["latitude"] != given["longitude"]:
        missing = "latitude" if given["longitude"] else "longitude"
        found.append((missing, _("Give both latitude and longitude, or neither.")))
    return row, found


def _country_code(value: str) -> str:
    text = " ".join(value.split())
    if text.upper() in _COUNTRY_SYNONYMS:
        return _COUNTRY_SYNONYMS[text.upper()]
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = countries.alpha2(text)
        if code:
            return code
    return countries.by_name(text, language="en") or ""


def _bad_country(value: str) -> str:
    return _(
        "“%(value)s” is not a country: write its two-letter code (CN), its three-letter code "
        "(CHN) or its English name (China)."
    ) % {"value": value}


def _too_long(value: str, limit: int) -> str:
    return _("“%(start)s…” is too long: %(length)d characters, at most %(limit)d.") % {
        "start": value[:30],
        "length": len(value),
        "limit": limit,
    }


def _coordinate(text: str, limit: int) -> tuple[Decimal | None, str | None]:
    if not text:
        return None, None
    try:
        # A decimal comma, as European spreadsheets write it, is a decimal point.
        value = Decimal(text.replace(",", ".") if "." not in text else text)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text}
    if not value.is_finite() or not -limit <= value <= limit:
        return None, _("“%(value)s” is out of range: between -%(limit)d and %(limit)d.") % {
            "value": text,
            "limit": limit,
        }
    return value.quantize(_MICRO_DEGREE), None


# --- Saving ------------------------------------------------------------------------------


def disclosure_import(
    *, disclosure: Disclosure, file: IO[bytes], by: User | None = None
) -> ImportResult:
    """Save an uploaded list of sites to the disclosure: all rows, or none and the reasons.

    Raises `DisclosureFileError` when the file cannot be read, `DisclosureImportRejected` with
    every row error when some rows are wrong, `DomainError` when the disclosure is accepted.
    """
    _refuse_if_accepted(disclosure.status)
    return _save_rows(disclosure=disclosure, rows=parse_disclosure_file(file), by=by)


def disclosure_add_rows(
    *, disclosure: Disclosure, rows: list[dict[str, Any]], by: User | None = None
) -> ImportResult:
    """Lines typed in a form rather than uploaded: the same checks, the same upsert."""
    _refuse_if_accepted(disclosure.status)
    return _save_rows(disclosure=disclosure, rows=rows, by=by)


def _save_rows(
    *, disclosure: Disclosure, rows: list[dict[str, Any]], by: User | None
) -> ImportResult:
    valid, errors = validate_rows(rows)
    if errors:
        raise DisclosureImportRejected(errors)
    del rows  # the raw rows are no longer needed: free them before matching
    affiliate = disclosure.affiliate
    with scope(affiliate=affiliate), transaction.atomic():
        locked = Disclosure.objects.select_for_update().only("status").get(pk=disclosure.pk)
        _refuse_if_accepted(locked.status)
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
            ]
        )
        existing = set(
            DisclosureLine.objects.filter(disclosure=disclosure).values_list("line_key", flat=True)
        )
        for start in range(0, len(valid), LINE_BATCH_SIZE):
            batch = valid[start : start + LINE_BATCH_SIZE]
            DisclosureLine.objects.bulk_create(
                [
                    DisclosureLine(
                        affiliate_id=affiliate.pk,
                        disclosure_id=disclosure.pk,
                        factory_id=factory_id,
                        site_name=row["site_name"],
                        address=row["address"],
                        country=row["country"],
                        brand=row["brand"],
                        product_model=row["product_model"],
                        tier=row["tier"],
                        line_key=row["line_key"],
                    )
                    for row, factory_id in zip(
                        batch, matches.factory_ids[start : start + LINE_BATCH_SIZE], strict=True
                    )
                ],
                update_conflicts=True,
                unique_fields=["disclosure", "line_key"],
                update_fields=[
                    "address",
                    "factory",
                    "tier",
                    "site_name",
                    "brand",
                    "product_model",
                    "country",
                    "updated_at",
                ],
            )
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


def _refuse_if_accepted(status: str) -> None:
    if status == Disclosure.Status.ACCEPTED:
        raise DomainError(
            _(
                "This disclosure has been accepted and can no longer be changed. Ask the "
                "affiliate to return it if the list of sites must be corrected."
            )
        )


# --- Files for the user ------------------------------------------------------------------


def errors_as_csv(errors: Iterable[RowError]) -> str:
    """The error report to download; it starts with a byte-order mark so Excel reads accents."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("row"), _("column"), _("message")])
    for error in errors:
        writer.writerow([error.row, safe_cell(error.column), safe_cell(error.message)])
    return out.getvalue()


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
