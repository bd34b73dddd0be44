"""The risk reference tables (ILO ratifications, pathfinder countries, migration corridors,
product categories, exchange rates, country risk levels): one description per table, and one
CSV mechanism for all of them.

An import is all or nothing: every row is checked with the table's form (the one the staff
pages use); if one is wrong, nothing is saved and every error is reported with its row and
column. A row naming one already recorded (same natural key) changes it, so importing a file
twice, or importing an export, leaves the same rows. The seed (`suppliers/reference_data/`)
is read by the same importer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.models import ExchangeRate
from core.spreadsheets import FORMULA_PREFIXES

from . import reference_forms as forms
from .import_files import TableLayout, header_key, read_table_rows
from .import_rows import MAX_ERRORS, RowError
from .models import (
    CountryRiskIndicator,
)

audit_log = logging.getLogger("audit")
SEED_DIR = Path(__file__).resolve().parent / "reference_data"


@dataclass(frozen=True)
class ReferenceTable:
    slug: str
    title: Promise
    form_class: type[forms.ReferenceForm]
    # Filter of the list page: the fields a country is looked for in ("" for exchange rates).
    country_fields: tuple[str, ...] = ("country",)
    # What the list page shows besides the source and year: (heading, value of a row).
    display: tuple[tuple[Promise, Callable[[Any], Any]], ...] = field(default=())
    # The pages live elsewhere (learning's country risk pages): only the CSV is here.
    pages: bool = True
    # The list page's URL name when the pages live elsewhere.
    list_url_name: str = ""

    @property
    def model(self):
        return self.form_class._meta.model

    @property
    def list_url(self) -> str:
        """The table's list page (where an import or an edit returns)."""
        return reverse(self.list_url_name or f"suppliers:reference_{self.slug}")

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.form_class._meta.fields)

    @property
    def layout(self) -> TableLayout:
        required = tuple(
            name for name in self.columns if self.form_class.base_fields[name].required
        )
        return TableLayout(self.columns, required, {header_key(c): c for c in self.columns})

    def export_values(self, row) -> list:
        return [_cell(getattr(row, column)) for column in self.columns]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "code"):  # a django-countries Country
        return value.code
    return value


TABLES: dict[str, ReferenceTable] = {
    table.slug: table
    for table in (
        ReferenceTable(
            "ratifications",
            gettext_lazy("ILO ratifications"),
            forms.RatificationForm,
            display=(
                (gettext_lazy("Country"), lambda r: r.country.name),
                (gettext_lazy("Convention"), lambda r: r.get_convention_display()),
                (gettext_lazy("Status"), lambda r: r.get_status_display()),
                (gettext_lazy("Ratified on"), lambda r: r.ratified_on or ""),
            ),
        ),
        ReferenceTable(
            "pathfinders",
            gettext_lazy("Alliance 8.7 pathfinder countries"),
            forms.PathfinderCountryForm,
            display=(
                (gettext_lazy("Country"), lambda r: r.country.name),
                (gettext_lazy("Pathfinder since"), lambda r: r.since or ""),
            ),
        ),
        ReferenceTable(
            "corridors",
            gettext_lazy("Migration corridors"),
            forms.MigrationCorridorForm,
            country_fields=("origin", "transit", "destination"),
            display=(
                (gettext_lazy("Route"), str),
                (gettext_lazy("Priority"), lambda r: _("Yes") if r.priority else _("No")),
            ),
        ),
        ReferenceTable(
            "products",
            gettext_lazy("Sectors and products"),
            forms.ProductCategoryForm,
            country_fields=(),
            display=(
                (gettext_lazy("Sector"), lambda r: r.get_sector_display()),
                (gettext_lazy("Product"), lambda r: r.name),
                (gettext_lazy("HS code"), lambda r: r.hs_code),
            ),
        ),
        ReferenceTable(
            "exchange-rates",
            gettext_lazy("Exchange rates"),
            forms.ExchangeRateForm,
            country_fields=(),
            display=(
                (gettext_lazy("Currency"), lambda r: r.currency),
                (gettext_lazy("Date"), lambda r: r.date),
                (gettext_lazy("Units per euro"), lambda r: r.units_per_euro),
            ),
        ),
        ReferenceTable(
            "country-risk",
            gettext_lazy("Forced and child labour risk by country"),
            forms.CountryRiskIndicatorForm,
            pages=False,
            list_url_name="learning:country_risk_list",
        ),
    )
}


# --- Staff edits ------------------------------------------------------------------------


def _require_staff(by) -> None:
    if by is not None and not by.is_ew_staff:
        raise DomainError(_("Only Electronics Watch staff keep the reference data."))


def reference_save(*, form: forms.ReferenceForm, by, log: bool = True):
    """Save a valid form of a reference table (a staff page's or an imported row's)."""
    _require_staff(by)
    row = form.save(commit=False)
    if isinstance(row, CountryRiskIndicator) and by is not None:
        row.updated_by = by
    row.save()
    if log:
        audit_log.info(
            "reference row saved: %s=%s by=%s", row._meta.label, row.pk, getattr(by, "pk", None)
        )
    return row


def reference_delete(*, row, by) -> None:
    _require_staff(by)
    audit_log.info("reference row deleted: %s=%s by=%s", row._meta.label, row.pk, by.pk)
    row.delete()


# --- CSV --------------------------------------------------------------------------------


class ReferenceImportRejected(DomainError):
    def __init__(self, errors: list[RowError], stopped_at_row: int | None = None):
        super().__init__(_("The file was not imported: nothing was saved."), field="file")
        self.errors = errors
        self.stopped_at_row = stopped_at_row


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0


def _plain(value: str) -> str:
    """A cell as typed: the apostrophe that `safe_cell` put before a formula-like text goes."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def import_table(table: ReferenceTable, file: IO[bytes], *, by) -> ImportResult:
    """Every row of the file into the table, or none (ReferenceImportRejected, DomainError)."""
    _require_staff(by)
    checked: list[forms.ReferenceForm] = []
    errors: list[RowError] = []
    seen: dict[tuple, int] = {}
    stopped_at = None
    for row in read_table_rows(file, table.layout):
        data = {column: _plain(row[column]) for column in table.columns}
        form = table.form_class(data=data, upsert=True)
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = name if name in table.columns else ""
                errors.extend(RowError(row["row"], column, str(m)) for m in messages)
        else:
            key = tuple(
                tuple(v) if isinstance(v := form.cleaned_data[n], list) else v
                for n in table.form_class.key_fields
            )
            if key in seen:
                errors.append(
                    RowError(
                        row["row"],
                        table.form_class.key_fields[-1],
                        _("The same as row %(row)d: keep one of them.") % {"row": seen[key]},
                    )
                )
            seen.setdefault(key, row["row"])
            checked.append(form)
        if len(errors) >= MAX_ERRORS:
            stopped_at = row["row"]
            break
    if errors:
        raise ReferenceImportRejected(errors, stopped_at)
    created = unchanged = 0
    recorded = table.model.objects.in_bulk([f.instance.pk for f in checked if f.instance.pk])
    with transaction.atomic():
        for form in checked:
            if form.instance.pk is None:
                created += 1
            elif _same_values(table, recorded[form.instance.pk], form.instance):
                unchanged += 1
                continue  # not written: its history and who changed it last stay as they are
            reference_save(form=form, by=by, log=False)
    result = ImportResult(
        created=created, updated=len(checked) - created - unchanged, unchanged=unchanged
    )
    audit_log.info(
        "reference table imported: %s created=%s updated=%s unchanged=%s by=%s",
        table.slug,
        result.created,
        result.updated,
        result.unchanged,
        getattr(by, "pk", None),
    )
    return result


def _same_values(table: ReferenceTable, recorded, imported) -> bool:
    """Whether an imported row says what the recorded one already says (2.50 is 2.5)."""
    return all(getattr(recorded, column) == getattr(imported, column) for column in table.columns)


def export_rows(table: ReferenceTable, queryset=None):
    rows = queryset if queryset is not None else table.model.objects.all()
    for row in rows.order_by(*table.model._meta.ordering, "pk"):
        yield table.export_values(row)


def _seed_exchange_rates(table: ReferenceTable, file: IO[bytes]) -> ImportResult:
    """The seed's exchange rates (a weekly demo series, some 1,600 rows) in one upsert rather
    than a form and a save per row; the database's constraints still check every rate."""
    rates = [
        ExchangeRate(
            currency=row["currency"].strip().upper(),
            date=date.fromisoformat(row["date"].strip()),
            units_per_euro=Decimal(row["units_per_euro"].strip()),
            source=row["source"].strip(),
        )
        for row in read_table_rows(file, table.layout)
    ]
    with transaction.atomic():
        before = ExchangeRate.objects.count()
        ExchangeRate.objects.bulk_create(
            rates,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["currency", "date"],
            update_fields=["units_per_euro", "source"],
        )
        created = ExchangeRate.objects.count() - before
    return ImportResult(created=created, updated=len(rates) - created)


def seed_reference_data(*, stdout=None) -> dict[str, ImportResult]:
    """The documented reference set of `suppliers/reference_data/` (idempotent)."""
    results = {}
    for slug, table in TABLES.items():
        path = SEED_DIR / f"{slug}.csv"
        if not path.exists():
            continue
        with path.open("rb") as file:
            if table.model is ExchangeRate:
                results[slug] = _seed_exchange_rates(table, file)
            else:
                results[slug] = import_table(table, file, by=None)
        if stdout is not None:
            result = results[slug]
            stdout.write(
                f"{slug}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged"
            )
    return results
