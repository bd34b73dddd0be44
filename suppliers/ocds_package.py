"""Reading an OCDS 1.1 release package and checking it: the contracts it holds, as rows ready
to write, or every problem at once, each with its JSON path, to fix them in one go.

Nothing here writes; `suppliers.ocds` imports the rows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import DomainError

from .country_names import code_by_english_name
from .models import CPV_PATTERN, Contract, Supplier

MAX_BYTES = 10 * 1024 * 1024
# Contract.value and value_eur are DecimalField(max_digits=14, decimal_places=2).
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
CPV_CODE = re.compile(CPV_PATTERN)
# Publishers that store ids as numbers write "45233130.0" or "11111111.0".
NUMBER_SUFFIX = re.compile(r"^(\d+)\.0+$")
# Problems kept and shown: checking stops once there are this many.
MAX_ERRORS = 200
# No field holds a longer number (ids written as numbers included); Python refuses to convert
# integers of more than 4,300 digits anyway.
MAX_NUMBER_DIGITS = 100
# Dates outside these years are mistakes (and 9999-12-31 plus 30 days does not exist).
MIN_YEAR, MAX_YEAR = 1900, 2200
# Strings holding these cannot be stored (PostgreSQL refuses NUL, UTF-8 refuses lone
# surrogates) or shown; JSON lets them in only as \u escapes, which this finds in the raw file.
FORBIDDEN_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_FORBIDDEN_ESCAPE = re.compile(rb"\\u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")


@dataclass(frozen=True)
class OcdsItemError:
    """One problem in the package, at a JSON path such as `releases[0].contracts[1].value`."""

    path: str
    message: str


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


@dataclass(frozen=True)
class SupplierRow:
    name: str
    legal_name: str
    country: str
    identifier_scheme: str
    identifier: str


@dataclass(frozen=True)
class ContractRow:
    reference: str
    title: str
    ocid: str
    value: Decimal
    currency: str
    value_eur: Decimal
    awarded_on: date
    start_date: date
    end_date: date
    cpv_codes: list[str]
    supplier: SupplierRow
    # Which release wins when the package holds the same contract several times.
    release_order: tuple[datetime, int]


class _Errors:
    def __init__(self):
        self.items: list[OcdsItemError] = []
        self.seen: set[OcdsItemError] = set()
        self.count = 0  # counts repeats too: a contract is broken if its award is

    def add(self, path: str, message: str) -> None:
        self.count += 1
        # An award shared by several contracts would otherwise report its problems twice.
        error = OcdsItemError(path=path, message=str(message))
        if error not in self.seen and len(self.items) < MAX_ERRORS:
            self.seen.add(error)
            self.items.append(error)

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_ERRORS


def read_package(data: bytes) -> tuple[list[ContractRow], list[str]]:
    """The contracts to write (per reference, the latest release wins), or OcdsImportRejected."""
    package = _parse_json(data)
    if _FORBIDDEN_ESCAPE.search(data):
        _refuse_forbidden_characters(package)
    errors = _Errors()
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        raise OcdsImportRejected(
            [
                OcdsItemError(
                    path="releases",
                    message=_(
                        "An OCDS release package is a JSON object with a list of releases "
                        "under “releases”."
                    ),
                )
            ]
        )
    rows: dict[str, ContractRow] = {}
    skipped = []
    for i, release in enumerate(package["releases"]):
        path = f"releases[{i}]"
        if errors.full:
            raise OcdsImportRejected(errors.items, stopped_at=path)
        if not isinstance(release, dict):
            errors.add(path, _("Expected a JSON object."))
            continue
        release_rows = _read_release(release, i, path, errors)
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
        errors.add("releases", _("No release in the package has a contract: nothing to import."))
    if errors.items:
        raise OcdsImportRejected(errors.items)
    return list(rows.values()), skipped


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


def _read_release(release: dict, i: int, path: str, errors: _Errors) -> list[ContractRow] | None:
    """The release's contracts; None when it has none (a planning or tender release)."""
    ocid = _text(release.get("ocid"))
    if not ocid:
        errors.add(f"{path}.ocid", _("This field is required."))
    elif len(ocid) > Contract._meta.get_field("ocid").max_length:
        errors.add(f"{path}.ocid", _too_long(Contract._meta.get_field("ocid").max_length))
    if not _text(release.get("id")):
        errors.add(f"{path}.id", _("This field is required."))
    released_at = _datetime(release.get("date"), f"{path}.date", errors, required=True)
    tag = release.get("tag")
    if not isinstance(tag, list) or not tag or not all(isinstance(t, str) for t in tag):
        errors.add(f"{path}.tag", _("Give at least one tag, for example “contract”."))

    contracts = release.get("contracts")
    if contracts is None or contracts == []:
        return None
    if not isinstance(contracts, list):
        errors.add(f"{path}.contracts", _("Expected a list."))
        return []
    awards = {}
    for k, award in enumerate(_list(release.get("awards"))):
        if isinstance(award, dict) and _text(award.get("id")):
            awards.setdefault(_text(award["id"]), (k, award))
    parties: dict[str, list[tuple[int, dict]]] = {}
    for n, party in enumerate(_list(release.get("parties"))):
        if isinstance(party, dict) and _text(party.get("id")):
            parties.setdefault(_text(party["id"]), []).append((n, party))
    order = (_aware(released_at) if released_at else datetime.min.replace(tzinfo=UTC), i)

    rows = []
    for j, contract in enumerate(contracts):
        if errors.full:
            break
        row = _read_contract(
            contract,
            path=f"{path}.contracts[{j}]",
            release_path=path,
            ocid=ocid,
            awards=awards,
            parties=parties,
            order=order,
            errors=errors,
        )
        if row is not None:
            rows.append(row)
    return rows


def _read_contract(
    contract: Any,
    *,
    path: str,
    release_path: str,
    ocid: str,
    awards: dict[str, tuple[int, dict]],
    parties: dict[str, list[tuple[int, dict]]],
    order: tuple[datetime, int],
    errors: _Errors,
) -> ContractRow | None:
    if not isinstance(contract, dict):
        errors.add(path, _("Expected a JSON object."))
        return None
    before = errors.count
    reference = _text(contract.get("id"))
    max_reference = Contract._meta.get_field("reference").max_length
    if not reference:
        errors.add(f"{path}.id", _("This field is required."))
    elif len(reference) > max_reference:
        errors.add(f"{path}.id", _too_long(max_reference))
    award_id = _text(contract.get("awardID"))
    if not award_id:
        errors.add(f"{path}.awardID", _("This field is required."))
        return None
    if award_id not in awards:
        errors.add(
            f"{path}.awardID",
            _("There is no award with id “%(id)s” in this release.") % {"id": award_id},
        )
        return None
    k, award = awards[award_id]
    award_path = f"{release_path}.awards[{k}]"

    title = _text(contract.get("title")) or _text(award.get("title"))
    if not title:
        errors.add(f"{path}.title", _("Neither the contract nor its award has a title."))
    supplier = _read_supplier(award, award_path, release_path, parties, errors)
    value, currency, value_eur = _read_value(contract, award, path, award_path, errors)
    awarded_on = _read_award_date(contract, award, path, award_path, errors)
    start_date, end_date = _read_period(contract, award, path, award_path, errors)
    cpv_codes = _read_cpv_codes(contract, award, path, award_path, errors)
    if errors.count > before:
        return None
    max_title = Contract._meta.get_field("title").max_length
    return ContractRow(
        reference=reference,
        title=title if len(title) <= max_title else title[: max_title - 1] + "…",
        ocid=ocid,
        value=value,
        currency=currency,
        value_eur=value_eur,
        awarded_on=awarded_on,
        start_date=start_date,
        end_date=end_date,
        cpv_codes=cpv_codes,
        supplier=supplier,
        release_order=order,
    )


def _read_supplier(
    award: dict,
    award_path: str,
    release_path: str,
    parties: dict[str, list[tuple[int, dict]]],
    errors: _Errors,
) -> SupplierRow | None:
    """The award's first supplier, with its details from the release's `parties`."""
    references = _list(award.get("suppliers"))
    if not references or not isinstance(references[0], dict):
        errors.add(f"{award_path}.suppliers", _("The award names no supplier."))
        return None
    reference = references[0]
    party_id = _text(reference.get("id"))
    matches = parties.get(party_id, []) if party_id else []
    suppliers = [(n, p) for n, p in matches if "supplier" in _list(p.get("roles"))]
    n, party = (suppliers or matches or [(None, {})])[0]
    name = _text(party.get("name")) or _text(reference.get("name"))
    if not name:
        errors.add(
            f"{award_path}.suppliers[0]",
            _("The supplier has no name, neither in the award nor in the release's parties."),
        )
        return None
    identifier = _dict(party.get("identifier"))
    scheme = _text(identifier.get("scheme"))
    identifier_id = _text(identifier.get("id"))
    number = NUMBER_SUFFIX.match(identifier_id)
    if number:
        identifier_id = number.group(1)
    party_path = f"{release_path}.parties[{n}]"
    lengths = [
        ("identifier.scheme", scheme, Supplier._meta.get_field("identifier_scheme").max_length),
        ("identifier.id", identifier_id, Supplier._meta.get_field("identifier").max_length),
    ]
    for key, text, limit in lengths:
        if len(text) > limit:
            errors.add(f"{party_path}.{key}", _too_long(limit))
    max_name = Supplier._meta.get_field("name").max_length
    legal_name = _text(identifier.get("legalName"))
    country_name = _text(_dict(party.get("address")).get("countryName"))
    return SupplierRow(
        name=name[:max_name],
        legal_name=legal_name[:max_name],
        country=code_by_english_name(country_name) if country_name else "",
        identifier_scheme=scheme if identifier_id else "",
        identifier=identifier_id if scheme else "",
    )


def _read_value(
    contract: dict, award: dict, path: str, award_path: str, errors: _Errors
) -> tuple[Decimal | None, str, Decimal | None]:
    if contract.get("value") is not None:
        value, value_path = contract["value"], f"{path}.value"
    elif award.get("value") is not None:
        value, value_path = award["value"], f"{award_path}.value"
    else:
        errors.add(f"{path}.value", _("Neither the contract nor its award gives a value."))
        return None, "", None
    if not isinstance(value, dict):
        errors.add(value_path, _("Expected a JSON object."))
        return None, "", None
    amount = _amount(value.get("amount"), f"{value_path}.amount", errors)
    currency = _text(value.get("currency")).upper()
    rate = None
    if not currency:
        errors.add(f"{value_path}.currency", _("This field is required."))
    elif not CURRENCY_CODE.match(currency):
        errors.add(
            f"{value_path}.currency",
            _("“%(currency)s” is not a currency code: use three letters, such as EUR.")
            % {"currency": currency},
        )
    elif currency not in settings.EW_EUR_RATES:
        errors.add(
            f"{value_path}.currency",
            _("There is no reference rate for %(currency)s. Known currencies: %(known)s.")
            % {"currency": currency, "known": ", ".join(sorted(settings.EW_EUR_RATES))},
        )
    else:
        rate = Decimal(settings.EW_EUR_RATES[currency])
    if amount is None or rate is None:
        return None, currency, None
    value_eur = (amount / rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if value_eur > MAX_AMOUNT:
        errors.add(f"{value_path}.amount", _amount_message())
        return None, currency, None
    return amount, currency, value_eur


def _read_award_date(
    contract: dict, award: dict, path: str, award_path: str, errors: _Errors
) -> date | None:
    if award.get("date") is not None:
        awarded = _datetime(award["date"], f"{award_path}.date", errors)
    elif contract.get("dateSigned") is not None:
        awarded = _datetime(contract["dateSigned"], f"{path}.dateSigned", errors)
    else:
        errors.add(
            f"{award_path}.date",
            _(
                "Give the award's date or the contract's dateSigned: the disclosure is due "
                "30 days after the award."
            ),
        )
        return None
    return awarded.date() if awarded else None


def _read_period(
    contract: dict, award: dict, path: str, award_path: str, errors: _Errors
) -> tuple[date | None, date | None]:
    if contract.get("period"):
        period, period_path = contract["period"], f"{path}.period"
    elif award.get("contractPeriod"):
        period, period_path = award["contractPeriod"], f"{award_path}.contractPeriod"
    else:
        errors.add(
            f"{path}.period",
            _("Neither the contract's period nor the award's contractPeriod is given."),
        )
        return None, None
    if not isinstance(period, dict):
        errors.add(period_path, _("Expected a JSON object."))
        return None, None
    start = _datetime(period.get("startDate"), f"{period_path}.startDate", errors, required=True)
    end = _datetime(period.get("endDate"), f"{period_path}.endDate", errors, required=True)
    if start is None or end is None:
        return None, None
    if end.date() < start.date():
        errors.add(f"{period_path}.endDate", _("The end date is before the start date."))
        return None, None
    return start.date(), end.date()


def _read_cpv_codes(
    contract: dict, award: dict, path: str, award_path: str, errors: _Errors
) -> list[str]:
    items, items_path = _list(contract.get("items")), f"{path}.items"
    if not items:
        items, items_path = _list(award.get("items")), f"{award_path}.items"
    codes: list[str] = []
    known: set[str] = set()
    for n, item in enumerate(items):
        classification = _dict(_dict(item).get("classification"))
        if _text(classification.get("scheme")).upper() != "CPV":
            continue
        raw = classification.get("id")
        code = _text(raw)
        number = NUMBER_SUFFIX.match(code)
        if number:
            code = number.group(1)
        if isinstance(raw, int | Decimal) and len(code) == 7:
            # Written as a number, a code of division 03 loses its leading zero.
            code = code.zfill(8)
        if not CPV_CODE.match(code):
            errors.add(
                f"{items_path}[{n}].classification.id",
                _(
                    "“%(code)s” is not a CPV code: 8 digits, optionally followed by a check "
                    "digit, such as 45233130 or 45233130-7."
                )
                % {"code": code},
            )
        elif code not in known:
            known.add(code)
            codes.append(code)
    return codes


# --- Small readers -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """OCDS ids may be strings or numbers; anything else counts as missing."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | Decimal):
        return str(value).strip()
    return ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _datetime(value: Any, path: str, errors: _Errors, *, required: bool = False) -> datetime | None:
    """An OCDS date-time; its date part is taken as written, in the publisher's time zone."""
    if value is None or value == "":
        if required:
            errors.add(path, _("This field is required."))
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors.add(path, _("Not a date: write it as 2024-01-31 or 2024-01-31T09:30:00Z."))
        return None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        errors.add(
            path,
            _("The year %(year)s is out of range: give a date from %(min)s to %(max)s.")
            % {"year": moment.year, "min": MIN_YEAR, "max": MAX_YEAR},
        )
        return None
    return moment


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _amount(value: Any, path: str, errors: _Errors) -> Decimal | None:
    if value is None:
        errors.add(path, _("This field is required."))
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
            raise InvalidOperation
        amount = Decimal(value.strip() if isinstance(value, str) else value)
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise InvalidOperation
    except InvalidOperation:
        errors.add(path, _amount_message())
        return None
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount_message() -> str:
    return _("The amount must be a number from 0 to %(max)s (also once converted to euros).") % {
        "max": MAX_AMOUNT
    }


def _too_long(limit: int) -> str:
    return _("Too long: at most %(max)s characters.") % {"max": limit}
