"""Checking the rows of a disclosure, uploaded or typed in a form: every problem found, by row
and column, and the rows cleaned as they will be saved."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.spreadsheets import safe_cell

from .country_names import country_code
from .import_files import REQUIRED_COLUMNS, TEMPLATE_COLUMNS, header_key
from .matching import normalise_label, normalise_name
from .models import DisclosureLine, Factory, FactoryFunction, validate_os_id

_MAX_LENGTHS = {
    "site_name": DisclosureLine._meta.get_field("site_name").max_length,
    "address": DisclosureLine._meta.get_field("address").max_length,
    "brand": DisclosureLine._meta.get_field("brand").max_length,
    "product_model": DisclosureLine._meta.get_field("product_model").max_length,
    "region": Factory._meta.get_field("region").max_length,
    "os_id": Factory._meta.get_field("os_id").max_length,
}
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
_MICRO_DEGREE = Decimal("0.000001")
_KEY_COLUMNS = frozenset({"site_name", "country", "brand", "product_model"})
# Errors kept for the page and the downloadable report: checking stops once there are this
# many, since a file that wrong has to be corrected as a whole anyway. The page shows 200.
MAX_ERRORS = 1000


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one cell; `row` is the line number the user sees, the header being 1."""

    row: int
    column: str
    message: str


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


@dataclass(frozen=True, slots=True)
class CheckedRows:
    """The rows ready to save and the errors kept; `stopped_at_row` is the row where checking
    stopped because too many errors were found (None when every row was checked)."""

    valid: list[dict[str, Any]]
    errors: list[RowError]
    stopped_at_row: int | None = None


def validate_rows(rows: Iterable[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Clean rows ready to save, and every problem found (all of them, not just the first)."""
    checked = check_rows(rows, max_errors=None)
    return checked.valid, checked.errors


def check_rows(
    rows: Iterable[dict[str, Any]], *, max_errors: int | None = MAX_ERRORS
) -> CheckedRows:
    """Like `validate_rows`, but stops at the row where `max_errors` errors have been found:
    a file that wrong is hopeless, and the rest of it is neither read nor checked."""
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
            if max_errors is not None and len(errors) >= max_errors:
                return CheckedRows(valid=valid, errors=errors, stopped_at_row=number)
        else:
            row["row"] = number
            valid.append(row)
    return CheckedRows(valid=valid, errors=errors)


def _clean_row(
    raw: dict[str, Any], country_codes: dict[str, str]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The row's values as they will be saved, and (column, message) for each problem."""
    row: dict[str, Any] = {c: str(raw.get(c) or "").strip() for c in TEMPLATE_COLUMNS}
    found = check_required_lengths_country(
        row, REQUIRED_COLUMNS, _MAX_LENGTHS, country_codes, country_code
    )

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
    elif (function := _FUNCTIONS.get(header_key(row["function"]))) is not None:
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


def check_required_lengths_country(
    row: dict[str, Any],
    required,
    max_lengths: dict[str, int],
    country_codes: dict[str, str],
    code_of: Callable[[str], str],
) -> list[tuple[str, str]]:
    """(column, message) for each required cell left empty, each cell too long and a country
    `code_of` does not know; a known country is replaced by its code in `row`.
    `country_codes` caches `code_of` for the file."""
    found: list[tuple[str, str]] = []
    for column in required:
        if not row[column]:
            found.append((column, _("This field is required.")))
    for column, limit in max_lengths.items():
        if len(row[column]) > limit:
            found.append((column, _too_long(row[column], limit)))
    if row["country"]:
        code = country_codes.get(row["country"])
        if code is None:
            code = country_codes[row["country"]] = code_of(row["country"])
        if code:
            row["country"] = code
        else:
            found.append(("country", _bad_country(row["country"])))
    return found


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


def errors_as_csv(errors: Iterable[RowError], stopped_at_row: int | None = None) -> str:
    """The error report to download; it starts with a byte-order mark so Excel reads accents."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("row"), _("column"), _("message")])
    for error in errors:
        writer.writerow([error.row, safe_cell(error.column), safe_cell(error.message)])
    if stopped_at_row is not None:
        writer.writerow([stopped_at_row, "", safe_cell(stopped_message(stopped_at_row))])
    return out.getvalue()


def stopped_message(row: int) -> str:
    return _(
        "Checking stopped at row %(row)d: there were too many errors. The rows after it were "
        "not checked."
    ) % {"row": row}
