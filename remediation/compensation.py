"""Employer pays: the recruitment fees a cohort of migrant workers paid, owed back to them by
the companies of the case, what the companies agreed and what has been reimbursed over time.

- What is owed comes from the cohort's fees (monitoring.CohortFee, each per worker and in
  euros at the rate of the day it was paid) times the cohort's workers. In euros by default;
  in another currency, fees paid in that currency keep their amount and the others go through
  the euro at the rate of the day the compensation is created (named in its description).
- `Compensation.amount_paid` is the sum of its payments, kept exact here: every payment goes
  through `payment_record`, which refuses one that would pay more than is owed.
- The figures (per compensation, per case, and the share reimbursed at the end of each month)
  are aggregates: amounts and counts of workers, never a worker.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.currency import CENT, NoExchangeRate, format_money, to_eur
from core.errors import DomainError
from core.models import ExchangeRate
from monitoring.models import CohortFee, MigrantCohort

from .models import Compensation, CompensationPayment, RemediationCase, share_of
from .rules import require_active, require_staff, timeline_note

# The chart of the share reimbursed runs month by month; a compensation is paid over a few
# years at most, so this bounds the series whatever the dates typed.
MAX_MONTHS = 120


# --- What a cohort is owed ---------------------------------------------------------------


@dataclass(frozen=True)
class StepFee:
    step: str
    label: str
    per_worker: Decimal  # in the currency of the owed amount


@dataclass(frozen=True)
class Owed:
    currency: str
    per_worker: Decimal
    workers: int
    total: Decimal
    steps: list[StepFee]
    rate: ExchangeRate | None  # the rate used for fees paid in another currency, if any

    @property
    def rate_text(self) -> str:
        if self.rate is None:
            return ""
        return _("converted at 1 EUR = %(rate)s %(currency)s (%(date)s, %(source)s)") % {
            "rate": f"{self.rate.units_per_euro.normalize():f}",
            "currency": self.rate.currency,
            "date": formats.date_format(self.rate.date, "DATE_FORMAT"),
            "source": self.rate.source,
        }


def cohort_owed(cohort: MigrantCohort, currency: str = "EUR", on: date | None = None) -> Owed:
    """The fees each worker of the cohort paid, by step, and their total for the cohort."""
    currency = _currency(currency)
    on = on or timezone.localdate()
    fees = list(CohortFee.objects.filter(cohort=cohort).order_by("paid_on", "pk"))
    rate = None
    if currency != "EUR" and any(fee.currency.upper() != currency for fee in fees):
        try:
            rate = to_eur(Decimal(1), currency, on).rate
        except NoExchangeRate as error:
            raise DomainError(str(error), field="currency") from error
    by_step: dict[str, Decimal] = defaultdict(Decimal)
    for fee in fees:
        if fee.currency.upper() == currency:
            amount = fee.amount
        elif currency == "EUR":
            amount = fee.amount_eur
        else:
            amount = fee.amount_eur * rate.units_per_euro
        by_step[fee.step] += amount
    labels = dict(CohortFee.Step.choices)
    steps = [
        StepFee(step, str(labels[step]), _cents(by_step[step]))
        for step in CohortFee.Step.values
        if step in by_step
    ]
    per_worker = sum((step.per_worker for step in steps), Decimal(0))
    workers = cohort.workers
    return Owed(currency, per_worker, workers, _cents(per_worker * workers), steps, rate)


def cohorts_of_case(case: RemediationCase):
    """The cohorts recorded with a finding linked to the case."""
    return (
        MigrantCohort.objects.filter(findings__remediation_cases=case)
        .distinct()
        .select_related("corridor")
        .order_by("pk")
    )


@transaction.atomic
def compensation_from_cohort(
    *,
    case: RemediationCase,
    cohort: MigrantCohort,
    by,
    currency: str = "EUR",
    amount_agreed: Decimal | None = None,
) -> Compensation:
    """A "recruitment fees to reimburse" compensation for the cohort's fees."""
    require_staff(by)
    require_active(case)
    if not cohorts_of_case(case).filter(pk=cohort.pk).exists():
        raise DomainError(
            _("This cohort is not recorded with a finding of this case."), field="cohort"
        )
    if case.compensations.filter(cohort=cohort).exists():
        raise DomainError(
            _("The fees of this cohort are already owed in this case."), field="cohort"
        )
    owed = cohort_owed(cohort, currency)
    if owed.workers < 1:
        raise DomainError(_("The cohort has no workers recorded."), field="cohort")
    if owed.total <= 0:
        raise DomainError(_("The cohort has no fees recorded."), field="cohort")
    description = _("Recruitment fees of the cohort %(cohort)s") % {"cohort": cohort}
    if owed.rate is not None:
        description = f"{description}, {owed.rate_text}"
    compensation = Compensation(
        case=case,
        kind=Compensation.Kind.RECRUITMENT_FEES,
        description=description[:300],
        currency=owed.currency,
        amount_owed=owed.total,
        amount_paid=Decimal(0),
        workers_covered=owed.workers,
        cohort=cohort,
    )
    _check_agreed(compensation, amount_agreed)
    compensation.amount_agreed = amount_agreed
    compensation.save()
    timeline_note(
        case,
        by,
        _("Recruitment fees owed to %(workers)s workers: %(amount)s %(currency)s.")
        % {
            "workers": owed.workers,
            "amount": format_money(owed.total),
            "currency": owed.currency,
        },
    )
    return compensation


@transaction.atomic
def compensation_set_agreed(
    *, compensation: Compensation, by, amount_agreed: Decimal | None
) -> Compensation:
    require_staff(by)
    require_active(compensation.case)
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    _check_agreed(compensation, amount_agreed)
    compensation.amount_agreed = amount_agreed
    compensation.save(update_fields=["amount_agreed", "updated_at"])
    return compensation


def _check_agreed(compensation: Compensation, amount_agreed: Decimal | None) -> None:
    if amount_agreed is None:
        return
    if amount_agreed < 0:
        raise DomainError(_("Amounts cannot be negative."), field="amount_agreed")
    if amount_agreed > compensation.amount_owed:
        raise DomainError(
            _("The amount agreed cannot be more than what is owed (%(owed)s %(currency)s).")
            % {"owed": format_money(compensation.amount_owed), "currency": compensation.currency},
            field="amount_agreed",
        )


# --- Payments ----------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    compensation: Compensation,
    by,
    paid_on: date,
    amount: Decimal,
    workers_paid: int | None = None,
    note: str = "",
) -> CompensationPayment:
    """Record money paid to the workers; refused, with nothing saved, when the payments would
    add up to more than is owed."""
    require_staff(by)
    require_active(compensation.case)
    # One payment at a time per compensation, so that two cannot both pass the check below.
    compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
    check_payment(compensation, paid_on=paid_on, amount=amount, workers_paid=workers_paid)
    payment = CompensationPayment.objects.create(
        compensation=compensation,
        paid_on=paid_on,
        amount=amount,
        workers_paid=workers_paid,
        note=(note or "").strip()[:300],
    )
    resync_paid(compensation)
    timeline_note(
        compensation.case,
        by,
        _("Payment of %(amount)s %(currency)s on %(date)s towards: %(what)s.")
        % {
            "amount": format_money(amount),
            "currency": compensation.currency,
            "date": formats.date_format(paid_on, "DATE_FORMAT"),
            "what": compensation.description,
        },
    )
    return payment


def check_payment(
    compensation: Compensation, *, paid_on: date, amount: Decimal, workers_paid: int | None
) -> None:
    """Every reason to refuse a payment, also used to show the confirmation step."""
    if amount is None or amount <= 0:
        raise DomainError(_("A payment is an amount above zero."), field="amount")
    if paid_on is None:
        raise DomainError(_("Give the date of the payment."), field="paid_on")
    if paid_on > timezone.localdate():
        raise DomainError(_("A payment cannot be dated in the future."), field="paid_on")
    if workers_paid is not None and workers_paid > compensation.workers_covered:
        raise DomainError(
            _("More workers paid than the %(count)s workers the compensation covers.")
            % {"count": compensation.workers_covered},
            field="workers_paid",
        )
    paid = paid_so_far(compensation)
    if paid + amount > compensation.amount_owed:
        raise DomainError(
            _(
                "This payment would bring what is paid to %(total)s %(currency)s, more than the "
                "%(owed)s %(currency)s owed (%(left)s %(currency)s are left to pay). Nothing "
                "was recorded."
            )
            % {
                "total": format_money(paid + amount),
                "owed": format_money(compensation.amount_owed),
                "left": format_money(compensation.amount_owed - paid),
                "currency": compensation.currency,
            },
            field="amount",
        )


def paid_so_far(compensation: Compensation) -> Decimal:
    total = CompensationPayment.objects.filter(compensation=compensation).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal(0)


def resync_paid(compensation: Compensation) -> None:
    """`amount_paid` is the sum of the payments: written only here."""
    compensation.amount_paid = paid_so_far(compensation)
    compensation.save(update_fields=["amount_paid", "updated_at"])


# --- Figures -----------------------------------------------------------------------------


def compensations_with_payments(*, with_steps: bool = True):
    """Compensation with what the employer-pays figures read: no query per row."""
    rows = Compensation.objects.select_related("cohort__corridor").prefetch_related("payments")
    return rows.prefetch_related("cohort__fees") if with_steps else rows


@dataclass
class Progress:
    """Owed, agreed and reimbursed, in one currency, with the share at the end of each month."""

    currency: str
    owed: Decimal = Decimal(0)
    agreed: Decimal = Decimal(0)
    reimbursed: Decimal = Decimal(0)
    workers: int = 0
    series: list[tuple[date, Decimal]] = field(default_factory=list)
    chart: str = ""  # the pages draw it (remediation.charts)

    @property
    def share(self) -> Decimal:
        """Per cent of what is owed that has been reimbursed, to one decimal."""
        return share_of(self.reimbursed, self.owed)

    @property
    def share_agreed(self) -> Decimal:
        return share_of(self.reimbursed, self.agreed)


@dataclass
class CompensationFigures:
    compensation: Compensation
    progress: Progress
    steps: list[StepFee]
    payments: list[CompensationPayment]
    chart: str = ""
    payment_form: object = None  # staff pages only


def compensation_figures(
    compensation: Compensation, today: date | None = None, *, with_steps: bool = True
) -> CompensationFigures:
    """From a compensation with `payments` (and, `with_steps`, `cohort__fees`) prefetched:
    no query."""
    payments = sorted(compensation.payments.all(), key=lambda p: (p.paid_on, p.pk))
    progress = Progress(
        currency=compensation.currency,
        owed=compensation.amount_owed,
        agreed=(
            compensation.amount_agreed
            if compensation.amount_agreed is not None
            else compensation.amount_owed
        ),
        reimbursed=sum((p.amount for p in payments), Decimal(0)),
        workers=compensation.workers_covered,
        series=share_over_time(
            [(p.paid_on, p.amount) for p in payments], compensation.amount_owed, today
        ),
    )
    steps = []
    if with_steps and compensation.cohort_id is not None:
        steps = _steps_from_prefetched(compensation.cohort, compensation.currency)
    return CompensationFigures(compensation, progress, steps, payments)


def case_figures(compensations, today: date | None = None) -> list[Progress]:
    """The case's compensation added up per currency (amounts in different currencies are
    never summed), each with its share over time."""
    per_currency: dict[str, Progress] = {}
    dated: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
    for compensation in compensations:
        progress = per_currency.setdefault(
            compensation.currency, Progress(currency=compensation.currency)
        )
        progress.owed += compensation.amount_owed
        progress.agreed += (
            compensation.amount_agreed
            if compensation.amount_agreed is not None
            else compensation.amount_owed
        )
        progress.workers += compensation.workers_covered
        for payment in compensation.payments.all():
            progress.reimbursed += payment.amount
            dated[compensation.currency].append((payment.paid_on, payment.amount))
    for currency, progress in per_currency.items():
        progress.series = share_over_time(dated[currency], progress.owed, today)
    return [per_currency[currency] for currency in sorted(per_currency)]


def share_over_time(
    payments: list[tuple[date, Decimal]], owed: Decimal, today: date | None = None
) -> list[tuple[date, Decimal]]:
    """(first day of the month, per cent reimbursed by the end of that month), from the month
    of the first payment to the current month (or the last payment's, if later)."""
    if not payments:
        return []
    today = today or timezone.localdate()
    by_month: dict[date, Decimal] = defaultdict(Decimal)
    for paid_on, amount in payments:
        by_month[paid_on.replace(day=1)] += amount
    month = min(by_month)
    last = max(max(by_month), today.replace(day=1))
    series = []
    cumulative = Decimal(0)
    while month <= last and len(series) < MAX_MONTHS:
        cumulative += by_month.get(month, Decimal(0))
        series.append((month, share_of(cumulative, owed)))
        month = _next_month(month)
    return series


def _steps_from_prefetched(cohort: MigrantCohort, currency: str) -> list[StepFee]:
    """Fees per worker by step, in the compensation's currency where the fees allow it
    without a rate (all in that currency, or the compensation is in euros); else in euros."""
    fees = list(cohort.fees.all())
    in_currency = currency == "EUR" or all(fee.currency.upper() == currency for fee in fees)
    by_step: dict[str, Decimal] = defaultdict(Decimal)
    for fee in fees:
        if currency != "EUR" and in_currency:
            by_step[fee.step] += fee.amount
        else:
            by_step[fee.step] += fee.amount if fee.currency.upper() == "EUR" else fee.amount_eur
    labels = dict(CohortFee.Step.choices)
    shown = currency if in_currency else "EUR"
    return [
        StepFee(step, f"{labels[step]} ({shown})", _cents(by_step[step]))
        for step in CohortFee.Step.values
        if step in by_step
    ]


def _cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, ROUND_HALF_UP)


def _currency(code: str) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise DomainError(
            _("Use a three-letter currency code, such as THB or MYR."), field="currency"
        )
    return code


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)
