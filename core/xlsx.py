"""Reading the first worksheet of an uploaded XLSX workbook, with bounded time and memory.

openpyxl builds a dictionary per cell and keeps a whole row in memory before handing it over:
a 200 KB workbook of empty cells or blank rows keeps it busy for a minute. This reader streams
the sheet's XML through expat, keeps nothing but the row being read, and stops at the limits
its caller gives: the unpacked size of the archive, the number of XML elements (every element
costs parsing time, empty or not), and the row numbers (blank rows count).

It reads values only: shared and inline strings, numbers, booleans, error values and formula
results. Number formats are not applied (a date typed in a cell comes back as its serial
number); lists of sites have no date column.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat

from django.utils.translation import gettext as _

from .errors import DomainError

_CHUNK = 64 * 1024
_OFFICE_DOCUMENT = "/officeDocument"
_WORKSHEET = "/worksheet"
_SHARED_STRINGS = "/sharedStrings"


class XlsxError(DomainError):
    """The workbook cannot be read within the limits, or is not a workbook."""


class RowLimitExceeded(XlsxError):
    def __init__(self, max_row: int):
        super().__init__(
            _(
                "The sheet goes beyond row %(limit)d (blank rows count too). Delete the rows "
                "below the list, or split it into several files."
            )
            % {"limit": max_row}
        )


class _TooBig(Exception):
    pass


def not_a_workbook() -> XlsxError:
    return XlsxError(
        _(
            "The file is a ZIP archive but not an Excel workbook (.xlsx). Save the list as "
            ".xlsx or as CSV and upload it again."
        )
    )


def first_sheet_rows(
    data: bytes,
    *,
    max_unpacked: int,
    max_elements: int,
    max_row: int,
    max_columns: int,
    max_ignored: int,
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first worksheet's rows that hold something.

    Stops with XlsxError when the archive unpacks to more than `max_unpacked` bytes, when the
    workbook's XML holds more than `max_elements` elements, or when a row numbered above
    `max_row` appears (blank rows count), or when more than `max_ignored` cells and rows hold
    nothing or lie right of the first filled row. Cells after the `max_columns`-th are ignored.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise not_a_workbook() from error
    if sum(info.file_size for info in infos) > max_unpacked:
        raise XlsxError(
            _(
                "The workbook is too large once unpacked (more than %(limit)d MB). Split the "
                "list into several files, or save it as CSV."
            )
            % {"limit": max_unpacked // (1024 * 1024)}
        )
    budget = _Budget(max_elements)
    with archive:
        names = {info.filename for info in infos}
        sheet, rels = _first_sheet(archive, names, budget)
        if sheet is None:
            raise XlsxError(
                _(
                    "The workbook has no worksheet. Put the list of sites on the first sheet "
                    "(as in the template) and upload it again."
                )
            )
        strings_path = _target(rels, _SHARED_STRINGS)
        strings = (
            _shared_strings(archive, strings_path, budget)
            if strings_path and strings_path in names
            else []
        )
        yield from _sheet_rows(archive, sheet, strings, budget, max_row, max_columns, max_ignored)


def _first_sheet(
    archive: zipfile.ZipFile, names: set[str], budget: _Budget
) -> tuple[str | None, dict[str, tuple[str, str]]]:
    """The path of the workbook's first worksheet (None without one), and the workbook's
    relationships."""
    book = _target(_relationships(archive, "_rels/.rels", "", names, budget), _OFFICE_DOCUMENT)
    if book is None or book not in names:
        raise not_a_workbook()
    folder = posixpath.dirname(book)
    rels_path = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
    rels = _relationships(archive, rels_path, folder, names, budget)
    sheet = next(
        (
            rels[rid][1]
            for rid in _sheet_ids(archive, book, budget)
            if rid in rels and rels[rid][0].endswith(_WORKSHEET) and rels[rid][1] in names
        ),
        None,
    )
    return sheet, rels


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")


def first_sheet_row_estimate(data: bytes, *, bytes_per_row: int, max_elements: int) -> int:
    """About how many rows the first worksheet has, without reading them: the last row of
    the sheet's `<dimension>` (Excel and most writers put it first), else the sheet's
    unpacked size divided by `bytes_per_row`. 0 when the workbook cannot be read: reading it
    for real then says why."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive:
            infos = {info.filename: info for info in archive.infolist()}
            sheet, _rels = _first_sheet(archive, set(infos), _Budget(max_elements))
            if sheet is None:
                return 0
            with archive.open(sheet) as source:
                start = source.read(4096)
    except (XlsxError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return 0
    found = _DIMENSION.search(start)
    if found:
        return int(found.group(1))
    return infos[sheet].file_size // bytes_per_row


class _Budget:
    """XML elements left to parse, counted on the raw text before expat sees it."""

    def __init__(self, limit: int):
        self.left = limit
        self.limit = limit

    def spend(self, chunk: bytes) -> None:
        # Every element starts with "<" not followed by "/" (an upper bound: comments and
        # processing instructions count too).
        self.left -= chunk.count(b"<") - chunk.count(b"</")
        if self.left < 0:
            raise XlsxError(
                _(
                    "The workbook holds too many cells (more than %(limit)s, empty cells "
                    "included). Delete the unused rows and columns, or split the list."
                )
                % {"limit": f"{self.limit:,}"}
            )


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parse(
    archive: zipfile.ZipFile,
    path: str,
    budget: _Budget,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Feed the part's XML to expat in chunks, yielding after each chunk.

    Element names reach the handlers without their namespace prefix ("x:row" is "row"):
    spreadsheet parts use one namespace per element name.
    """
    parser = expat.ParserCreate()
    locals_: dict[str, str] = {}

    def refuse(*args):
        raise not_a_workbook()

    def local(name: str) -> str:
        found = locals_.get(name)
        if found is None:
            found = locals_[name] = _local(name)
        return found

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda name, attributes: start(local(name), attributes)
    if end is not None:
        parser.EndElementHandler = lambda name: end(local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        with archive.open(path) as source:
            while chunk := source.read(_CHUNK):
                budget.spend(chunk)
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise not_a_workbook() from error
    yield


def _relationships(
    archive: zipfile.ZipFile, path: str, folder: str, names: set[str], budget: _Budget
) -> dict[str, tuple[str, str]]:
    """Id → (type, path in the archive) of a part's relationships."""
    found: dict[str, tuple[str, str]] = {}
    if path not in names:
        return found

    def start(name, attributes):
        if name == "Relationship" and "Id" in attributes and "Target" in attributes:
            target = attributes["Target"]
            if target.startswith("/"):
                target = target.lstrip("/")
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            found.setdefault(attributes["Id"], (attributes.get("Type", ""), target))

    for _chunk in _parse(archive, path, budget, start):
        pass
    return found


def _target(rels: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((target for rtype, target in rels.values() if rtype.endswith(kind)), None)


def _sheet_ids(archive: zipfile.ZipFile, book: str, budget: _Budget) -> list[str]:
    ids: list[str] = []

    def start(name, attributes):
        if name == "sheet":
            rid = next((v for k, v in attributes.items() if k.endswith(":id")), None)
            if rid:
                ids.append(rid)

    for _chunk in _parse(archive, book, budget, start):
        pass
    return ids


def _shared_strings(archive: zipfile.ZipFile, path: str, budget: _Budget) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    in_t = False
    phonetic = 0

    def start(name, attributes):
        nonlocal in_t, phonetic
        if name == "si":
            parts.clear()
        elif name == "rPh":
            phonetic += 1
        elif name == "t":
            in_t = not phonetic

    def end(name):
        nonlocal in_t, phonetic
        if name == "si":
            strings.append("".join(parts).replace("x005F_", ""))
        elif name == "rPh":
            phonetic -= 1
        elif name == "t":
            in_t = False

    def text(data):
        if in_t:
            parts.append(data)

    for _chunk in _parse(archive, path, budget, start, end, text):
        pass
    return strings


def _column_number(reference: str) -> int | None:
    letters = 0
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
            letters += 1
        else:
            break
    return number if 0 < letters <= 3 else None


def _number_text(value: str) -> str:
    """The number as openpyxl would give it to `str`: 3, 22.6573 or 1e-05."""
    value = value.strip()
    try:
        if "." in value or "e" in value or "E" in value:
            number = float(value)
            return str(int(number)) if number.is_integer() else repr(number)
        return str(int(value))
    except (ValueError, OverflowError):
        return value


def _sheet_rows(
    archive: zipfile.ZipFile,
    path: str,
    strings: list[str],
    budget: _Budget,
    max_row: int,
    max_columns: int,
    max_ignored: int,
) -> Iterator[tuple[int, list[str]]]:
    """The rows that hold something; cells right of the first such row's last are ignored.

    Ignored cells (empty, or outside the header's width) are counted: they cost parsing time
    and give nothing, so more than `max_ignored` of them refuse the workbook.
    """
    done: list[tuple[int, list[str]]] = []
    cells: dict[int, str] = {}
    parts: list[str] = []
    row_number = column = 0
    kind = "n"
    capture = in_cell = False
    width = max_columns
    header_seen = False
    ignored = 0

    def start(name, attributes):
        nonlocal row_number, column, kind, capture, in_cell
        if name == "c":
            found = _column_number(attributes.get("r", ""))
            column = found if found else column + 1
            kind = attributes.get("t", "n")
            in_cell = True
            parts.clear()
        elif name == "v" or name == "t":
            capture = in_cell
        elif name == "row":
            number = row_number + 1
            given = attributes.get("r", "")
            if given.isdigit() and len(given) <= 8:
                # Rows come in order: a number going back counts as the next row.
                number = max(number, int(given))
            if number > max_row:
                raise _TooBig(number)
            row_number = number
            column = 0
            cells.clear()
        elif name == "rPh":
            in_cell = False  # phonetic hints are not part of the value

    def end(name):
        nonlocal capture, in_cell, ignored, width, header_seen
        if name == "c":
            in_cell = False
            if column <= width and parts:
                cells[column] = _cell_value(kind, "".join(parts), strings)
            else:
                ignored += 1
                if ignored > max_ignored:
                    raise _TooManyIgnored
        elif name == "v" or name == "t":
            capture = False
        elif name == "row":
            if any(cells.values()):
                row = [""] * max(cells)
                for number, value in cells.items():
                    row[number - 1] = value
                done.append((row_number, row))
                if not header_seen:
                    header_seen = True
                    width = len(row)
            else:
                ignored += 1
                if ignored > max_ignored:
                    raise _TooManyIgnored
            cells.clear()
        elif name == "rPh":
            in_cell = True

    def text(data):
        if capture:
            parts.append(data)

    try:
        for _chunk in _parse(archive, path, budget, start, end, text):
            yield from done
            done.clear()
    except _TooBig as too_big:
        yield from done
        raise RowLimitExceeded(max_row) from too_big
    except _TooManyIgnored as too_many:
        raise XlsxError(
            _(
                "The sheet holds more than %(limit)s empty or unused cells and rows. Delete "
                "the rows below the list and the columns right of it, then upload it again."
            )
            % {"limit": f"{max_ignored:,}"}
        ) from too_many


class _TooManyIgnored(Exception):
    pass


def _cell_value(kind: str, raw: str, strings: list[str]) -> str:
    if kind == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError) as error:
            raise not_a_workbook() from error
    if kind == "b":
        return "1" if raw.strip() in ("1", "true") else "0"
    if kind == "n":
        return _number_text(raw)
    return raw  # inlineStr, str (formula result), e (error value), d (ISO date)
