"""Hostile disclosure uploads and OCDS files (issue 17): each gets a clear message and a 4xx,
fast, and nothing of a rejected file is saved. One regression test per attack, then a fuzz test
over a few hundred generated files."""

import csv
import io
import json
import random
import time
import tracemalloc
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from suppliers.import_files import DisclosureFileError, parse_disclosure_file
from suppliers.import_rows import MAX_ERRORS
from suppliers.imports import DisclosureImportRejected, disclosure_import
from suppliers.models import Contract, DisclosureLine, Factory, Supplier
from suppliers.ocds_package import OcdsImportRejected, read_package
from tests import FIXTURES
from tests.factories import ContractFactory, DisclosureFactory

pytestmark = pytest.mark.long

# A hostile file is refused within this much of this process's CPU time: a bound on the work
# a file can make us do (a parse that grows with the file would pass it by far), which other
# processes on a loaded machine do not stretch as they stretch the wall clock.
SECONDS = 2.0
HEADER = "site_name,address,country,brand,product_model,tier\n"
GOOD_ROW = (
    '"Shenzhen Precision Electronics Co., Ltd.",No. 5 Industrial Road,CN,Acme Devices,T14,1\n'
)
OCDS_PACKAGE = FIXTURES / "ocds" / "contract-release-package.json"

_SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>site_name</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>address</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>country</t></is></c>'
    b'<c r="D1" t="inlineStr"><is><t>brand</t></is></c>'
    b'<c r="E1" t="inlineStr"><is><t>product_model</t></is></c></row>'
)
_SHEET_TAIL = b"</sheetData></worksheet>"
_GOOD_XLSX_ROW = (
    b'<row><c t="inlineStr"><is><t>Dongguan Hongda Plastic Co., Ltd.</t></is></c>'
    b'<c t="inlineStr"><is><t>8 Industrial Avenue</t></is></c>'
    b'<c t="inlineStr"><is><t>CN</t></is></c><c t="inlineStr"><is><t>Halden</t></is></c>'
    b'<c t="inlineStr"><is><t>Halden Book 840</t></is></c></row>'
)


def _workbook(sheet_rows: bytes = b"", *, with_sheet: bool = True) -> bytes:
    """A minimal XLSX written with zipfile: a large sheet of repeated XML compresses to little."""
    sheets = '<sheet name="Sites" sheetId="1" r:id="rId1"/>' if with_sheet else ""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            f'officeDocument/2006/relationships"><sheets>{sheets}</sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        if with_sheet:
            archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet_rows + _SHEET_TAIL)
    return out.getvalue()


def _upload(content: bytes, name="sites.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _refused(content: bytes, *, timed: bool = True) -> str:
    """The message; under tracemalloc (which slows Python down) the time is not checked."""
    start = time.process_time()
    with pytest.raises(DisclosureFileError) as refused:
        parse_disclosure_file(_upload(content))
    assert not timed or time.process_time() - start < SECONDS
    return str(refused.value)


def _disclosure(affiliate=None):
    contract = ContractFactory(**({"affiliate": affiliate} if affiliate else {}))
    return DisclosureFactory(contract=contract)


def _saved_lines() -> tuple[int, int]:
    with scopes_disabled():
        return DisclosureLine.objects.count(), Factory.objects.count()


# --- Disclosure uploads ----------------------------------------------------------------------


def test_a_nul_byte_after_the_first_8_kb_of_a_csv_is_refused_with_its_line(db):
    rows = "".join(GOOD_ROW.replace("T14", f"T{n}") for n in range(400))
    content = (HEADER + rows).encode() + b"Nul\x00 Ltd,Road,CN,Halden,X,1\n"
    assert len(content) > 8192
    disclosure = _disclosure()
    with pytest.raises(DisclosureFileError) as refused:
        disclosure_import(disclosure=disclosure, file=_upload(content), by=None)
    assert "Line 402 of the file contains a control character (U+0000)" in str(refused.value)
    assert _saved_lines() == (0, 0)


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x0b", "\x7f", "\x85"])
def test_bell_escape_and_other_control_characters_anywhere_are_refused_not_stored(db, char):
    rows = "".join(GOOD_ROW.replace("T14", f"T{n}") for n in range(1000))
    content = (HEADER + rows + f"Bad{char}Site,Road,CN,Halden,X,1\n").encode()
    disclosure = _disclosure()
    with pytest.raises(DisclosureFileError) as refused:
        disclosure_import(disclosure=disclosure, file=_upload(content), by=None)
    assert f"Line 1002 of the file contains a control character (U+{ord(char):04X})" in str(
        refused.value
    )
    assert _saved_lines() == (0, 0)


def test_a_control_character_in_an_xlsx_cell_is_refused_with_its_row():
    row = _GOOD_XLSX_ROW.replace(b"Halden", b"Hal\xc2\x85den")  # U+0085, allowed by XML 1.0
    message = _refused(_workbook(_GOOD_XLSX_ROW + row))
    assert "Line 3 of the file contains a control character (U+0085)" in message


def test_an_xlsx_without_a_worksheet_gets_a_message():
    assert "The workbook has no worksheet." in _refused(_workbook(with_sheet=False))


def test_one_invalid_utf8_byte_is_refused_with_its_line_instead_of_read_as_cp1252():
    content = (HEADER + "Société Électronique,Rue 1,FR,Galvani,X,1\n").encode() + (
        b"Caf\xe9 Ltd,Rue 2,FR,Galvani,Y,1\n"
    )
    message = _refused(content)
    assert "Line 3 of the file is not UTF-8 text (byte 0xE9, character 4 of the line)" in message
    assert "CSV UTF-8" in message


def test_a_cp1252_file_from_excel_without_any_utf8_is_still_read():
    content = (HEADER + "Société Électronique,Rue 1,FR,Galvani,X,1\n").encode("cp1252")
    (row,) = parse_disclosure_file(_upload(content))
    assert row["site_name"] == "Société Électronique"


def test_a_small_xlsx_unpacking_to_60_mb_of_blank_rows_is_refused_before_reading():
    bomb = _workbook(b"<row/>" * 10_000_000)
    assert len(bomb) < 200_000
    assert "The workbook is too large once unpacked (more than 50 MB)" in _refused(bomb)


def test_blank_rows_count_against_the_row_limit():
    # 45 MB unpacked, under the archive limit: the row numbers stop it.
    tracemalloc.start()
    try:
        message = _refused(
            _workbook(_GOOD_XLSX_ROW + b'<row r="300000"/>' + b"<row/>" * 10), timed=False
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "The sheet goes beyond row 200001 (blank rows count too)" in message
    assert peak < 300 * 1024 * 1024


def test_a_sheet_of_empty_cells_is_refused_quickly():
    tracemalloc.start()
    try:
        bomb = _workbook(b'<row r="2">' + b'<c t="s"/>' * 4_000_000 + b"</row>")
        message = _refused(bomb, timed=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "too many cells" in message or "empty or unused cells" in message
    assert peak < 300 * 1024 * 1024


def test_blank_rows_repeating_the_same_number_still_count():
    message = _refused(_workbook(b'<row r="2"/>' * 150_000))
    assert "empty or unused cells and rows" in message


def test_a_csv_of_200000_bad_rows_stops_after_1000_errors_and_renders_200(
    client, northvale, northvale_officer, settings
):
    # The path inside the request stays bounded too, whatever the background threshold
    # (by default a file this long goes to the background: test_disclosure_uploads.py).
    settings.EW_IMPORT_BACKGROUND_ROWS = 1_000_000
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["site_name", "address", "country", "brand", "product_model", "latitude"])
    writer.writerows([["", "", "Atlantis", "", "", "north"]] * 200_000)
    content = out.getvalue().encode()
    disclosure = _disclosure(northvale)
    client.force_login(northvale_officer)
    url = reverse(
        "suppliers:disclosure_upload",
        kwargs={"affiliate_slug": northvale.slug, "pk": disclosure.pk},
    )
    tracemalloc.start()
    start = time.process_time()
    try:
        response = client.post(url, {"file": _upload(content)})
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    body = response.content.decode()
    assert response.status_code == 400
    assert elapsed < 3 * SECONDS  # tracemalloc slows Python down; the fuzz test times it bare
    assert peak < 300 * 1024 * 1024
    assert "Checking stopped at row 144: there were too many errors." in body
    assert body.count("<tr><td>") == 200
    report = client.get(
        reverse(
            "suppliers:disclosure_errors",
            kwargs={"affiliate_slug": northvale.slug, "pk": disclosure.pk},
        )
    )
    lines = b"".join(report.streaming_content if report.streaming else [report.content])
    # The header, every error of the rows checked (1,000 and the rest of the last row's), the
    # line saying where checking stopped.
    assert len(lines.decode().splitlines()) == 1 + 143 * 7 + 1
    assert _saved_lines() == (0, 0)


def test_a_rejected_row_cap_is_reported_by_the_service(db):
    content = (HEADER + ",,Atlantis,,,9\n" * 5000).encode()
    with pytest.raises(DisclosureImportRejected) as rejected:
        disclosure_import(disclosure=_disclosure(), file=_upload(content), by=None)
    # Six errors a row: the 167th row brings them to 1,002, and checking stops there.
    assert len(rejected.value.errors) == 167 * 6 >= MAX_ERRORS
    assert rejected.value.stopped_at_row == 168
    assert "Checking stopped at row 168 after 1002 errors" in str(rejected.value)


# --- OCDS import -----------------------------------------------------------------------------


def _ocds() -> dict:
    return json.loads(OCDS_PACKAGE.read_bytes())


def _ocds_errors(data: bytes) -> list[tuple[str, str]]:
    start = time.process_time()
    with pytest.raises(OcdsImportRejected) as rejected:
        read_package(data)
    assert time.process_time() - start < SECONDS
    return [(error.path, error.message) for error in rejected.value.errors]


def test_an_integer_of_more_than_4300_digits_is_a_clear_error():
    data = json.dumps(_ocds()).replace('"ocid": ', '"ocid": ' + "7" * 5000 + ', "x": ', 1)
    ((_path, message),) = _ocds_errors(data.encode())
    assert message == "The file holds a number of 5000 digits; no field takes more than 100."


def test_nan_infinity_and_huge_exponents_are_clear_errors():
    for number in ("NaN", "-Infinity", "1e999999999999999999999"):
        ((_path, message),) = _ocds_errors(b'{"releases": [{"value": %s}]}' % number.encode())
        assert "number" in message


def test_an_award_dated_9999_12_31_is_out_of_range():
    package = _ocds()
    package["releases"][0]["awards"][0]["date"] = "9999-12-31T00:00:00Z"
    errors = _ocds_errors(json.dumps(package).encode())
    assert (
        "releases[0].awards[0].date",
        "The year 9999 is out of range: give a date from 1900 to 2200.",
    ) in errors


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("title", "releases[0].contracts[0].title"),
        ("id", "releases[0].contracts[0].id"),
        ("ocid", "releases[0].ocid"),
    ],
)
@pytest.mark.parametrize(("escape", "code"), [("\\u0000", "U+0000"), ("\\ud800", "U+D800")])
def test_nul_or_a_lone_surrogate_in_a_title_id_or_ocid_is_named_by_path(field, path, escape, code):
    package = _ocds()
    target = package["releases"][0] if field == "ocid" else package["releases"][0]["contracts"][0]
    target[field] = "MARKER"
    data = json.dumps(package).replace("MARKER", f"bad{escape}value").encode()
    errors = _ocds_errors(data)
    assert [p for p, _message in errors] == [path]
    assert f"Contains a character that cannot be stored ({code}" in errors[0][1]


def test_a_lone_surrogate_in_a_key_is_reported_without_echoing_it():
    errors = _ocds_errors(b'{"releases": [{"\\udc00": 1}]}')
    assert errors[0][0] == "releases[0]"


def test_checking_a_file_of_empty_releases_is_linear_and_capped():
    for count in (1_500, 150_000):  # 12 KB, then 1.2 MB
        errors = _ocds_errors(b'{"releases": [' + b",".join([b"{}"] * count) + b"]}")
        assert len(errors) == 200


def test_many_contracts_with_many_parties_are_read_without_scanning_the_parties_each_time():
    release = _ocds()["releases"][0]
    contract, award, party = release["contracts"][0], release["awards"][0], release["parties"][0]
    count = 1500
    release["parties"] = [dict(party, id=f"p{n}") for n in range(count)]
    release["awards"] = [
        dict(award, id=f"a{n}", suppliers=[{"id": f"p{n}", "name": "x"}]) for n in range(count)
    ]
    release["contracts"] = [dict(contract, id=f"c{n}", awardID=f"a{n}") for n in range(count)]
    # Counted, not timed: the parties are walked once per release (an index by id), never
    # once per contract. `_list` is the reader's own helper, called through unchanged.
    from suppliers import ocds_release

    walks = []
    original = ocds_release._list

    def counting(value):
        result = original(value)
        if len(result) == count and isinstance(result[0], dict) and result[0].get("id") == "p0":
            walks.append(1)
        return result

    with mock.patch.object(ocds_release, "_list", counting):
        rows, _skipped = read_package(json.dumps({"releases": [release]}).encode())
    assert len(rows) == count
    assert len(walks) == 1


# --- Fuzz --------------------------------------------------------------------------------------

_CONTROL_BYTES = [bytes([b]) for b in (*range(0, 9), 11, 12, *range(14, 32), 127)]
_JSON_POISON = [
    b"\\u0000",
    b"\\ud800",
    b"\\udfff",
    b"9" * 4400,
    b"1e99999",
    b"NaN",
    b"-Infinity",
    b'"9999-12-31"',
    b'"0001-01-01T00:00:00+14:00"',
    b"[" * 2000,
    b"{}",
    b"null",
    b"\xff",
    b"\xed\xa0\x80",
]


def _good_csv(rng: random.Random) -> bytes:
    rows = "".join(
        f"Site {rng.randrange(10**6)} Co Ltd,{n} Road,CN,Acme Devices,T{n},{rng.choice('123')}\n"
        for n in range(rng.randrange(1, 40))
    )
    return (HEADER + rows).encode(rng.choice(["utf-8", "utf-8-sig", "utf-16"]))


def _mutate(rng: random.Random, data: bytes, poison: list[bytes]) -> bytes:
    data = bytearray(data)
    for _round in range(rng.randrange(1, 4)):
        at = rng.randrange(len(data) + 1)
        kind = rng.randrange(6)
        if kind == 0:
            data[at:at] = rng.choice(poison)
        elif kind == 1 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif kind == 2:
            del data[at:]
        elif kind == 3:
            data[at:at] = data[:at][-rng.randrange(1, 200) :] * rng.randrange(2, 50)
        elif kind == 4:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 30)))
        else:
            data[at:at] = rng.choice(poison) * rng.randrange(1, 2000)
    return bytes(data)


def _hostile_disclosure_files(rng: random.Random, count: int) -> list[tuple[str, bytes]]:
    csv_poison = [*_CONTROL_BYTES, b"\xff", b"\xe9", b'"', b"\r", b"\n" * 500, b",", b";"]
    xlsx_rows = [
        _GOOD_XLSX_ROW,
        b"<row/>" * 200_000,
        b'<row r="999999"/>',
        b'<row><c r="XFD2"><v>1</v></c></row>' * 50_000,
        b'<row><c t="s"><v>99</v></c></row>',
        b"<row><c><v>" + b"9" * 5000 + b"</v></c></row>",
        b'<row><c t="inlineStr"><is><t>a&#0;b</t></is></c></row>',
        b'<row><c t="inlineStr"><is><t>\xc2\x9b</t></is></c></row>',
        b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>",
        b"<c/>" * 300_000,
    ]
    files = [
        ("blank-rows.xlsx", _workbook(b"<row/>" * 10_000_000)),
        ("no-sheet.xlsx", _workbook(with_sheet=False)),
        ("nul-after-8k.csv", (HEADER + GOOD_ROW * 400).encode() + b"a\x00,b,CN,x,y\n"),
        ("errors.csv", (HEADER + ",,XX,,,9\n" * 200_000).encode()),
    ]
    while len(files) < count:
        if rng.random() < 0.6:
            files.append(("fuzz.csv", _mutate(rng, _good_csv(rng), csv_poison)))
        else:
            rows = b"".join(rng.choice(xlsx_rows) for _ in range(rng.randrange(1, 4)))
            workbook = _workbook(_GOOD_XLSX_ROW + rows)
            if rng.random() < 0.3:
                workbook = _mutate(rng, workbook, [b"PK\x03\x04", b"\x00" * 64])
            files.append(("fuzz.xlsx", workbook))
    return files


def _hostile_ocds_files(rng: random.Random, count: int) -> list[bytes]:
    good = OCDS_PACKAGE.read_bytes()
    files = [
        b'{"releases": [' + b",".join([b"{}"] * 1_500) + b"]}",
        good.replace(b'"date": "2010-05-10', b'"date": "9999-12-31', 1),
        good.replace(b'"title": "', b'"title": "\\u0000', 1),
        good.replace(b'"ocid": "', b'"ocid": "\\ud800', 1),
        good.replace(b'"id": "', b'"id": ' + b"1" * 4400 + b', "x": "', 1),
    ]
    while len(files) < count:
        files.append(_mutate(rng, good, _JSON_POISON))
    return files


def test_fuzz_hostile_disclosure_and_ocds_files_get_a_4xx_fast_and_save_nothing(
    client, northvale, northvale_officer
):
    rng = random.Random(17)
    client.force_login(northvale_officer)
    disclosure = _disclosure(northvale)
    upload_url = reverse(
        "suppliers:disclosure_upload",
        kwargs={"affiliate_slug": northvale.slug, "pk": disclosure.pk},
    )
    slow = []
    for name, content in _hostile_disclosure_files(rng, 125):
        with scope(affiliate=northvale):
            before = DisclosureLine.objects.filter(disclosure=disclosure).count()
        start = time.process_time()
        response = client.post(upload_url, {"file": SimpleUploadedFile(name, content)})
        elapsed = time.process_time() - start
        assert response.status_code in (302, 400), (name, content[:200])
        if elapsed > SECONDS:
            slow.append((name, round(elapsed, 2), content[:120]))
        if response.status_code == 400:
            with scope(affiliate=northvale):
                after = DisclosureLine.objects.filter(disclosure=disclosure).count()
            assert after == before, (name, content[:200])

    import_url = reverse("suppliers:contract_import", kwargs={"affiliate_slug": northvale.slug})
    for content in _hostile_ocds_files(rng, 125):
        with scopes_disabled():
            before = (Contract.objects.count(), Supplier.objects.count())
        start = time.process_time()
        response = client.post(import_url, {"file": SimpleUploadedFile("c.json", content)})
        elapsed = time.process_time() - start
        assert response.status_code in (302, 400), content[:300]
        if elapsed > SECONDS:
            slow.append(("ocds", round(elapsed, 2), content[:120]))
        if response.status_code == 400:
            with scopes_disabled():
                assert (Contract.objects.count(), Supplier.objects.count()) == before
    assert slow == []
