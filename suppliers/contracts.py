"""Writes and workflows for contracts and their checklists (the affiliate's own rows)."""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope

from affiliates.models import Affiliate, User
from core.errors import DomainError

from .models import CPV_PATTERN, ChecklistItem, Contract, Disclosure, Supplier

audit_log = logging.getLogger("ew.audit")

# --- Contracts ---------------------------------------------------------------------------

CONTRACT_FIELDS = frozenset(
    {
        "reference",
        "title",
        "contractor",
        "contractor_name",
        "product_categories",
        "cpv_codes",
        "brands",
        "product_models",
        "value",
        "currency",
        "awarded_on",
        "start_date",
        "end_date",
        "ew_conditions_version",
        "disclosure_due_date",
        "ocid",
    }
)
DISCLOSURE_DAYS = timedelta(days=30)
FINDINGS_DAYS = timedelta(days=60)
CENT = Decimal("0.01")
# Contract.value and value_eur: 14 digits, 2 of them decimals.
AMOUNT_LIMIT = Decimal("1000000000000")
CPV_RE = re.compile(CPV_PATTERN)


def cpv_codes_error(bad_codes: list[str]) -> str:
    """The message for codes that are not CPV codes; shared by the form and the service."""
    return ngettext(
        "“%(codes)s” is not a CPV code: write 8 digits, optionally followed by a check digit "
        "(for example 30213100 or 30213100-6).",
        "“%(codes)s” are not CPV codes: write 8 digits, optionally followed by a check digit "
        "(for example 30213100 or 30213100-6).",
        len(bad_codes),
    ) % {"codes": "”, “".join(bad_codes)}


def contract_value_eur(value: Decimal, currency: str) -> Decimal:
    """The value in euros at the reference rate of settings.EW_EUR_RATES, to the cent."""
    rate = settings.EW_EUR_RATES.get(currency)
    if rate is None:
        raise DomainError(
            _("There is no exchange rate for the currency “%(currency)s”. Use one of: %(known)s.")
            % {"currency": currency, "known": ", ".join(sorted(settings.EW_EUR_RATES))},
            field="currency",
        )
    return (Decimal(value) / Decimal(rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def _checklist_due_dates(contract: Contract) -> dict[str, date]:
    """Default due dates of the outcomes that have one; the others are due with no date."""
    Outcome = ChecklistItem.Outcome
    return {
        Outcome.SITES_DISCLOSED: contract.disclosure_due_date,
        Outcome.COMPONENT_SITES: contract.disclosure_due_date,
        Outcome.FINDINGS_SHARED: contract.awarded_on + FINDINGS_DAYS,
    }


def _clean_cpv_codes(codes) -> list[str]:
    cleaned = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in cleaned:
            cleaned.append(code)
    bad = [code for code in cleaned if not CPV_RE.match(code)]
    if bad:
        raise DomainError(cpv_codes_error(bad), field="cpv_codes")
    return cleaned


def _clean_categories(categories) -> list[str]:
    chosen = set(categories or [])
    unknown = sorted(chosen - set(Contract.Category.values))
    if unknown:
        raise DomainError(
            _("“%(category)s” is not a product category.") % {"category": unknown[0]},
            field="product_categories",
        )
    return [value for value in Contract.Category.values if value in chosen]


def _contractor_named(name: str) -> Supplier:
    """The contractor with this name (any case), created when there is none yet."""
    name = " ".join(name.split())
    if len(name) > Supplier._meta.get_field("name").max_length:
        raise DomainError(
            _("The contractor's name is too long (255 characters at most)."),
            field="contractor_name",
        )
    supplier = Supplier.objects.filter(name__iexact=name).order_by("-is_contractor", "pk").first()
    if supplier is None:
        supplier = Supplier.objects.create(name=name, is_contractor=True)
        audit_log.info("contractor created: supplier=%s", supplier.pk)
    elif not supplier.is_contractor:
        supplier.is_contractor = True
        supplier.save(update_fields=["is_contractor", "updated_at"])
    return supplier


def _apply_contract_fields(contract: Contract, fields: dict) -> None:
    """Validate the given fields and set them on the (new or locked) contract; no write."""
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise TypeError(f"Unknown contract fields: {', '.join(sorted(unknown))}")
    fields = dict(fields)
    contractor_name = (fields.pop("contractor_name", None) or "").strip()
    contractor = fields.pop("contractor", None)
    if contractor is not None and contractor_name:
        raise DomainError(
            _("Choose a contractor from the list or type the name of a new one, not both."),
            field="contractor_name",
        )
    old_due_default = (
        contract.awarded_on + DISCLOSURE_DAYS if contract.awarded_on is not None else None
    )
    due_given = "disclosure_due_date" in fields
    due_date = fields.pop("disclosure_due_date", None)
    for name in ("reference", "title", "brands", "product_models", "ocid"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "currency" in fields:
        fields["currency"] = (fields["currency"] or "").strip().upper()
    if "cpv_codes" in fields:
        fields["cpv_codes"] = _clean_cpv_codes(fields["cpv_codes"])
    if "product_categories" in fields:
        fields["product_categories"] = _clean_categories(fields["product_categories"])
    if "ew_conditions_version" in fields:
        fields["ew_conditions_version"] = fields["ew_conditions_version"] or ""
        if fields["ew_conditions_version"] not in Contract.ConditionsVersion.values:
            raise DomainError(
                _("“%(version)s” is not a version of the Electronics Watch contract conditions.")
                % {"version": fields["ew_conditions_version"]},
                field="ew_conditions_version",
            )
    for name, value in fields.items():
        setattr(contract, name, value)
    if contractor is not None:
        contract.contractor = contractor

    for name in ("reference", "title", "value", "awarded_on", "start_date", "end_date"):
        if getattr(contract, name) in (None, ""):
            raise DomainError(
                _("%(field)s: this field is required.")
                % {"field": str(Contract._meta.get_field(name).verbose_name).capitalize()},
                field=name,
            )
    if contract.contractor_id is None and not contractor_name:
        raise DomainError(
            _("Choose the contractor, or type the name of a new one."), field="contractor"
        )
    try:
        contract.value = Decimal(contract.value)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the value as a number."), field="value") from None
    if contract.value < 0 or contract.value >= AMOUNT_LIMIT:
        raise DomainError(_("The value must be between 0 and 999,999,999,999.99."), field="value")
    contract.value_eur = contract_value_eur(contract.value, contract.currency)
    if contract.value_eur >= AMOUNT_LIMIT:
        raise DomainError(_("This value is too large once converted to euros."), field="value")
    if contract.end_date < contract.start_date:
        raise DomainError(
            _("The contract cannot end (%(end)s) before it starts (%(start)s).")
            % {
                "end": formats.date_format(contract.end_date, "DATE_FORMAT"),
                "start": formats.date_format(contract.start_date, "DATE_FORMAT"),
            },
            field="end_date",
        )
    if due_date is not None:
        contract.disclosure_due_date = due_date
    elif due_given or contract.disclosure_due_date in (None, old_due_default):
        # Not given, or given empty, or still the default of the old award date: the default.
        contract.disclosure_due_date = contract.awarded_on + DISCLOSURE_DAYS
    duplicate = Contract.objects.filter(reference=contract.reference).exclude(pk=contract.pk)
    if duplicate.exists():
        raise DomainError(_duplicate_reference(contract.reference), field="reference")
    if contractor_name:
        contract.contractor = _contractor_named(contractor_name)


def _duplicate_reference(reference: str) -> str:
    return _("A contract with reference “%(reference)s” exists already.") % {"reference": reference}


def _save_contract(contract: Contract) -> None:
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError as error:
        # Another request took the reference between our check and our write.
        if "contract_unique_reference" in str(error):
            raise DomainError(_duplicate_reference(contract.reference), field="reference") from None
        raise


def _sync_checklist(contract: Contract, old_due_dates: dict[str, date]) -> None:
    """With conditions included, one row per outcome; open rows follow changed default dates."""
    if not contract.ew_conditions_included:
        return
    due_dates = _checklist_due_dates(contract)
    existing = {item.outcome: item for item in ChecklistItem.objects.filter(contract=contract)}
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                affiliate_id=contract.affiliate_id,
                contract=contract,
                outcome=outcome,
                due_date=due_dates.get(outcome),
            )
            for outcome in ChecklistItem.Outcome.values
            if outcome not in existing
        ]
    )
    for outcome, item in existing.items():
        if (
            item.status == ChecklistItem.Status.OPEN
            and outcome in due_dates
            and item.due_date == old_due_dates.get(outcome)
            and item.due_date != due_dates[outcome]
        ):
            item.due_date = due_dates[outcome]
            item.save(update_fields=["due_date", "updated_at"])


def _sync_disclosure(contract: Contract) -> None:
    """The contract's disclosure request, due with the contract while the contractor owes it."""
    disclosure = Disclosure.objects.select_for_update().filter(contract=contract).first()
    if disclosure is None:
        Disclosure.objects.create(
            affiliate_id=contract.affiliate_id,
            contract=contract,
            status=Disclosure.Status.REQUESTED,
            due_date=contract.disclosure_due_date,
        )
    elif (
        disclosure.status in {Disclosure.Status.REQUESTED, Disclosure.Status.RETURNED}
        and disclosure.due_date != contract.disclosure_due_date
    ):
        disclosure.due_date = contract.disclosure_due_date
        disclosure.save(update_fields=["due_date"])


def contract_create(*, affiliate: Affiliate, by: User, **fields) -> Contract:
    """Record a contract; with EW conditions its checklist; always its disclosure request.

    `fields` are Contract fields plus `contractor_name`: a new contractor's name, used when no
    `contractor` is given (an existing supplier of that name is reused).
    """
    with transaction.atomic(), scope(affiliate=affiliate):
        contract = Contract(affiliate=affiliate)
        fields.setdefault("currency", "EUR")
        _apply_contract_fields(contract, fields)
        _save_contract(contract)
        _sync_checklist(contract, {})
        _sync_disclosure(contract)
    audit_log.info(
        "contract created: affiliate=%s contract=%s by=%s", affiliate.slug, contract.pk, by.pk
    )
    return contract


def contract_update(*, contract: Contract, by: User, **fields) -> Contract:
    """Change some fields of a contract; its checklist and open disclosure follow the dates."""
    with transaction.atomic(), scope(affiliate=contract.affiliate_id):
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        old_due_dates = _checklist_due_dates(contract)
        _apply_contract_fields(contract, fields)
        _save_contract(contract)
        _sync_checklist(contract, old_due_dates)
        _sync_disclosure(contract)
    audit_log.info("contract updated: contract=%s by=%s", contract.pk, by.pk)
    return contract


def checklist_item_update(
    *, item: ChecklistItem, status: str, due_date: date | None, evidence: str, by: User
) -> ChecklistItem:
    """Record how far the contractor got with one outcome; achieving one needs evidence."""
    if status not in ChecklistItem.Status.values:
        raise DomainError(_("Choose a status from the list."), field="status")
    evidence = (evidence or "").strip()
    if status in {ChecklistItem.Status.ACHIEVED, ChecklistItem.Status.FORMAL_REQUEST} and (
        not evidence
    ):
        raise DomainError(
            _("Describe the evidence: it is required when the status is “%(status)s”.")
            % {"status": ChecklistItem.Status(status).label},
            field="evidence",
        )
    with transaction.atomic(), scope(affiliate=item.affiliate_id):
        item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        item.status = status
        item.due_date = due_date
        item.evidence = evidence
        item.updated_by = by
        item.save(update_fields=["status", "due_date", "evidence", "updated_by", "updated_at"])
    audit_log.info("checklist item updated: item=%s status=%s by=%s", item.pk, status, by.pk)
    return item
