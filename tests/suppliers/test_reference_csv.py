"""CSV import and export of every reference table: all or nothing with a report of every error
by row and column; formula-safe cells; export → import gives back the same rows."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import ExchangeRate
from suppliers.models import (
    CountryRiskIndicator,
    MigrationCorridor,
    PathfinderCountry,
    ProductCategory,
    Ratification,
)
from suppliers.reference_tables import TABLES, ImportResult, ReferenceImportRejected, import_table

pytestmark = pytest.mark.django_db

SRC = {"source": "A source", "source_url": "https://example.org/source", "year": 2025}


def _rows_of_every_table():
    Ratification.objects.create(
        country="MY",
        convention="C105",
        status="denounced",
        ratified_on=date(1958, 11, 13),
        note='=HYPERLINK("http://evil")',
        **SRC,
    )
    Ratification.objects.create(country="CN", convention="P029", status="not_ratified", **SRC)
    PathfinderCountry.objects.create(country="NP", since=2018, **SRC)
    MigrationCorridor.objects.create(
        origin="NP", transit=["IN", "AE"], destination="MY", priority=True, **SRC
    )
    MigrationCorridor.objects.create(origin="MM", destination="TH", **SRC)
    ProductCategory.objects.create(sector="lev", name="Battery cells", hs_code="8507", **SRC)
    ExchangeRate.objects.create(
        currency="THB", date=date(2025, 7, 1), units_per_euro=Decimal("38.150000"), source="ECB"
    )
    CountryRiskIndicator.objects.create(
        country="BD", indicator="child_labour", value="-listed", level="high", **SRC
    )


def _snapshot(table):
    return sorted(
        tuple(values) for values in (table.export_values(r) for r in table.model.objects.all())
    )


@pytest.mark.parametrize("slug", list(TABLES))
def test_export_then_import_gives_back_the_same_rows(client, staff, slug):
    _rows_of_every_table()
    table = TABLES[slug]
    before = _snapshot(table)
    client.force_login(staff)

    exported = client.get(reverse(f"suppliers:reference_{slug}_export"))
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith(f'attachment; filename="{slug}-')
    table.model.objects.all().delete()
    upload = SimpleUploadedFile(f"{slug}.csv", exported.content, content_type="text/csv")
    response = client.post(reverse(f"suppliers:reference_{slug}_import"), {"file": upload})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert _snapshot(table) == before
    assert before


def test_the_export_makes_formula_like_text_plain(client, staff):
    _rows_of_every_table()
    client.force_login(staff)

    exported = client.get(reverse("suppliers:reference_ratifications_export")).content.decode()

    assert '"\'=HYPERLINK(""http://evil"")"' in exported


def test_a_file_with_errors_saves_nothing_and_reports_each_error_by_row_and_column(client, staff):
    client.force_login(staff)
    data = (
        b"origin,transit,destination,priority,source,year\n"
        b"NP,,MY,true,IOM,2024\n"
        b"XX,,MY,false,IOM,2024\n"
        b"BD,BD,MY,false,IOM,2024\n"
        b"NP,,MY,false,IOM,2024\n"
        b"MM,,TH,false,,2024\n"
    )

    response = client.post(
        reverse("suppliers:reference_corridors_import"),
        {"file": SimpleUploadedFile("corridors.csv", data, content_type="text/csv")},
    )

    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["import_errors"]]
    assert errors == [(3, "origin"), (4, "transit"), (5, "destination"), (6, "source")]
    page = response.content.decode()
    assert "“XX” is not a country" in page
    assert "The same as row 2: keep one of them." in page
    assert not MigrationCorridor.objects.exists()
    report = client.get(reverse("suppliers:reference_corridors_errors"))
    assert report.status_code == 200
    assert "Bangladesh is the country of origin or destination" in report.content.decode()


def test_a_row_naming_a_recorded_one_updates_it(staff):
    ExchangeRate.objects.create(
        currency="THB", date=date(2025, 7, 1), units_per_euro=Decimal("30"), source="typo"
    )
    data = (
        b"currency,date,units_per_euro,source\nthb,2025-07-01,38.15,ECB\nMYR,2025-07-01,4.95,ECB\n"
    )

    result = import_table(TABLES["exchange-rates"], io.BytesIO(data), by=staff)

    assert result == ImportResult(created=1, updated=1)
    assert ExchangeRate.objects.get(currency="THB").units_per_euro == Decimal("38.15")


def test_a_file_without_a_required_column_is_refused(client, staff):
    client.force_login(staff)

    response = client.post(
        reverse("suppliers:reference_pathfinders_import"),
        {"file": SimpleUploadedFile("p.csv", b"country,year\nNP,2025\n", content_type="text/csv")},
    )

    assert response.status_code == 400
    assert "The file is missing columns: source" in response.content.decode()
    assert not PathfinderCountry.objects.exists()


def test_an_imported_country_risk_figure_records_who_changed_it(staff):
    data = (
        b"country,indicator,value,level,source,year\n"
        b"Bangladesh,forced_labour,Listed,high,U.S. DoL,2024\n"
    )

    import_table(TABLES["country-risk"], io.BytesIO(data), by=staff)

    figure = CountryRiskIndicator.objects.get()
    assert (figure.country.code, figure.updated_by) == ("BD", staff)


@pytest.mark.parametrize("slug", list(TABLES))
def test_reimporting_an_unchanged_export_changes_nothing(client, staff, slug):
    _rows_of_every_table()
    table = TABLES[slug]
    client.force_login(staff)
    exported = client.get(reverse(f"suppliers:reference_{slug}_export")).content

    result = import_table(table, io.BytesIO(exported), by=staff)

    count = table.model.objects.count()
    assert result == ImportResult(created=0, updated=0, unchanged=count)


def test_the_import_counts_rows_added_updated_and_unchanged_and_writes_only_changes(client, staff):
    for country in ("BD", "MY"):
        CountryRiskIndicator.objects.create(
            country=country, indicator="forced_labour", value="Listed", level="high", **SRC
        )
    data = (
        b"country,indicator,value,level,source,source_url,year\n"
        b"BD,forced_labour,Listed,high,A source,https://example.org/source,2025\n"
        b"MY,forced_labour,Listed,medium,A source,https://example.org/source,2025\n"
        b"TH,forced_labour,Listed,low,A source,,2025\n"
    )
    client.force_login(staff)

    response = client.post(
        reverse("suppliers:reference_country-risk_import"),
        {"file": SimpleUploadedFile("risk.csv", data, content_type="text/csv")},
        follow=True,
    )

    # The country risk table's pages are learning's: the import returns there.
    assert response.redirect_chain == [(reverse("learning:country_risk_list"), 302)]
    assert (
        "The file was imported: 1 row added, 1 row updated, 1 row unchanged."
        in response.content.decode()
    )
    changed_by = dict(CountryRiskIndicator.objects.values_list("country", "updated_by"))
    assert changed_by == {"BD": None, "MY": staff.pk, "TH": staff.pk}


def test_an_import_of_a_ratification_in_the_future_is_refused(staff):
    data = (
        b"country,convention,status,ratified_on,source,year\nTH,C029,in_force,2099-01-01,ILO,2025\n"
    )

    with pytest.raises(ReferenceImportRejected) as rejected:
        import_table(TABLES["ratifications"], io.BytesIO(data), by=staff)

    [error] = rejected.value.errors
    assert (error.row, error.column) == (2, "ratified_on")
    assert "1 January 2099 is in the future" in error.message
    assert not Ratification.objects.exists()
