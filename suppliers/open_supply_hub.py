"""Open Supply Hub in and out: its facility lists into the registry, the registry out as one.

The list format is Open Supply Hub's upload template (info.opensupplyhub.org, "Preparing data
for upload"): `country`, `name` and `address` required; `lat`, `lng`, `sector`,
`product_type`, `facility_type`, `processing_type`, `number_of_workers` and `parent_company`
optional, several values in one cell separated by "|"; its newer template's combined
`sector_product_type` and `facility_type_processing_type` columns and its downloads' `os_id`
and `country_code` read too. A country is an ISO code or an English name, in any case.

Importing reads the file with the disclosure upload's reader (`import_files`, with all its
limits), checks every row, and saves nothing unless every row is right. Sites then go through
the registry's matcher like a disclosure's; what the list says beyond name, address and
coordinates (OS ID, products, workforce, parent company) fills a factory's blanks and never
overwrites what staff recorded.

Our registry knows two sectors, ICT hardware and low-emission vehicles: an Open Supply Hub
sector that is one of them sets it; any other ("Apparel") is kept with the products, and
the factory takes the registry's default sector.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .country_names import country_code
from .import_files import TableLayout, header_key, read_table_rows
from .import_rows import (
    MAX_ERRORS,
    CheckedRows,
    RowError,
    _coordinate,
    _too_long,
    check_required_lengths_country,
)
from .imports import DisclosureImportRejected
from .matching import SiteInput, match_sites_with_counts
from .models import Factory, FactoryFunction, Sector, Supplier, validate_os_id

if TYPE_CHECKING:
    from affiliates.models import User

audit_log = logging.getLogger("ew.audit")

COLUMNS = (
    "country",
    "name",
    "address",
    "lat",
    "lng",
    "sector",
    "product_type",
    "facility_type",
    "processing_type",
    "number_of_workers",
    "parent_company",
    "os_id",
    "sector_product_type",
    "facility_type_processing_type",
)
REQUIRED = ("country", "name", "address")
_ALIASES = {
    "country": ("country_code", "country_iso", "iso_country_code"),
    "name": ("facility_name", "factory_name", "site_name"),
    "address": ("facility_address", "full_address"),
    "lat": ("latitude",),
    "lng": ("longitude", "lon", "long"),
    "sector": ("sectors", "industry_sector"),
    "product_type": ("product_types", "products"),
    "number_of_workers": ("workers", "number_of_employees", "workforce"),
    "parent_company": ("parent_company_name", "owner"),
    "os_id": ("osid", "open_supply_hub_id", "oar_id"),
}
LAYOUT = TableLayout(
    columns=COLUMNS,
    required=REQUIRED,
    aliases={column: column for column in COLUMNS}
    | {alias: column for column, aliases in _ALIASES.items() for alias in aliases},
)

# What an export writes, in this order: the template's columns, then the OS ID when known.
EXPORT_COLUMNS = (
    "country",
    "name",
    "address",
    "lat",
    "lng",
    "sector",
    "product_type",
    "facility_type",
    "number_of_workers",
    "parent_company",
    "os_id",
)
EXPORT_CHUNK_SIZE = 2000

# Open Supply Hub sectors that are ours (compared as `header_key` gives them); the first
# name is the one an export writes.
SECTORS = {
    Sector.ICT: (
        "electronics",
        "consumer_electronics",
        "ict",
        "ict_hardware",
        "information_technology",
        "computers",
        "computer_hardware",
        "electrical_equipment",
        "electronic_components",
        "semiconductors",
        "telecommunications",
    ),
    Sector.LEV: (
        "automotive",
        "vehicles",
        "electric_vehicles",
        "low_emission_vehicles",
        "automotive_parts",
        "batteries",
    ),
}
_SECTOR_OF = {name: sector for sector, names in SECTORS.items() for name in names}
EXPORT_SECTOR = {Sector.ICT: "Electronics", Sector.LEV: "Automotive"}
# A facility or processing type says what the site does when it holds one of these words.
_FUNCTION_WORDS = (
    (FactoryFunction.FINAL_ASSEMBLY, ("assembly", "assembling")),
    (
        FactoryFunction.RAW_MATERIAL,
        ("raw_material", "mine", "mining", "smelt", "refin", "extraction"),
    ),
    (FactoryFunction.COMPONENT, ("component", "parts", "material_production", "circuit")),
)
EXPORT_FACILITY_TYPE = {
    FactoryFunction.FINAL_ASSEMBLY: "Final Product Assembly",
    FactoryFunction.COMPONENT: "Component Manufacturing",
    FactoryFunction.RAW_MATERIAL: "Raw Material Processing or Production",
}
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_MAX_LENGTHS = {
    "name": Factory._meta.get_field("name").max_length,
    "address": Factory._meta.get_field("address").max_length,
    "parent_company": Supplier._meta.get_field("name").max_length,
}
_PRODUCTS_LENGTH = Factory._meta.get_field("products").max_length


class FacilityListRejected(DisclosureImportRejected):
    """Some rows of the list are wrong: nothing was saved; `errors` says where and why."""


@dataclass(frozen=True, slots=True)
class FacilityListResult:
    """What an import did: rows read, distinct sites they name, how many of those the
    registry knew, how many it gained, and how many pairs went to the review queue."""

    rows: int
    sites: int
    known: int
    factories_created: int
    reviews_created: int
    os_ids_added: int


# --- Import ------------------------------------------------------------------------------


def facility_list_import(*, file: IO[bytes], by: User | None = None) -> FacilityListResult:
    """Put an Open Supply Hub facility list into the registry: every row, or none.

    Raises `DisclosureFileError` when the file cannot be read as a list, and
    `FacilityListRejected` with every row error when some rows are wrong.
    """
    checked = check_facility_rows(read_table_rows(file, LAYOUT))
    if checked.errors:
        raise FacilityListRejected(checked.errors, checked.stopped_at_row)
    rows = checked.valid
    with transaction.atomic():
        matches = match_sites_with_counts(
            [
                SiteInput(
                    name=row["name"],
                    address=row["address"],
                    country=row["country"],
                    os_id=row["os_id"],
                    sector=row["sector"],
                    function=row["function"],
                    latitude=row["lat"],
                    longitude=row["lng"],
                )
                for row in rows
            ]
        )
        os_ids_added = _fill_blanks(rows, matches.factory_ids)
    sites = len(set(matches.factory_ids))
    result = FacilityListResult(
        rows=len(rows),
        sites=sites,
        known=sites - matches.factories_created,
        factories_created=matches.factories_created,
        reviews_created=matches.reviews_created,
        os_ids_added=os_ids_added,
    )
    audit_log.info(
        "open supply hub list imported: by=%s rows=%s sites=%s known=%s factories_created=%s "
        "reviews_created=%s os_ids_added=%s",
        getattr(by, "pk", None),
        result.rows,
        result.sites,
        result.known,
        result.factories_created,
        result.reviews_created,
        result.os_ids_added,
    )
    return result


def check_facility_rows(
    rows: Iterable[dict[str, Any]], *, max_errors: int | None = MAX_ERRORS
) -> CheckedRows:
    """The rows cleaned for saving and every problem found, by row and column; checking
    stops at the row where `max_errors` errors have been found."""
    valid: list[dict[str, Any]] = []
    errors: list[RowError] = []
    country_codes: dict[str, str] = {}
    for index, raw in enumerate(rows):
        number = raw.get("row") or index + 2
        row, found = _clean_row(raw, country_codes)
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
    row: dict[str, Any] = {c: " ".join(str(raw.get(c) or "").split()) for c in COLUMNS}
    found = check_required_lengths_country(row, REQUIRED, _MAX_LENGTHS, country_codes, country_code)

    given = {column: bool(row[column]) for column in ("lat", "lng")}
    for column, limit in (("lat", 90), ("lng", 180)):
        row[column], problem = _coordinate(row[column], limit)
        if problem:
            found.append((column, problem))
    if given["lat"] != given["lng"]:
        missing = "lat" if given["lng"] else "lng"
        found.append((missing, _("Give both lat and lng, or neither.")))

    row["os_id"] = row["os_id"].upper()
    if row["os_id"]:
        try:
            validate_os_id(row["os_id"])
        except ValidationError as error:
            found.append(("os_id", error.messages[0]))

    sectors, other_sectors = _sectors(row["sector"])
    combined, combined_other = _sectors(row["sector_product_type"])
    row["sector"] = (sectors or combined or [None])[0]
    products = _values(row["product_type"]) + combined_other + other_sectors
    row["products"] = "|".join(dict.fromkeys(products))
    if len(row["products"]) > _PRODUCTS_LENGTH:
        found.append(("product_type", _too_long(row["products"], _PRODUCTS_LENGTH)))
    row["function"] = _function(
        row["facility_type"], row["processing_type"], row["facility_type_processing_type"]
    )

    row["number_of_workers"], problem = _workers(row["number_of_workers"])
    if problem:
        found.append(("number_of_workers", problem))
    return row, found


def _values(cell: str) -> list[str]:
    return [value.strip() for value in cell.split("|") if value.strip()]


def _sectors(cell: str) -> tuple[list[str], list[str]]:
    """Our sectors named in the cell, and the other values as written."""
    ours, others = [], []
    for value in _values(cell):
        sector = _SECTOR_OF.get(header_key(value))
        if sector:
            ours.append(sector)
        else:
            others.append(value)
    return ours, others


def _function(*cells: str) -> str | None:
    for cell in cells:
        for value in _values(cell):
            key = header_key(value)
            for function, words in _FUNCTION_WORDS:
                if any(word in key for word in words):
                    return function
    return None


def _workers(text: str) -> tuple[int | None, str | None]:
    """A number (350) or a range (100-500, "Less than 1000"): a range keeps its upper end."""
    if not text:
        return None, None
    numbers = _NUMBER.findall(text.replace(",", ""))
    if not numbers:
        return None, _(
            "“%(value)s” is not a number of workers: write a number (350) or a range (100-500)."
        ) % {"value": text}
    return int(max(Decimal(number) for number in numbers)), None


def _fill_blanks(rows: list[dict[str, Any]], factory_ids: list[int]) -> int:
    """What the list says beyond the matcher's fields goes onto factories that lack it; the
    number of OS IDs added."""
    factories = {
        f.pk: f
        for f in Factory.objects.filter(pk__in=set(factory_ids)).only(
            "pk", "os_id", "products", "workforce_size", "owner", "latitude", "longitude"
        )
    }
    # An OS ID some factory already has stays with it (the matcher linked that one if it could).
    taken = set(
        Factory.objects.filter(
            os_id__in={row["os_id"] for row in rows if row["os_id"]}
        ).values_list("os_id", flat=True)
    )
    owners = _companies({row["parent_company"] for row in rows if row["parent_company"]})
    changed: dict[str, set[int]] = {}
    os_ids_added = 0

    def fill(factory: Factory, field: str, value) -> None:
        if value not in (None, "") and getattr(factory, field) in (None, ""):
            setattr(factory, field, value)
            changed.setdefault(field, set()).add(factory.pk)

    for row, factory_id in zip(rows, factory_ids, strict=True):
        factory = factories[factory_id]
        if row["os_id"] and not factory.os_id and row["os_id"] not in taken:
            taken.add(row["os_id"])
            fill(factory, "os_id", row["os_id"])
            os_ids_added += 1
        fill(factory, "products", row["products"])
        fill(factory, "workforce_size", row["number_of_workers"])
        if row["parent_company"]:
            fill(factory, "owner_id", owners[row["parent_company"].lower()])
        if factory.latitude is None and factory.longitude is None and row["lat"] is not None:
            fill(factory, "latitude", row["lat"])
            fill(factory, "longitude", row["lng"])
    if changed:
        fields = ["owner" if field == "owner_id" else field for field in changed]
        to_save = [factories[pk] for pk in set().union(*changed.values())]
        now = timezone.now()
        for factory in to_save:
            factory.updated_at = now
        Factory.objects.bulk_update(to_save, [*fields, "updated_at"], batch_size=1000)
    return os_ids_added


def _companies(names: set[str]) -> dict[str, int]:
    """The id of the company with each name (in any case), created when none has it."""
    if not names:
        return {}
    wanted = {name.lower(): name for name in names}
    found = dict(
        Supplier.objects.annotate(key=Lower("name"))
        .filter(key__in=wanted)
        .order_by("-pk")
        .values_list("key", "pk")
    )
    missing = [
        Supplier(name=name, is_manufacturer=True)
        for key, name in wanted.items()
        if key not in found
    ]
    Supplier.objects.bulk_create(missing)
    found.update({company.name.lower(): company.pk for company in missing})
    return found


# --- Export ------------------------------------------------------------------------------


def export_header() -> tuple[str, ...]:
    return EXPORT_COLUMNS


def export_rows(factories) -> Iterator[tuple]:
    """One row per factory in the list format, read in chunks: the registry may hold 100,000
    factories, and the query count stays the same whatever their number."""
    queryset = (
        factories.filter(merged_into__isnull=True)
        .select_related("owner")
        .only(
            "country",
            "name",
            "address",
            "latitude",
            "longitude",
            "sector",
            "products",
            "function",
            "workforce_size",
            "os_id",
            "owner__name",
        )
        .order_by("country", "name", "pk")
    )
    for factory in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield (
            factory.country.code,
            factory.name,
            factory.address,
            factory.latitude,
            factory.longitude,
            EXPORT_SECTOR.get(factory.sector, ""),
            factory.products,
            EXPORT_FACILITY_TYPE.get(factory.function, ""),
            factory.workforce_size,
            factory.owner.name if factory.owner else "",
            factory.os_id,
        )


EXPORT_SHEET_TITLE = gettext_lazy("Facilities")
