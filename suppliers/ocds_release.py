"""Reading one OCDS release into contract rows, noting where each field came from.

A contract comes from a `contracts` entry, completed by its award (`contracts[].awardID`), the
tender and the release's `parties`; an award that no contract of the release points to is
itself the contract (an award notice): its id is the reference. `ocds_package` reads the
package around the releases; nothing here writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .country_names import code_by_english_name
from .models import CPV_PATTERN, Contract, Supplier

# Contract.value and value_eur are DecimalField(max_digits=14, decimal_places=2).
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
CPV_CODE = re.compile(CPV_PATTERN)
# Publishers that store ids as numbers write "45233130.0" or "11111111.0".
NUMBER_SUFFIX = re.compile(r"^(\d+)\.0+$")
# Problems kept and shown: checking stops once there are this many.
MAX_ERRORS = 200
# Dates outside these years are mistakes (and 9999-12-31 plus 30 days does not exist).
MIN_YEAR, MAX_YEAR = 1900, 2200
# Awards in these states (OCDS awardStatus codelist) did not lead to a contract.
NOT_AWARDED = frozenset({"cancelled", "unsuccessful"})

# Where a field was read, for the import page; the keys of `ContractRow.sources`.
SOURCES = {
    "contract": gettext_lazy("contract"),
    "award": gettext_lazy("award"),
    "tender": gettext_lazy("tender"),
    "parties": gettext_lazy("parties"),
}
FIELDS = {
    "reference": gettext_lazy("Reference"),
    "title": gettext_lazy("Title"),
    "value": gettext_lazy("Value"),
    "awarded_on": gettext_lazy("Award date"),
    "period": gettext_lazy("Period"),
    "cpv_codes": gettext_lazy("CPV codes"),
    "contractor": gettext_lazy("Contractor"),
}


@dataclass(frozen=True)
class OcdsItemError:
    """One problem in the package, at a JSON path such as `releases[0].contracts[1].value`."""

    path: str
    message: str


class Errors:
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
    # The award the contract comes from; `from_award`: the award is the contract itself.
    award_id: str = ""
    from_award: bool = False
    # FIELDS key -> SOURCES key: where each field was read.
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Block:
    """A part of the release that fields are read from: the contract, its award, the tender."""

    kind: str
    data: dict
    path: str


def read_release(release: dict, order: int, path: str, errors: Errors) -> list[ContractRow] | None:
    """The release's contracts; None when it has neither contracts nor awards to import (a
    planning or tender release)."""
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
    if contracts is not None and not isinstance(contracts, list):
        errors.add(f"{path}.contracts", _("Expected a list."))
        return []
    contracts = contracts or []
    awards = {}
    for k, award in enumerate(_list(release.get("awards"))):
        if isinstance(award, dict) and _text(award.get("id")):
            awards.setdefault(_text(award["id"]), (k, award))
    parties: dict[str, list[tuple[int, dict]]] = {}
    for n, party in enumerate(_list(release.get("parties"))):
        if isinstance(party, dict) and _text(party.get("id")):
            parties.setdefault(_text(party["id"]), []).append((n, party))
    tender = _Block("tender", _dict(release.get("tender")), f"{path}.tender")
    reader = _ContractReader(
        ocid=ocid,
        release_path=path,
        parties=parties,
        order=(_aware(released_at) if released_at else datetime.min.replace(tzinfo=UTC), order),
        errors=errors,
    )

    rows = []
    for j, contract in enumerate(contracts):
        if errors.full:
            break
        row = reader.contract(contract, f"{path}.contracts[{j}]", awards, tender)
        if row is not None:
            rows.append(row)
    pointed_to = {_text(c.get("awardID")) for c in contracts if isinstance(c, dict)}
    award_notices = [
        (k, award)
        for award_id, (k, award) in awards.items()
        if award_id not in pointed_to and _text(award.get("status")) not in NOT_AWARDED
    ]
    if not contracts:
        for k, award in enumerate(_list(release.get("awards"))):
            if isinstance(award, dict) and not _text(award.get("id")):
                errors.add(f"{path}.awards[{k}].id", _("This field is required."))
                award_notices.append((k, award))
    if not contracts and not award_notices:
        return None
    for k, award in award_notices:
        if errors.full:
            break
        row = reader.award(_Block("award", award, f"{path}.awards[{k}]"), tender)
        if row is not None:
            rows.append(row)
    return rows


@dataclass
class _ContractReader:
    ocid: str
    release_path: str
    parties: dict[str, list[tuple[int, dict]]]
    order: tuple[datetime, int]
    errors: Errors

    def contract(
        self, contract: Any, path: str, awards: dict, tender: _Block
    ) -> ContractRow | None:
        if not isinstance(contract, dict):
            self.errors.add(path, _("Expected a JSON object."))
            return None
        before = self.errors.count
        reference = self._reference(contract.get("id"), f"{path}.id")
        award_id = _text(contract.get("awardID"))
        if not award_id:
            self.errors.add(f"{path}.awardID", _("This field is required."))
            return None
        limit = Contract._meta.get_field("ocds_award_id").max_length
        if len(award_id) > limit:
            self.errors.add(f"{path}.awardID", _too_long(limit))
            return None
        if award_id not in awards:
            self.errors.add(
                f"{path}.awardID",
                _("There is no award with id “%(id)s” in this release.") % {"id": award_id},
            )
            return None
        k, award = awards[award_id]
        block = _Block("contract", contract, path)
        award_block = _Block("award", award, f"{self.release_path}.awards[{k}]")
        return self._row(
            reference, (block, award_block, tender), award_block, before, award_id=award_id
        )

    def award(self, award: _Block, tender: _Block) -> ContractRow | None:
        """An award that no contract points to, read as the contract it announces."""
        before = self.errors.count
        reference = self._reference(award.data.get("id"), f"{award.path}.id")
        return self._row(
            reference, (award, tender), award, before, award_id=reference, from_award=True
        )

    def _reference(self, value: Any, path: str) -> str:
        reference = _text(value)
        limit = Contract._meta.get_field("reference").max_length
        if not reference:
            self.errors.add(path, _("This field is required."))
        elif len(reference) > limit:
            self.errors.add(path, _too_long(limit))
        return reference

    def _row(
        self,
        reference: str,
        blocks: tuple[_Block, ...],
        award: _Block,
        before: int,
        **kinds,
    ) -> ContractRow | None:
        errors, sources = self.errors, {"reference": blocks[0].kind}
        first = blocks[0]
        title_block = next((b for b in blocks if _text(b.data.get("title"))), None)
        if title_block is None:
            errors.add(f"{first.path}.title", _no_title_message(first.kind))
            title = ""
        else:
            title, sources["title"] = _text(title_block.data["title"]), title_block.kind
        supplier = self._supplier(award, sources)
        value, currency, value_eur = _read_value(blocks, errors, sources)
        awarded_on = _read_award_date(blocks, award, errors, sources)
        start_date, end_date = _read_period(blocks, errors, sources)
        cpv_codes = _read_cpv_codes(blocks, errors, sources)
        if errors.count > before:
            return None
        max_title = Contract._meta.get_field("title").max_length
        return ContractRow(
            reference=reference,
            title=title if len(title) <= max_title else title[: max_title - 1] + "…",
            ocid=self.ocid,
            value=value,
            currency=currency,
            value_eur=value_eur,
            awarded_on=awarded_on,
            start_date=start_date,
            end_date=end_date,
            cpv_codes=cpv_codes,
            supplier=supplier,
            release_order=self.order,
            sources=sources,
            **kinds,
        )

    def _supplier(self, award: _Block, sources: dict) -> SupplierRow | None:
        """The award's first supplier, with its details from the release's `parties`."""
        references = _list(award.data.get("suppliers"))
        if not references or not isinstance(references[0], dict):
            self.errors.add(f"{award.path}.suppliers", _("The award names no supplier."))
            return None
        reference = references[0]
        party_id = _text(reference.get("id"))
        matches = self.parties.get(party_id, []) if party_id else []
        suppliers = [(n, p) for n, p in matches if "supplier" in _list(p.get("roles"))]
        n, party = (suppliers or matches or [(None, {})])[0]
        name = _text(party.get("name")) or _text(reference.get("name"))
        if not name:
            self.errors.add(
                f"{award.path}.suppliers[0]",
                _("The supplier has no name, neither in the award nor in the release's parties."),
            )
            return None
        sources["contractor"] = "parties" if party else "award"
        identifier = _dict(party.get("identifier"))
        scheme = _text(identifier.get("scheme"))
        identifier_id = _text(identifier.get("id"))
        number = NUMBER_SUFFIX.match(identifier_id)
        if number:
            identifier_id = number.group(1)
        party_path = f"{self.release_path}.parties[{n}]"
        lengths = [
            ("identifier.scheme", scheme, Supplier._meta.get_field("identifier_scheme").max_length),
            ("identifier.id", identifier_id, Supplier._meta.get_field("identifier").max_length),
        ]
        for key, text, limit in lengths:
            if len(text) > limit:
                self.errors.add(f"{party_path}.{key}", _too_long(limit))
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


def _no_title_message(kind: str) -> str:
    if kind == "contract":
        return _("Neither the contract nor its award has a title.")
    return _("Neither the award nor the tender has a title.")


def _read_value(
    blocks: tuple[_Block, ...], errors: Errors, sources: dict
) -> tuple[Decimal | None, str, Decimal | None]:
    # The tender's value is an estimate made before the award: never the contract's value.
    found = next(
        (b for b in blocks if b.kind != "tender" and b.data.get("value") is not None), None
    )
    if found is None:
        if blocks[0].kind == "contract":
            message = _("Neither the contract nor its award gives a value.")
        else:
            message = _("The award gives no value.")
        errors.add(f"{blocks[0].path}.value", message)
        return None, "", None
    value, value_path = found.data["value"], f"{found.path}.value"
    sources["value"] = found.kind
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
    blocks: tuple[_Block, ...], award: _Block, errors: Errors, sources: dict
) -> date | None:
    contract = blocks[0] if blocks[0].kind == "contract" else None
    if award.data.get("date") is not None:
        awarded = _datetime(award.data["date"], f"{award.path}.date", errors)
        sources["awarded_on"] = "award"
    elif contract is not None and contract.data.get("dateSigned") is not None:
        awarded = _datetime(contract.data["dateSigned"], f"{contract.path}.dateSigned", errors)
        sources["awarded_on"] = "contract"
    else:
        if contract is not None:
            message = _(
                "Give the award's date or the contract's dateSigned: the disclosure is due "
                "30 days after the award."
            )
        else:
            message = _("Give the award's date: the disclosure is due 30 days after the award.")
        errors.add(f"{award.path}.date", message)
        return None
    return awarded.date() if awarded else None


def _read_period(
    blocks: tuple[_Block, ...], errors: Errors, sources: dict
) -> tuple[date | None, date | None]:
    keys = {"contract": "period", "award": "contractPeriod"}
    found = next((b for b in blocks if b.kind in keys and b.data.get(keys[b.kind])), None)
    if found is None:
        if blocks[0].kind == "contract":
            message = _("Neither the contract's period nor the award's contractPeriod is given.")
        else:
            message = _("The award's contractPeriod is not given.")
        errors.add(f"{blocks[0].path}.{keys[blocks[0].kind]}", message)
        return None, None
    period, period_path = found.data[keys[found.kind]], f"{found.path}.{keys[found.kind]}"
    sources["period"] = found.kind
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


def _read_cpv_codes(blocks: tuple[_Block, ...], errors: Errors, sources: dict) -> list[str]:
    found = next((b for b in blocks if _list(b.data.get("items"))), None)
    if found is None:
        return []
    items, items_path = found.data["items"], f"{found.path}.items"
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
    if codes:
        sources["cpv_codes"] = found.kind
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


def _datetime(value: Any, path: str, errors: Errors, *, required: bool = False) -> datetime | None:
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


def _amount(value: Any, path: str, errors: Errors) -> Decimal | None:
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
