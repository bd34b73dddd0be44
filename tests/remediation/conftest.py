"""Fixtures shared by the remediation reminder tests."""

import pytest

from tests.factories import FactoryFactory, RemediationCaseFactory, StaffFactory


@pytest.fixture(autouse=True)
def _digest_on_mondays(settings):
    settings.EW_DIGEST_WEEKDAY = 0


@pytest.fixture
def lead(db):
    return StaffFactory(totp=False, email="lead@ewatch.example", full_name="Ana Lead")


@pytest.fixture
def case(lead):
    return RemediationCaseFactory(
        staff_lead=lead, factory=FactoryFactory(name="Rayong Plant 2 Co., Ltd.")
    )
