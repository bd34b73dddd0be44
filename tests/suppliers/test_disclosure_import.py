import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope
from openpyxl import Workbook, load_workbook

from core.errors import DomainError
from suppliers.import_files import (
    DisclosureFileError,
    parse_disclosure_file,
    template_csv,
    template_xlsx,
)
from suppliers.import_rows import RowError, errors_as_csv, validate_rows
from suppliers.imports import DisclosureImportRejected, disclosure_add_rows, disclosure_import
from suppliers.models import DisclosureLine, Factory, FactoryMatchReview
from tests import FIXTURES
from tests.factories import AffiliateFactory, ContractFactory, DisclosureFactory, FactoryFactory

OPEN_SUPPLY_HUB_LIST = FIXTURES / "facility-lists" / "winter-2019-compliance-list.csv"
HEADER = ["site_name", "address", "country", "brand", "product_model", "tier"]
PRECISION = ["Shenzhen Precision Electronics Co., Ltd.", "No. 5 Industrial Road, Longhua", "CN"]


def _disclosure(affiliate=None, **fields):
    contract = ContractFactory(affiliate=affiliate or AffiliateFactory())
    return DisclosureFactory(contract=contract, **fields)


def _csv(rows, header=HEADER, name="sites.csv", encoding="utf-8"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def _xlsx(rows, header=HEADER):
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("sites.xlsx", out.getvalue())


def _zip(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _lines(disclosure):
    with scope(affiliate=disclosure.affiliate):
        return list(
            DisclosureLine.objects.filter(disclosure=disclosure)
            .select_related("factory")
            .order_by("site_name", "product_model")
        )


def _laptops(count, site=PRECISION):
    return [[*site, "Acme Devices", f"AcmeBook T{n}", "1"] for n in range(count)]


def _rejected(disclosure, upload):
    with pytest.raises(DisclosureImportRejected) as rejected:
        disclosure_import(disclosure=disclosure, file=upload, by=None)
    return [(e.row, e.column, e.message) for e in rejected.value.errors]


def test_one_bad_row_among_many_saves_nothing_and_says_where(db):
    disclosure = _disclosure()
    rows = _laptops(40)
    rows[15][2] = "Atlantis"  # line 17 of the file: the header is line 1
    with pytest.raises(DisclosureImportRejected) as rejected:
        disclosure_import(disclosure=disclosure, file=_csv(rows), by=None)
    assert "The file has 1 error; nothing was imported." in str(rejected.value)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(17, "country")]
    assert "“Atlantis” is not a country" in rejected.value.errors[0].message
    assert _lines(disclosure) == []
    assert not Factory.objects.exists()


def test_a_valid_csv_creates_lines_linked_to_known_and_new_factories(db):
    known = FactoryFactory(name=PRECISION[0], address=PRECISION[1], country="CN")
    disclosure = _disclosure()
    rows = [
        *_laptops(2),
        [
            "Lotus Bay Electronics Batam",
            "Jalan Beringin Lot 1, Batam",
            "Indonesia",
            "Kestrel Computing",
            "Kestrel Pro 5440",
            "2",
        ],
    ]
    result = disclosure_import(disclosure=disclosure, file=_csv(rows), by=None)
    assert (result.created, result.updated, result.factories_created) == (3, 0, 1)
    lines = _lines(disclosure)
    assert [(line.site_name, line.country.code, line.tier) for line in lines] == [
        ("Lotus Bay Electronics Batam", "ID", 2),
        (PRECISION[0], "CN", 1),
        (PRECISION[0], "CN", 1),
    ]
    assert lines[1].factory == lines[2].factory == known
    assert lines[0].factory.function == "component"
    assert {line.affiliate_id for line in lines} == {disclosure.affiliate_id}


def test_a_valid_xlsx_is_read_like_a_csv(db):
    disclosure = _disclosure()
    header = ["Site Name", "Address", "Country", "Brand", "Model", "Tier", "Lat", "Lng"]
    rows = [
        [*PRECISION, "Acme Devices", "AcmeBook T14", 1, 22.6573, 114.0295],
        [
            "Jade River Computer Shanghai",
            "No. 9 Riverside Road, Songjiang",
            "chn",
            "Halden",
            840,
            1,
            None,
            None,
        ],
    ]
    result = disclosure_import(disclosure=disclosure, file=_xlsx(rows, header), by=None)
    assert (result.created, result.factories_created) == (2, 2)
    lines = _lines(disclosure)
    assert [(line.site_name, line.product_model) for line in lines] == [
        ("Jade River Computer Shanghai", "840"),
        (PRECISION[0], "AcmeBook T14"),
    ]
    assert str(lines[1].factory.latitude) == "22.657300"


def test_the_same_factory_disclosed_by_two_affiliates_is_one_factory(db):
    northvale = _disclosure(AffiliateFactory(slug="northvale"))
    southport = _disclosure(AffiliateFactory(slug="southport"))
    disclosure_import(
        disclosure=northvale,
        file=_csv([[*PRECISION, "Acme Devices", "AcmeBook T14", "1"]]),
        by=None,
    )
    spelled_otherwise = [
        "Shenzhen Precision Electronics Co. Limited",
        "No. 5, Industrial Road, Longhua,",
        "china",
    ]
    result = disclosure_import(
        disclosure=southport,
        file=_csv([[*spelled_otherwise, "Acme Devices", "AcmeBook T14", "1"]]),
        by=None,
    )
    assert result.factories_created == 0
    assert Factory.objects.count() == 1
    assert _lines(northvale)[0].factory == _lines(southport)[0].factory


def test_a_moderately_similar_site_gets_a_factory_and_a_review_for_staff(db):
    known = FactoryFactory(name=PRECISION[0], address=PRECISION[1], country="CN")
    disclosure = _disclosure()
    plastics = ["Shenzhen Precision Plastics Co., Ltd.", "No. 9 Industrial Road, Longhua", "CN"]
    result = disclosure_import(
        disclosure=disclosure,
        file=_csv([[*plastics, "Acme Devices", "AcmeBook T14", "2"]]),
        by=None,
    )
    assert (result.factories_created, result.reviews_created) == (1, 1)
    review = FactoryMatchReview.objects.get()
    assert review.candidate == known
    assert review.factory == _lines(disclosure)[0].factory != known


def test_uploading_again_updates_lines_instead_of_adding_them_twice(db):
    disclosure = _disclosure()
    rows = _laptops(5)
    disclosure_import(disclosure=disclosure, file=_csv(rows), by=None)
    rows[3][5] = "2"
    rows[3][0] = "SHENZHEN PRECISION ELECTRONICS LIMITED"  # the same site, written otherwise
    result = disclosure_import(disclosure=disclosure, file=_csv(rows), by=None)
    assert (result.created, result.updated, result.factories_created) == (0, 5, 0)
    lines = _lines(disclosure)
    assert len(lines) == 5
    changed = next(line for line in lines if line.product_model == "AcmeBook T3")
    assert (changed.tier, changed.site_name) == (2, "SHENZHEN PRECISION ELECTRONICS LIMITED")


def test_repeated_lines_in_one_file_are_reported_with_both_rows(db):
    disclosure = _disclosure()
    rows = _laptops(6)
    rows[4] = [
        "Shenzhen Precision Electronics Limited",
        "elsewhere",
        "cn",
        "ACME DEVICES",
        "AcmeBook T1",
    ]
    errors = _rejected(disclosure, _csv(rows))
    assert errors == [(6, "site_name", "Same site, brand and model as row 3.")]
    assert _lines(disclosure) == []


def test_every_bad_value_is_named_in_the_report(db):
    disclosure = _disclosure()
    header = [*HEADER, "function", "os_id", "latitude", "longitude"]
    rows = [
        [
            "",
            "No. 5 Industrial Road",
            "CN",
            "Acme Devices",
            "T14",
            "4",
            "assembly line",
            "",
            "",
            "",
        ],
        [*PRECISION, "Acme Devices", "T14s", "1", "", "cn-123", "95", "abc"],
        [
            "x" * 300,
            "Somewhere",
            "Republic of Nowhere",
            "Acme Devices",
            "T16",
            "",
            "",
            "",
            "45",
            "",
        ],
    ]
    assert _rejected(disclosure, _csv(rows, header)) == [
        (2, "site_name", "This field is required."),
        (
            2,
            "tier",
            "“4” is not a tier: write 1 (final assembly), 2 (component) or 3 (raw material).",
        ),
        (
            2,
            "function",
            "“assembly line” is not a site function: write final_assembly, component or "
            "raw_material.",
        ),
        (3, "os_id", "“CN-123” is not an Open Supply Hub ID (for example CN2019303BQ3FZP)."),
        (3, "latitude", "“95” is out of range: between -90 and 90."),
        (3, "longitude", "“abc” is not a number."),
        (
            4,
            "site_name",
            "“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…” is too long: 300 characters, at most 255.",
        ),
        (
            4,
            "country",
            "“Republic of Nowhere” is not a country: write its two-letter code (CN), its "
            "three-letter code (CHN) or its English name (China).",
        ),
        (4, "longitude", "Give both latitude and longitude, or neither."),
    ]


def test_countries_are_understood_as_codes_or_english_names_in_any_case(db):
    rows = [
        {"row": n, "site_name": f"Site {n}", "address": "Road 1", "country": country}
        | {"brand": "Halden", "product_model": "840"}
        for n, country in enumerate(["VN", "vnm", "Viet Nam", "VIETNAM", "vn", " viet  nam "])
    ]
    valid, errors = validate_rows(rows)
    assert errors == []
    assert {row["country"] for row in valid} == {"VN"}


def test_the_open_supply_hub_list_is_read_but_lacks_brand_and_model(db):
    upload = SimpleUploadedFile("list.csv", OPEN_SUPPLY_HUB_LIST.read_bytes())
    with pytest.raises(DisclosureFileError) as refused:
        disclosure_import(disclosure=_disclosure(), file=upload, by=None)
    assert "The file is missing columns: brand, product_model." in str(refused.value)


def test_the_open_supply_hub_list_with_brand_and_model_imports(db):
    with OPEN_SUPPLY_HUB_LIST.open(newline="", encoding="utf-8") as source:
        table = list(csv.reader(source))
    rows = [[*row, "Fairlane Phones", "Fairlane 5"] for row in table[1:]]
    upload = _csv(rows, [*table[0], "brand", "model"])
    northvale = _disclosure(AffiliateFactory(slug="northvale"))

    result = disclosure_import(disclosure=northvale, file=upload, by=None)

    # Rows of one list are compared with each other: a few pairs wait for staff (one site
    # under two names at one street number, "Gimmill" and "Gimmill B"...), none is merged.
    assert (result.created, result.factories_created, result.reviews_created) == (62, 62, 4)
    lines = {line.site_name: line for line in _lines(northvale)}
    assert {line.country.code for line in lines.values()} == {
        "BD", "KH", "CN", "ID", "MY", "MM", "TH", "VN"
    }  # fmt: skip
    fashions = lines["AKH Fashions Ltd Ltd"].factory
    assert fashions.name_key == "akh fashions"
    assert str(fashions.latitude) == "23.823492"
    placeholder = [line for line in lines.values() if line.address == "Savar Dhaka 1340 Bangladesh"]
    assert len({line.factory_id for line in placeholder}) == 3
    placeholder_ids = [line.factory_id for line in placeholder]
    assert not FactoryMatchReview.objects.filter(
        factory_id__in=placeholder_ids, candidate_id__in=placeholder_ids
    ).exists()  # an address and a point shared by three firms say nothing

    southport = _disclosure(AffiliateFactory(slug="southport"))
    upload.seek(0)
    again = disclosure_import(disclosure=southport, file=upload, by=None)
    assert (again.created, again.factories_created, again.reviews_created) == (62, 0, 0)
    assert {line.site_name: line.factory_id for line in _lines(southport)} == {
        name: line.factory_id for name, line in lines.items()
    }


def test_a_picture_is_not_taken_for_a_list_of_sites(db):
    png = SimpleUploadedFile(
        "sites.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "image/png"
    )
    with pytest.raises(DisclosureFileError) as refused:
        disclosure_import(disclosure=_disclosure(), file=png, by=None)
    assert "This is not a CSV or XLSX file." in str(refused.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\nsite_name,address\n", "The first row must name the columns"),
        (b"site_name,address,country\n", "The file is missing columns: brand, product_model."),
        (b"site_name,address,country,brand,model\n", "The file names its columns but lists no"),
        (b"PK\x03\x04 not really a workbook", "not an Excel workbook (.xlsx)"),
        (_zip({"word/document.xml": "<w:document/>"}), "not an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "This is an old Excel (.xls) file."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is not a CSV or XLSX file."),
        (b"site_name,address\n" + b"x" * (20 * 1024 * 1024), "larger than 20 MB"),
    ],
)
def test_unreadable_files_get_a_clear_reason(content, message):
    with pytest.raises(DisclosureFileError) as refused:
        parse_disclosure_file(SimpleUploadedFile("sites.csv", content))
    assert message in str(refused.value)


def test_files_from_excel_are_read_whatever_their_encoding_and_separator():
    name = "Société Électronique Ltée"
    semicolons_cp1252 = (
        f"site_name;address;country;brand;product_model\n{name};Rue 1;FR;Galvani;X\n"
    )
    commas_with_bom = (
        f"\ufeffSite_Name,Address,Country,Brand,Product Model\n{name},Rue 1,FR,Galvani,X\n"
    )
    for content in (semicolons_cp1252.encode("cp1252"), commas_with_bom.encode()):
        (row,) = parse_disclosure_file(SimpleUploadedFile("sites.csv", content))
        assert (row["row"], row["site_name"], row["product_model"]) == (2, name, "X")


def test_an_accepted_disclosure_refuses_uploads(db):
    disclosure = _disclosure(status="accepted")
    with pytest.raises(DomainError) as refused:
        disclosure_import(disclosure=disclosure, file=_csv(_laptops(1)), by=None)
    assert "can no longer be changed" in str(refused.value)
    assert _lines(disclosure) == []


def test_the_error_report_cannot_smuggle_formulas_into_a_spreadsheet():
    report = errors_as_csv(
        [
            RowError(row=2, column="site_name", message='=HYPERLINK("http://evil")'),
            RowError(row=3, column="brand", message="+1"),
            RowError(row=4, column="brand", message="-1+2"),
            RowError(row=5, column="brand", message="@SUM(A1)"),
            RowError(row=6, column="tier", message="“4” is not a tier."),
        ]
    )
    assert report.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert rows == [
        ["row", "column", "message"],
        ["2", "site_name", '\'=HYPERLINK("http://evil")'],
        ["3", "brand", "'+1"],
        ["4", "brand", "'-1+2"],
        ["5", "brand", "'@SUM(A1)"],
        ["6", "tier", "“4” is not a tier."],
    ]


def test_the_templates_are_accepted_as_they_are_and_explain_themselves():
    for content in (template_csv().encode(), template_xlsx()):
        valid, errors = validate_rows(parse_disclosure_file(SimpleUploadedFile("t", content)))
        assert errors == []
        assert [(row["site_name"], row["country"], row["tier"]) for row in valid] == [
            ("Shenzhen Precision Electronics Co., Ltd.", "CN", 1)
        ]
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames[1] == "Instructions"
    text = " ".join(
        str(cell) for row in workbook["Instructions"].iter_rows(values_only=True) for cell in row
    )
    for explained in (
        "site_name",
        "longitude",
        "three-letter code (CHN)",
        "2 = strategic component",
        "updates the lines with the same site, brand and model",
    ):
        assert explained in text


def test_a_line_typed_in_a_form_is_checked_and_saved_like_an_uploaded_one(db):
    disclosure = _disclosure()
    row = dict(zip(HEADER, [*PRECISION, "Acme Devices", "AcmeBook T14", "1"], strict=True))
    result = disclosure_add_rows(disclosure=disclosure, rows=[row], by=None)
    assert (result.created, result.factories_created) == (1, 1)
    with pytest.raises(DisclosureImportRejected) as rejected:
        disclosure_add_rows(disclosure=disclosure, rows=[row | {"country": "Atlantis"}], by=None)
    assert [(e.column, e.message[:21]) for e in rejected.value.errors] == [
        ("country", "“Atlantis” is not a c")
    ]
    assert len(_lines(disclosure)) == 1
