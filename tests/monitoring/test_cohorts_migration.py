"""Migration monitoring 0011: findings' migrant facts become cohorts without loss."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scopes_disabled

from core.models import ExchangeRate
from monitoring.models import Finding, MigrantCohort
from suppliers.models import MigrationCorridor
from tests.factories import FindingFactory, MonitoringReportFactory

pytestmark = pytest.mark.long

BEFORE = [("monitoring", "0010_cohort_fees_not_converted")]
START = date(2025, 3, 3)


@pytest.fixture
def as_owner():
    """Migrations run as the owner of the tables (as `migrate` does in production)."""
    connection.close()
    connection.settings_dict.update(settings.DATABASE_OWNER)
    yield
    connection.close()
    connection.settings_dict.update(settings.DATABASE_APPLICATION)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("as_owner")
def test_findings_become_cohorts_keeping_every_fee_corridor_debt_and_document_holder():
    with scopes_disabled():
        report = MonitoringReportFactory(
            factory__country="TH", period_start=START, period_end=date(2025, 4, 30)
        )
        migrant = FindingFactory(report=report, workers_affected=30, youngest_age_observed=14)
        no_destination = FindingFactory(report=report, workers_affected=None)
        documents_only = FindingFactory(report=report, youngest_age_observed=16)
        local = FindingFactory(report=report, youngest_age_observed=17)
    corridor = MigrationCorridor.objects.create(
        origin="MM", destination="TH", source="ILO", year=2024
    )
    rate = ExchangeRate.objects.create(
        currency="THB", date=date(2025, 2, 28), units_per_euro=Decimal("40"), source="ECB"
    )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OldFinding = old.get_model("monitoring", "Finding")
        RecruitmentFee = old.get_model("monitoring", "RecruitmentFee")
        OldFinding.objects.filter(pk=migrant.pk).update(
            origin_country="MM",
            destination_country="TH",
            documents_held_by="employer",
            debt_amount=Decimal("25000"),
            debt_currency="THB",
            children_in_hazardous_work=True,
        )
        OldFinding.objects.filter(pk=no_destination.pk).update(origin_country="MM")
        OldFinding.objects.filter(pk=documents_only.pk).update(documents_held_by="agent")
        for finding, item, amount, currency in [
            (migrant, "recruitment_fee", "18000", "thb"),
            (migrant, "visa_permit", "6500", "THB"),
            (migrant, "medical", "50", "EUR"),
            (no_destination, "travel", "4500", "MYR"),  # no MYR rate: not converted
        ]:
            RecruitmentFee.objects.create(
                finding_id=finding.pk, cost_item=item, amount=Decimal(amount), currency=currency
            )

        call_command("migrate", "monitoring", verbosity=0)

        with scopes_disabled():
            cohorts = {
                c.findings.get().pk: c
                for c in MigrantCohort.objects.prefetch_related("findings", "fees__rate")
            }
            assert set(cohorts) == {migrant.pk, no_destination.pk, documents_only.pk}
            full = cohorts[migrant.pk]
            assert (full.origin_country, full.destination_country, full.corridor) == (
                "MM",
                "TH",
                corridor,
            )
            assert (full.workers_other, full.debt_per_worker, full.debt_currency) == (
                30,
                Decimal("25000.00"),
                "THB",
            )
            assert full.documents_held_by == "employer"
            assert {(f.step, f.paid_on) for f in full.fees.all()} == {("origin_recruitment", START)}
            fees = sorted(
                (f.cost_item, f.amount, f.currency, f.amount_eur, f.rate_id)
                for f in full.fees.all()
            )
            assert fees == [
                ("medical", Decimal("50.00"), "EUR", Decimal("50.00"), None),
                ("recruitment_fee", Decimal("18000.00"), "THB", Decimal("450.00"), rate.pk),
                ("visa_permit", Decimal("6500.00"), "THB", Decimal("162.50"), rate.pk),
            ]
            partial = cohorts[no_destination.pk]
            assert (partial.origin_country, partial.destination_country) == ("MM", "TH")
            assert partial.workers_other == 0
            (travel,) = partial.fees.all()
            assert (travel.amount, travel.currency, travel.amount_eur, travel.rate) == (
                Decimal("4500.00"),
                "MYR",
                None,
                None,
            )
            documents = cohorts[documents_only.pk]
            assert (documents.origin_country, documents.documents_held_by) == ("", "agent")
            child = dict(Finding.objects.values_list("pk", "child_labour"))
            assert child[migrant.pk] == ["under_minimum_age", "hazardous"]
            assert child[documents_only.pk] == [] and child[local.pk] == []
    finally:
        call_command("migrate", verbosity=0)
