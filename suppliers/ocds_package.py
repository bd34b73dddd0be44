"""Reading an OCDS 1.1 release package or record package and checking it: the contracts it
holds, as rows ready to write, or every problem at once, each with its JSON path, to fix them
in one go.

The file is read defensively (size, number lengths, characters that cannot be stored); each
release is read by `ocds_release`. A record package gives, per record, its compiled release,
or else its latest embedded release (by `date`); releases that are only linked by URL are
refused: the platform fetches nothing. Nothing here writes; `suppliers.ocds` imports the rows.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError

from .ocds_release import (
    MAX_ERRORS,
    ContractRow,
    Errors,
    OcdsItemError,
    SupplierRow,
    _aware,
    _list,
    _text,
    read_release,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ERRORS",
    "ContractRow",
    "OcdsImportRejected",
    "OcdsItemError",
    "SupplierRow",
    "read_package",
]

MAX_BYTES = 10 * 1024 * 1024
# No field holds a longer number (ids written as numbers included); Python refuses to convert
# integers of more than 4,300 digits anyway.
MAX_NUMBER_DIGITS = 100
# Strings holding these cannot be stored (PostgreSQL refuses NUL, UTF-8 refuses lone
# surrogates) or shown; JSON lets them in only as \u escapes, which this finds in the raw file.
FORBIDDEN_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_FORBIDDEN_ESCAPE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")


class OcdsImportRejected(DomainError):
    """The package was not imported; `errors` lists the problems found, at most MAX_ERRORS of
    them: `stopped_at` is then the path where checking stopped."""

    def __init__(self, errors: list[OcdsItemError], stopped_at: str | None = None):
        if stopped_at is None:
            message = ngettext(
                "The OCDS package was not imported: %(count)s problem found.",
                "The OCDS package was not imported: %(count)s problems found.",
                len(errors),
            ) % {"count": len(errors)}
        else:
            message = _(
                "The OCDS package was not imported: checking stopped at %(path)s after "
                "%(count)s problems."
            ) % {"count": len(errors), "path": stopped_at}
        super().__init__(message)
        self.errors = errors
        self.stopped_at = stopped_at


def read_package(data: bytes) -> tuple[list[ContractRow], list[str]]:
    """The contracts to write (per reference, the latest release wins), and the paths of the
    releases that had nothing to import; or OcdsImportRejected."""
    package = _parse_json(data)
    if _FORBIDDEN_ESCAPE.search(data):
        _refuse_forbidden_characters(package)
    errors = Errors()
    if isinstance(package, dict) and isinstance(package.get("releases"), list):
        releases = ((f"releases[{i}]", release) for i, release in enumerate(package["releases"]))
        kind = "releases"
    elif isinstance(package, dict) and isinstance(package.get("records"), list):
        releases = _record_releases(package["records"], errors)
        kind = "records"
    else:
        raise OcdsImportRejected(
            [
                OcdsItemError(
                    path="releases",
                    message=_(
                        "An OCDS file is a release package, with a list of releases under "
                        "“releases”, or a record package, with a list of records under "
                        "“records”."
                    ),
                )
            ]
        )
    rows: dict[str, ContractRow] = {}
    skipped = []
    for i, (path, release) in enumerate(releases):
        if errors.full:
            raise OcdsImportRejected(errors.items, stopped_at=path)
        if not isinstance(release, dict):
            errors.add(path, _("Expected a JSON object."))
            continue
        release_rows = read_release(release, i, path, errors)
        if errors.full:
            raise OcdsImportRejected(errors.items, stopped_at=path)
        if release_rows is None:
            skipped.append(path)
            continue
        for row in release_rows:
            if row.reference not in rows or row.release_order > rows[row.reference].release_order:
                rows[row.reference] = row
    # Every contract gives a row or an error: no row and no error means no contract at all.
    if not rows and not errors.items:
        errors.add(
            kind, _("No release in the package has a contract or an award: nothing to import.")
        )
    if errors.items:
        raise OcdsImportRejected(errors.items)
    return _without_awards_of_contracts(rows.values()), skipped


def _without_awards_of_contracts(rows) -> list[ContractRow]:
    """An award notice and the later release of its contract are one contract: the award's row
    goes when a contract of the same process points to it (`awardID`)."""
    rows = list(rows)
    contracted = {(row.ocid, row.award_id) for row in rows if not row.from_award}
    return [row for row in rows if not (row.from_award and (row.ocid, row.award_id) in contracted)]


def _record_releases(records: list, errors: Errors):
    """(path, release) per record: its compiled release, else its latest embedded release."""
    for n, record in enumerate(records):
        path = f"records[{n}]"
        if not isinstance(record, dict):
            errors.add(path, _("Expected a JSON object."))
            continue
        compiled = record.get("compiledRelease")
        if isinstance(compiled, dict):
            yield f"{path}.compiledRelease", compiled
            continue
        releases = _list(record.get("releases"))
        embedded = [
            (m, release)
            for m, release in enumerate(releases)
            if isinstance(release, dict) and "url" not in release
        ]
        if embedded:
            m, latest = max(embedded, key=lambda pair: (_release_date(pair[1]), pair[0]))
            yield f"{path}.releases[{m}]", latest
        elif releases:
            errors.add(
                f"{path}.releases",
                _(
                    "This record only links to its releases (by URL) and has no compiled "
                    "release. The platform does not fetch files from the web: upload the "
                    "release package, or a record package with a compiled release."
                ),
            )
        else:
            errors.add(path, _("This record has neither a compiled release nor releases."))


def _release_date(release: dict) -> datetime:
    """For picking the latest release; a missing or wrong date is reported when it is read."""
    try:
        return _aware(datetime.fromisoformat(_text(release.get("date"))))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _parse_json(data: bytes) -> Any:
    if len(data) > MAX_BYTES:
        raise OcdsImportRejected(
            [
                OcdsItemError(
                    path="",
                    message=_("The file is larger than %(limit)s MB.")
                    % {"limit": MAX_BYTES // (1024 * 1024)},
                )
            ]
        )
    try:
        return json.loads(
            data, parse_float=_parse_float, parse_int=_parse_int, parse_constant=_parse_constant
        )
    except _BadNumber as error:
        message = error.message
    except json.JSONDecodeError as error:
        message = _("The file is not valid JSON: error at line %(line)s, column %(column)s.") % {
            "line": error.lineno,
            "column": error.colno,
        }
    except (UnicodeDecodeError, RecursionError):
        message = _("The file is not JSON text in UTF-8.")
    raise OcdsImportRejected([OcdsItemError(path="", message=message)])


class _BadNumber(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _number_too_long(text: str) -> _BadNumber:
    return _BadNumber(
        _("The file holds a number of %(digits)s digits; no field takes more than %(max)s.")
        % {"digits": len(text), "max": MAX_NUMBER_DIGITS}
    )


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _number_too_long(text)
    return int(text)


def _parse_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _number_too_long(text)
    try:
        return Decimal(text)
    except InvalidOperation as error:  # an exponent beyond what Decimal holds
        raise _BadNumber(
            _("The file holds a number that is out of range: %(number)s.") % {"number": text}
        ) from error


def _parse_constant(text: str) -> Any:
    raise _BadNumber(
        _("The file holds “%(value)s”, which is not a number in JSON.") % {"value": text}
    )


def _refuse_forbidden_characters(package: Any) -> None:
    """Every string (and key) holding NUL, another control character or half a surrogate
    pair, by its path; one pass over the document, without recursion."""
    errors: list[OcdsItemError] = []
    stack: list[tuple[Any, str]] = [(package, "")]
    while stack and len(errors) < MAX_ERRORS:
        value, path = stack.pop()
        if isinstance(value, str):
            found = FORBIDDEN_CHARACTER.search(value)
            if found:
                errors.append(OcdsItemError(path=path, message=_forbidden_message(found.group())))
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                found = FORBIDDEN_CHARACTER.search(key)
                if found:
                    errors.append(
                        OcdsItemError(path=path, message=_forbidden_message(found.group()))
                    )
                    continue
                stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{n}]") for n, item in reversed(list(enumerate(value))))
    if errors:
        raise OcdsImportRejected(errors)


def _forbidden_message(char: str) -> str:
    return _(
        "Contains a character that cannot be stored (U+%(code)04X: a control character or "
        "half of a surrogate pair). Remove it."
    ) % {"code": ord(char)}
