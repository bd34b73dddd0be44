"""Open Supply Hub lists into the registry and out of it (issue 15, item 5)."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scopes_disabled
from openpyxl import Workbook, load_workbook

from suppliers.country_names import country_code
from suppliers.import_files import DisclosureFileError
from suppliers.models import Factory, FactoryFunction, FactoryMatchReview, Sector, Supplier
from suppliers.open_supply_hub import FacilityListRejected, facility_list_import
from tests import FIXTURES
from tests.factories import (
    ContractFactory,
    DisclosureFactory,
    DisclosureLineFactory,
    FactoryFactory,
    member,
)

WINTER_2019 = FIXTURES / "facility-lists" / "winter-2019-compliance-list.csv"
IMPORT_URL = "/staff/factories/open-supply-hub/"
ERRORS_URL = "/staff/factories/open-supply-hub/errors.csv"
EXPORT_CSV = "/staff/factories/open-supply-hub.csv"
EXPORT_XLSX = "/staff/factories/open-supply-hub.xlsx"

OSH_HEADER = [
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
]
# As lists really come: countries in any case and form, a decimal comma, a workers' range.
OSH_ROWS = [
    ["viet nam", "Kestrel Display Vietnam Co., Ltd.", "Lot C3 Que Vo Industrial Park, Bac Ninh",
     "21.1408", "106.1803", "Electronics", "Monitors|Laptops", "Final Product Assembly",
     "1200-1500", "Kestrel Holdings", "VN2021118Q2ZK7A"],
    ["CHN", "Shenzhen Lianhua Precision Circuit Ltd", "No. 8 Gongye Road, Bao'an, Shenzhen",
     "22,6573", "114,0295", "Electronics", "Printed circuit boards", "Component manufacturing",
     "850", "", "CN2019303BQ3FZP"],
    ["Indonesia", "PT Batam Cell Energy", "Jl. Hang Kesturi Kav. 2, Batam",
     "-1.1301", "104.0529", "Automotive", "Battery cells", "", "", "Kestrel Holdings", ""],
    ["BANGLADESH", "Gazipur Knit Composite", "Salna Bazar, Gazipur 1704",
     "", "", "Apparel", "", "", "Less than 1000", "", ""],
]  # fmt: skip


def _csv(rows, header=OSH_HEADER, name="list.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


def _read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _facts(row) -> tuple:
    """What must survive a round trip: name, address, country, coordinates and OS ID."""
    lat = f"{Decimal(row['lat'].replace(',', '.')):.6f}" if row["lat"] else ""
    lng = f"{Decimal(row['lng'].replace(',', '.')):.6f}" if row["lng"] else ""
    return (row["name"], row["address"], row["country"], lat, lng, row["os_id"])


# --- Import ------------------------------------------------------------------------------


def test_the_real_winter_2019_list_imports_as_it_is(db):
    upload = SimpleUploadedFile("list.csv", WINTER_2019.read_bytes())

    result = facility_list_import(file=upload, by=None)

    assert result.rows == 62
    assert result.known == 0
    assert result.sites == result.factories_created == Factory.objects.count()
    assert result.reviews_created == FactoryMatchReview.objects.count()
    assert set(Factory.objects.values_list("country", flat=True)) == {
        "BD", "KH", "CN", "ID", "MY", "MM", "TH", "VN"
    }  # fmt: skip
    fashions = Factory.objects.get(name="AKH Fashions Ltd Ltd")
    assert (str(fashions.latitude), str(fashions.longitude)) == ("23.823492", "90.256577")
    # "Apparel" is no sector of ours: the factory takes the default, the list's word is kept.
    assert (fashions.sector, fashions.products) == (Sector.ICT, "Apparel")

    upload.seek(0)
    again = facility_list_import(file=upload, by=None)

    assert (again.rows, again.factories_created, again.reviews_created) == (62, 0, 0)
    assert again.known == again.sites == result.sites


@pytest.mark.parametrize(
    "path", sorted((FIXTURES / "facility-lists").glob("*.csv")), ids=lambda path: path.stem
)
def test_every_real_list_in_the_fixtures_imports_as_it_is(db, path):
    """Real lists write "United States", "Cote d'Ivoire"...: none may be refused for it."""
    result = facility_list_import(file=SimpleUploadedFile(path.name, path.read_bytes()), by=None)

    assert result.rows > 10
    assert result.sites == result.factories_created == Factory.objects.count()


def test_an_import_fills_what_a_known_factory_lacks_and_overwrites_nothing(db):
    known = FactoryFactory(
        name="Shenzhen Lianhua Precision Circuit Ltd",
        address="No. 8 Gongye Road, Bao'an, Shenzhen",
        country="CN",
        products="PCB assembly (staff research)",
    )
    kept_owner = Supplier.objects.create(name="Lianhua Group")
    known.owner = kept_owner
    known.save()

    result = facility_list_import(file=_csv(OSH_ROWS[1:2]), by=None)

    assert (result.known, result.factories_created, result.os_ids_added) == (1, 0, 1)
    known.refresh_from_db()
    assert known.os_id == "CN2019303BQ3FZP"
    assert known.workforce_size == 850
    assert (str(known.latitude), str(known.longitude)) == ("22.657300", "114.029500")
    assert known.products == "PCB assembly (staff research)"
    assert known.owner == kept_owner


def test_a_list_with_an_os_id_links_to_the_factory_that_has_it(db):
    known = FactoryFactory(name="Old name of the plant", country="CN", os_id="CN2019303BQ3FZP")

    result = facility_list_import(file=_csv(OSH_ROWS[1:2]), by=None)

    assert (result.known, result.factories_created) == (1, 0)
    assert Factory.objects.get() == known


def test_the_list_columns_fill_the_new_factories(db):
    facility_list_import(file=_csv(OSH_ROWS), by=None)

    display = Factory.objects.get(os_id="VN2021118Q2ZK7A")
    assert (display.country.code, display.sector, display.function) == (
        "VN", Sector.ICT, FactoryFunction.FINAL_ASSEMBLY
    )  # fmt: skip
    assert (display.products, display.workforce_size) == ("Monitors|Laptops", 1500)
    circuit = Factory.objects.get(os_id="CN2019303BQ3FZP")
    assert circuit.function == FactoryFunction.COMPONENT
    assert str(circuit.latitude) == "22.657300"
    cells = Factory.objects.get(name="PT Batam Cell Energy")
    assert (cells.sector, str(cells.latitude)) == (Sector.LEV, "-1.130100")
    # One parent company named twice is one company, owning both sites.
    assert display.owner_id == cells.owner_id == Supplier.objects.get(name="Kestrel Holdings").pk
    knit = Factory.objects.get(name="Gazipur Knit Composite")
    assert (knit.country.code, knit.products, knit.workforce_size) == ("BD", "Apparel", 1000)


def test_an_xlsx_list_imports(db):
    workbook = Workbook()
    workbook.active.append(["Country", "Name", "Address", "Lat", "Lng"])
    workbook.active.append(["Thailand", "Ayutthaya Drive Works", "88 Moo 1, Rojana", 14.3, 100.6])
    out = io.BytesIO()
    workbook.save(out)

    result = facility_list_import(file=SimpleUploadedFile("list.xlsx", out.getvalue()), by=None)

    assert result.factories_created == 1
    assert str(Factory.objects.get().latitude) == "14.300000"


def test_the_newer_template_with_combined_columns_imports(db):
    header = ["country", "name", "address", "sector_product_type", "facility_type_processing_type"]
    row = ["MY", "Penang Wafer Works", "Bayan Lepas FIZ", "Electronics|Wafers", "Smelting"]

    facility_list_import(file=_csv([row], header=header), by=None)

    wafers = Factory.objects.get()
    assert (wafers.sector, wafers.products) == (Sector.ICT, "Wafers")
    assert wafers.function == FactoryFunction.RAW_MATERIAL


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(db):
    huge = SimpleUploadedFile("list.csv", b"country,name,address\n" + b"x" * 20 * 1024 * 1024)

    with pytest.raises(DisclosureFileError) as refused:
        facility_list_import(file=huge, by=None)

    assert "larger than 20 MB" in str(refused.value)


def test_a_list_with_errors_saves_nothing_and_names_each_error(db):
    rows = [
        OSH_ROWS[0],
        ["Narnia", "Lantern Waste Works", "1 Lamp Post", "", "", "", "", "", "", "", ""],
        ["CN", "Half a place", "2 Road", "22.5", "", "", "", "", "many", "", "NOT-AN-ID"],
        ["CN", "", "3 Road", "", "", "", "", "", "", "", ""],
    ]

    with pytest.raises(FacilityListRejected) as rejected:
        facility_list_import(file=_csv(rows), by=None)

    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (3, "country"),
        (4, "lng"),
        (4, "os_id"),
        (4, "number_of_workers"),
        (5, "name"),
    ]
    assert "“Narnia” is not a country" in rejected.value.errors[0].message
    assert "“many” is not a number of workers" in rejected.value.errors[3].message
    assert not Factory.objects.exists()
    assert not Supplier.objects.exists()


def test_a_list_without_the_required_columns_is_refused(db):
    with pytest.raises(DisclosureFileError) as refused:
        facility_list_import(file=_csv([["CN", "A plant"]], header=["country", "name"]), by=None)

    assert "The file is missing columns: address." in str(refused.value)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Viet Nam", "VN"),
        ("VIETNAM", "VN"),
        ("china.", "CN"),
        ("chn", "CN"),
        ("  South   Korea ", "KR"),
        ("Türkiye", "TR"),
        ("Hong Kong SAR, China", "HK"),
        ("Myanmar", "MM"),
        ("uk", "GB"),
        ("United States", "US"),
        ("U.S.A.", "US"),
        ("Cote d'Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("The Netherlands", "NL"),
        ("Kingdom of Cambodia", "KH"),
        ("Narnia", ""),
    ],
)
def test_countries_are_read_as_lists_write_them(written, code):
    assert country_code(written) == code


# --- Pages -------------------------------------------------------------------------------


def test_staff_import_a_list_and_see_what_it_did(client, staff):
    client.force_login(staff)

    response = client.post(IMPORT_URL, {"file": _csv(OSH_ROWS)})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "The list was imported" in page
    assert "<dt>Rows read</dt><dd>4</dd>" in page
    assert "<dt>New factories</dt><dd>4</dd>" in page
    assert "<dt>Open Supply Hub IDs added to known factories</dt><dd>0</dd>" in page
    # The summary is shown once.
    assert "The list was imported" not in client.get(IMPORT_URL).content.decode()


def test_the_factories_page_links_to_the_lists(client, staff):
    client.force_login(staff)

    page = client.get("/staff/factories/").content.decode()

    assert f'href="{IMPORT_URL}"' in page


def test_a_rejected_list_shows_its_errors_and_offers_them_as_csv(client, staff):
    client.force_login(staff)
    bad = ["Narnia", "Lantern Waste Works", "1 Lamp Post", "", "", "", "", "", "", "", ""]

    response = client.post(IMPORT_URL, {"file": _csv([OSH_ROWS[0], bad])})

    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not imported: 1 error" in page
    assert "“Narnia” is not a country" in page
    assert not Factory.objects.exists()
    report = client.get(ERRORS_URL)
    assert report["Content-Disposition"] == 'attachment; filename="facility-list-errors.csv"'
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[1][:2] == ["3", "country"]


def test_an_unreadable_file_is_refused_on_the_form(client, staff):
    client.force_login(staff)
    png = SimpleUploadedFile("list.csv", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")

    response = client.post(IMPORT_URL, {"file": png})

    assert response.status_code == 400
    assert "This is not a CSV or XLSX file." in response.content.decode()


@pytest.mark.parametrize(
    "url", [IMPORT_URL, ERRORS_URL, EXPORT_CSV, EXPORT_XLSX, f"{EXPORT_CSV}?affiliate=northvale"]
)
def test_only_staff_reach_the_lists(client, northvale, url):
    client.force_login(member(northvale))

    assert client.get(url).status_code == 404
    assert client.post(IMPORT_URL, {"file": _csv(OSH_ROWS)}).status_code == 404
    assert not Factory.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(EXPORT_CSV)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Export ------------------------------------------------------------------------------


def test_a_list_round_trips_through_the_registry(client, staff):
    """Import, then export: the same facilities, then the export imports onto them again."""
    client.force_login(staff)
    client.post(IMPORT_URL, {"file": _csv(OSH_ROWS)})

    exported = _read_csv(client.get(EXPORT_CSV))

    given = [dict(zip(OSH_HEADER, row, strict=True)) for row in OSH_ROWS]
    codes = {"viet nam": "VN", "CHN": "CN", "Indonesia": "ID", "BANGLADESH": "BD"}
    expected = {_facts({**row, "country": codes[row["country"]]}) for row in given}
    assert {_facts(row) for row in exported} == expected
    assert list(exported[0]) == OSH_HEADER
    display = next(row for row in exported if row["os_id"] == "VN2021118Q2ZK7A")
    assert display["sector"] == "Electronics"
    assert display["facility_type"] == "Final Product Assembly"
    assert display["number_of_workers"] == "1500"
    assert display["parent_company"] == "Kestrel Holdings"

    again = client.post(IMPORT_URL, {"file": _csv([list(row.values()) for row in exported])})

    assert again.status_code == 302
    page = client.get(again["Location"]).content.decode()
    assert "<dt>Linked to factories already in the registry</dt><dd>4</dd>" in page
    assert "<dt>New factories</dt><dd>0</dd>" in page
    assert Factory.objects.count() == 4


def test_the_xlsx_export_holds_the_same_facilities(client, staff):
    client.force_login(staff)
    client.post(IMPORT_URL, {"file": _csv(OSH_ROWS)})

    response = client.get(EXPORT_XLSX)

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.values]
    assert rows[0] == OSH_HEADER
    exported = [dict(zip(OSH_HEADER, map(str, row), strict=True)) for row in rows[1:]]
    assert {(row["name"], row["country"], row["os_id"]) for row in exported} == {
        ("Kestrel Display Vietnam Co., Ltd.", "VN", "VN2021118Q2ZK7A"),
        ("Shenzhen Lianhua Precision Circuit Ltd", "CN", "CN2019303BQ3FZP"),
        ("PT Batam Cell Energy", "ID", ""),
        ("Gazipur Knit Composite", "BD", ""),
    }


def test_the_export_leaves_out_merged_factories_and_defuses_formulas(client, staff):
    client.force_login(staff)
    kept = FactoryFactory(name='=HYPERLINK("http://evil.example")', latitude=Decimal("-7.5"))
    FactoryFactory(name="Merged away", merged_into=kept)

    rows = _read_csv(client.get(EXPORT_CSV))

    assert [row["name"] for row in rows] == ['\'=HYPERLINK("http://evil.example")']
    assert rows[0]["lat"] == "-7.500000"


def test_an_affiliates_export_holds_the_sites_of_its_supply_chain_only(client, staff, northvale):
    client.force_login(staff)
    with scopes_disabled():
        chain = DisclosureFactory(contract=ContractFactory(affiliate=northvale), status="accepted")
        in_chain = DisclosureLineFactory(disclosure=chain).factory
        draft = DisclosureFactory(contract=ContractFactory(affiliate=northvale))
        DisclosureLineFactory(disclosure=draft)
    FactoryFactory(name="Someone else's site")

    rows = _read_csv(client.get(f"{EXPORT_CSV}?affiliate=northvale"))

    assert [row["name"] for row in rows] == [in_chain.name]
    assert client.get(f"{EXPORT_CSV}?affiliate=nowhere").status_code == 404


def test_the_export_keeps_its_query_budget(client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    FactoryFactory.create_batch(3, owner=Supplier.objects.create(name="Parent"))
    with django_assert_max_num_queries(8):
        assert len(_read_csv(client.get(EXPORT_CSV))) == 3
    FactoryFactory.create_batch(60)
    with django_assert_max_num_queries(8):
        assert len(_read_csv(client.get(EXPORT_CSV))) == 63
    with django_assert_max_num_queries(8):
        assert client.get(EXPORT_XLSX).status_code == 200
