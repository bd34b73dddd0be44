"""Employer pays: recruitment fees a migrant cohort paid, owed back in the remediation case,
what the company agreed and what it has reimbursed, payment by payment and month by month."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from core.currency import to_eur
from core.errors import DomainError
from core.models import ExchangeRate
from monitoring.models import CohortFee, MigrantCohort
from remediation import compensation as employer_pays
from remediation.models import CaseUpdate, Compensation, CompensationPayment
from tests.factories import (
    RemediationCaseFactory,
    in_supply_chain,
    joined_case,
    member,
    published_finding,
)

pytestmark = pytest.mark.django_db

NOTE = "Bank transfer batch 7; payslips checked by the monitor."
RATE_SOURCE = "European Central Bank, euro foreign exchange reference rates"


def rate(currency, day, units):
    return ExchangeRate.objects.create(
        currency=currency, date=day, units_per_euro=Decimal(units), source=RATE_SOURCE
    )


def fee(cohort, step, amount, currency, paid_on):
    converted = to_eur(Decimal(amount), currency, paid_on)
    return CohortFee.objects.create(
        cohort=cohort,
        step=step,
        cost_item="recruitment_fee",
        amount=Decimal(amount),
        currency=currency,
        paid_on=paid_on,
        amount_eur=converted.amount_eur,
        rate=converted.rate,
    )


@pytest.fixture
def cohort_case():
    """30 workers who paid, each: 1,150,000 kyat on a Monday (Friday's rate, 2,300 a euro:
    500.00 EUR), 3,850 baht (38.5 a euro: 100.00 EUR) and 50 euros: 650.00 EUR a worker."""
    rate("MMK", date(2026, 1, 2), "2300")
    rate("THB", date(2026, 1, 9), "38.5")
    rate("THB", timezone.localdate(), "40")  # today's: the baht compensation's rate
    finding = published_finding()
    case = RemediationCaseFactory(factory=finding.report.factory)
    case.findings.add(finding)
    cohort = MigrantCohort.objects.create(
        report=finding.report,
        origin_country="MM",
        destination_country="TH",
        workers_women=10,
        workers_men=20,
    )
    cohort.findings.add(finding)
    fee(cohort, "origin_recruitment", "1150000", "MMK", date(2026, 1, 5))
    fee(cohort, "arrival", "3850", "THB", date(2026, 1, 10))
    fee(cohort, "arrival", "50", "EUR", date(2026, 1, 10))
    return case, cohort


def test_owed_from_fees_in_three_currencies_each_at_the_rate_of_its_day(cohort_case, staff):
    case, cohort = cohort_case
    in_euros = employer_pays.cohort_owed(cohort)
    assert (in_euros.per_worker, in_euros.workers, in_euros.total) == (
        Decimal("650.00"),
        30,
        Decimal("19500.00"),
    )
    assert in_euros.rate is None
    assert [(s.step, s.per_worker) for s in in_euros.steps] == [
        ("origin_recruitment", Decimal("500.00")),
        ("arrival", Decimal("150.00")),
    ]
    # In baht: the baht fee as paid, the rest (550 EUR) at today's 40 baht a euro.
    compensation = employer_pays.compensation_from_cohort(
        case=case, cohort=cohort, by=staff, currency="thb"
    )
    assert compensation.kind == Compensation.Kind.RECRUITMENT_FEES
    assert (compensation.currency, compensation.amount_owed, compensation.workers_covered) == (
        "THB",
        Decimal("775500.00"),  # (3,850 + 550 × 40) × 30
        30,
    )
    assert "1 EUR = 40 THB" in compensation.description
    assert compensation.amount_paid == 0


def test_no_rate_for_the_currency_refuses_and_creates_nothing(cohort_case, staff):
    case, cohort = cohort_case
    with pytest.raises(DomainError, match="No exchange rate for MYR"):
        employer_pays.compensation_from_cohort(case=case, cohort=cohort, by=staff, currency="MYR")
    with pytest.raises(DomainError, match="not recorded with a finding of this case"):
        employer_pays.compensation_from_cohort(
            case=RemediationCaseFactory(), cohort=cohort, by=staff
        )
    assert not Compensation.objects.exists()


def test_payments_accumulate_and_over_payment_is_refused_with_nothing_saved(cohort_case, staff):
    case, cohort = cohort_case
    compensation = employer_pays.compensation_from_cohort(case=case, cohort=cohort, by=staff)
    employer_pays.compensation_set_agreed(
        compensation=compensation, by=staff, amount_agreed=Decimal("15000")
    )
    today = timezone.localdate()
    for amount in ("5000", "4000.50"):
        employer_pays.payment_record(
            compensation=compensation, by=staff, paid_on=today, amount=Decimal(amount)
        )
    compensation.refresh_from_db()
    assert compensation.amount_paid == Decimal("9000.50")
    assert compensation.amount_agreed == Decimal("15000")
    before = (CompensationPayment.objects.count(), CaseUpdate.objects.count())
    with pytest.raises(
        DomainError,
        match=r"to 19,500\.01 EUR, more than the 19,500\.00 EUR owed \(10,499\.50 EUR are left",
    ):
        employer_pays.payment_record(
            compensation=compensation, by=staff, paid_on=today, amount=Decimal("10499.51")
        )
    with pytest.raises(DomainError, match="more than what is owed"):
        employer_pays.compensation_set_agreed(
            compensation=compensation, by=staff, amount_agreed=Decimal("19500.01")
        )
    compensation.refresh_from_db()
    assert compensation.amount_paid == Decimal("9000.50")
    assert (CompensationPayment.objects.count(), CaseUpdate.objects.count()) == before
    # Exactly what is left is accepted: everything owed is then reimbursed.
    employer_pays.payment_record(
        compensation=compensation, by=staff, paid_on=today, amount=Decimal("10499.50")
    )
    compensation.refresh_from_db()
    assert compensation.amount_paid == compensation.amount_owed


def test_paid_so_far_keeps_the_kind_and_is_not_offered_where_payments_are_confirmed(
    client, cohort_case, staff
):
    case, cohort = cohort_case
    compensation = employer_pays.compensation_from_cohort(case=case, cohort=cohort, by=staff)
    # 10,325.25 of 19,500.00 is 52.95 %: 53.0 % rounded half up (52 % truncated).
    employer_pays.payment_record(
        compensation=compensation,
        by=staff,
        paid_on=timezone.localdate(),
        amount=Decimal("10325.25"),
    )
    with scopes_disabled():
        wages = Compensation.objects.create(
            case=case,
            kind=Compensation.Kind.WAGES,
            description="Unpaid overtime",
            currency="THB",
            amount_owed=Decimal("3000"),
            workers_covered=4,
        )
    client.force_login(staff)
    staff_page = reverse("remediation:staff_case", kwargs={"pk": case.pk})
    body = client.get(staff_page).content.decode()
    assert f'id="paid-{compensation.pk}"' not in body  # its payments: the confirmed form
    assert f'href="#employer-pays-{compensation.pk}-heading"' in body
    assert f'id="paid-{wages.pk}"' in body
    # The compensation table and Employer pays give the same share.
    assert "€10,325.25 (53.0 %)" in body and "52 %" not in body

    # What the "Paid so far" box sent (no kind) keeps the kind of the compensation.
    row = {
        "description": compensation.description,
        "currency": "EUR",
        "amount_owed": "19500.00",
        "workers_covered": "30",
        "amount_paid": "10325.25",
    }
    edit = reverse(
        "remediation:compensation_edit", kwargs={"pk": case.pk, "compensation_pk": compensation.pk}
    )
    client.post(edit, row)
    compensation.refresh_from_db()
    assert compensation.kind == Compensation.Kind.RECRUITMENT_FEES
    assert compensation.cohort == cohort
    refused = client.post(edit, {**row, "amount_paid": "11000"}, follow=True)
    assert "with the payment form under Employer pays" in refused.content.decode()
    assert CompensationPayment.objects.filter(compensation=compensation).count() == 1
    # The box of another kind of compensation still records a payment, and keeps its kind.
    client.post(
        reverse(
            "remediation:compensation_edit", kwargs={"pk": case.pk, "compensation_pk": wages.pk}
        ),
        {
            "description": "Unpaid overtime",
            "currency": "THB",
            "amount_owed": "3000",
            "workers_covered": "4",
            "amount_paid": "1000",
        },
    )
    wages.refresh_from_db()
    assert (wages.kind, wages.amount_paid) == (Compensation.Kind.WAGES, Decimal("1000"))
    body = client.get(staff_page).content.decode()
    assert "THB\xa01,000.00 (33.3 %)" in body
    # A cohort's fees stay recruitment fees, whatever is sent.
    client.post(edit, {**row, "kind": "other"})
    compensation.refresh_from_db()
    assert compensation.kind == Compensation.Kind.RECRUITMENT_FEES


def test_share_reimbursed_over_time_is_cumulative_by_month(cohort_case, staff):
    case, cohort = cohort_case
    fees = employer_pays.compensation_from_cohort(case=case, cohort=cohort, by=staff)
    wages = Compensation.objects.create(
        case=case,
        kind="wages",
        description="Overtime",
        currency="EUR",
        amount_owed=500,
        workers_covered=3,
    )
    for compensation, paid_on, amount in (
        (fees, date(2026, 1, 20), "4875"),  # 25 %
        (fees, date(2026, 3, 3), "2925"),  # +15 %
        (fees, date(2026, 3, 28), "1950"),  # +10 %
        (wages, date(2026, 2, 1), "500"),
    ):
        CompensationPayment.objects.create(
            compensation=compensation, paid_on=paid_on, amount=Decimal(amount)
        )
    fees = employer_pays.compensations_with_payments().get(pk=fees.pk)
    figures = employer_pays.compensation_figures(fees, today=date(2026, 5, 14))
    assert figures.progress.series == [
        (date(2026, 1, 1), Decimal("25.0")),
        (date(2026, 2, 1), Decimal("25.0")),
        (date(2026, 3, 1), Decimal("50.0")),
        (date(2026, 4, 1), Decimal("50.0")),
        (date(2026, 5, 1), Decimal("50.0")),
    ]
    (total,) = employer_pays.case_figures(
        employer_pays.compensations_with_payments().filter(case=case), today=date(2026, 3, 9)
    )
    # The case in euros: 10,250 reimbursed of 20,000 owed.
    assert (total.owed, total.reimbursed, total.share) == (
        Decimal("20000.00"),
        Decimal("10250.00"),
        Decimal("51.3"),
    )
    assert total.series == [
        (date(2026, 1, 1), Decimal("24.4")),
        (date(2026, 2, 1), Decimal("26.9")),
        (date(2026, 3, 1), Decimal("51.3")),
    ]


def test_staff_record_a_payment_after_a_confirmation_and_affiliates_see_the_figures(
    client, cohort_case, staff, northvale, southport
):
    case, cohort = cohort_case
    officer = member(northvale, email="officer@northvale.example")
    stranger = member(southport, email="officer@southport.example")
    with scopes_disabled():
        joined_case(northvale, case)
    client.force_login(staff)
    staff_page = reverse("remediation:staff_case", kwargs={"pk": case.pk})
    client.post(
        reverse("remediation:cohort_compensation", kwargs={"pk": case.pk}),
        {"cohort": cohort.pk, "currency": "EUR", "amount_agreed": "18000"},
    )
    compensation = Compensation.objects.get(cohort=cohort)
    url = reverse(
        "remediation:payment_record", kwargs={"pk": case.pk, "compensation_pk": compensation.pk}
    )
    payment = {
        "paid_on": (timezone.localdate() - timedelta(days=40)).isoformat(),
        "amount": "4875",
        "workers_paid": "8",
        "note": NOTE,
    }
    confirm = client.post(url, payment)
    assert "Confirm the payment" in confirm.content.decode()
    assert not CompensationPayment.objects.exists()
    client.post(url, {**payment, "confirm": "yes"})
    refused = client.post(url, {**payment, "amount": "15000", "confirm": "yes"}, follow=True)
    assert "Nothing was recorded" in refused.content.decode()
    assert list(CompensationPayment.objects.values_list("amount", flat=True)) == [Decimal("4875")]
    body = client.get(staff_page).content.decode()
    assert "Employer pays" in body
    assert "€4,875.00" in body and "(25.0 %)" in body
    assert f"employer-pays-{compensation.pk}-title" in body  # the chart
    assert NOTE in body

    client.force_login(officer)
    body = client.get(
        reverse(
            "remediation:affiliate_case", kwargs={"affiliate_slug": northvale.slug, "pk": case.pk}
        )
    ).content.decode()
    assert "€19,500.00" in body and "€4,875.00" in body and "€18,000.00" in body
    assert NOTE not in body
    client.force_login(stranger)
    response = client.get(
        reverse(
            "remediation:affiliate_case", kwargs={"affiliate_slug": southport.slug, "pk": case.pk}
        )
    )
    assert response.status_code == 404
    # Affiliates record nothing: the staff route is not theirs.
    client.force_login(officer)
    client.post(url, {**payment, "amount": "1", "confirm": "yes"})
    assert CompensationPayment.objects.count() == 1


def test_the_case_api_gives_compensation_with_payments_and_staff_post_payments(
    client, cohort_case, staff, northvale, southport
):
    case, cohort = cohort_case
    officer = member(northvale, email="officer@northvale.example")
    stranger = member(southport, email="officer@southport.example")
    with scopes_disabled():
        joined_case(northvale, case)
        in_supply_chain(southport, RemediationCaseFactory().factory)
    compensation = employer_pays.compensation_from_cohort(case=case, cohort=cohort, by=staff)
    url = f"/api/v1/cases/{case.pk}/compensations/{compensation.pk}/payments/"
    paid_on = (timezone.localdate() - timedelta(days=3)).isoformat()
    client.force_login(staff)
    created = client.post(
        url,
        {"paid_on": paid_on, "amount": "9750", "workers_paid": 15, "note": NOTE},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    refused = client.post(
        url, {"paid_on": paid_on, "amount": "9750.01"}, content_type="application/json"
    )
    assert refused.status_code == 400 and "amount" in refused.json()
    (row,) = client.get(f"/api/v1/cases/{case.pk}/").json()["compensations"]
    assert row["cohort"]["id"] == cohort.pk
    assert (row["amount_owed"], row["amount_paid"], row["share_reimbursed"]) == (
        "19500.00",
        "9750.00",
        "50.0",
    )
    assert row["payments"][0]["note"] == NOTE
    assert row["share_over_time"][-1]["share"] == "50.0"
    (listed,) = client.get(url).json()
    assert (listed["amount"], listed["workers_paid"]) == ("9750.00", 15)

    client.force_login(officer)
    (row,) = client.get(f"/api/v1/cases/{case.pk}/?affiliate=northvale").json()["compensations"]
    assert row["payments"] == [{"paid_on": paid_on, "amount": "9750.00"}]
    assert row["workers_covered"] == 30
    assert client.post(url, {"paid_on": paid_on, "amount": "1"}).status_code == 404
    assert client.get(url).status_code == 404  # the payments in the case, not there
    client.force_login(stranger)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    assert CompensationPayment.objects.count() == 1


def test_the_data_migration_makes_what_was_paid_one_payment_dated_the_last_change(staff):
    migration = importlib.import_module("remediation.migrations.0011_compensation_paid_as_payments")
    case = RemediationCaseFactory()
    paid = Compensation.objects.create(
        case=case,
        description="Fees",
        currency="THB",
        amount_owed=1000,
        amount_paid=400,
        workers_covered=4,
    )
    changed = timezone.make_aware(timezone.datetime(2025, 6, 30, 23, 30))
    Compensation.objects.filter(pk=paid.pk).update(updated_at=changed)
    Compensation.objects.create(
        case=case, description="Nothing paid", currency="THB", amount_owed=10, workers_covered=1
    )
    migration.paid_as_payments(apps, None)
    migration.paid_as_payments(apps, None)  # twice: still one payment
    (payment,) = CompensationPayment.objects.all()
    assert (payment.compensation_id, payment.amount, payment.paid_on) == (
        paid.pk,
        Decimal("400.00"),
        timezone.localdate(changed),
    )


def test_the_paid_so_far_box_keeps_plain_decimals_on_a_french_page(client, cohort_case, staff):
    """French pages show "3 000,50 THB", but a form value stays "3000.50": a comma would not
    be read back."""
    case, _cohort = cohort_case
    with scopes_disabled():
        Compensation.objects.create(
            case=case,
            kind=Compensation.Kind.WAGES,
            description="Unpaid overtime",
            currency="THB",
            amount_owed=Decimal("3000.50"),
            amount_paid=Decimal("1000.25"),
            workers_covered=4,
        )
    staff.language = "fr"
    staff.save()
    client.force_login(staff)
    body = client.get(reverse("remediation:staff_case", kwargs={"pk": case.pk})).content.decode()
    assert '<html lang="fr">' in body
    assert "3\u202f000,50\xa0THB" in body
    assert 'name="amount_owed" value="3000.50"' in body
    assert 'min="0" value="1000.25"' in body
