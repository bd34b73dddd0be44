"""The grievance threshold cannot be defeated by subtracting two compliance reports (issue 17):
reports cover whole calendar periods only, and no two of them differ by a small count."""

import itertools
from datetime import date

import pytest

from affiliates.models import Membership
from core import periods
from core.errors import DomainError
from grievances.selectors import grievance_counts_for_period
from reports.compliance import compliance_report_request
from tests.factories import FactoryFactory, member
from tests.grievances.conftest import submit

pytestmark = pytest.mark.django_db


def test_a_report_one_day_shorter_than_another_is_refused(northvale):
    admin = member(northvale, Membership.Role.ADMIN)
    with pytest.raises(DomainError, match="whole calendar month"):
        compliance_report_request(
            affiliate=northvale,
            by=admin,
            period_start=date(2025, 1, 2),
            period_end=date(2025, 12, 31),
        )
    report = compliance_report_request(
        affiliate=northvale, by=admin, period_start=date(2025, 4, 1), period_end=date(2025, 6, 30)
    )
    assert (report.period_start, report.period_end) == (date(2025, 4, 1), date(2025, 6, 30))


def _all_periods(year):
    year_period = periods.as_period(date(year, 1, 1), date(year, 12, 31))
    return [year_period, *periods.nested(year_period)]


@pytest.mark.parametrize(
    "received",
    [
        # Five in January, one in July: the year (6) minus January (5) would reveal 1.
        [date(2025, 1, d) for d in (3, 4, 5, 6, 7)] + [date(2025, 7, 1)],
        # Five in each of two quarters and two more in a third.
        [date(2025, 2, d) for d in range(1, 6)]
        + [date(2025, 5, d) for d in range(1, 6)]
        + [date(2025, 9, 1), date(2025, 9, 2)],
        # Spread thinly: three a month all year.
        [date(2025, m, d) for m in range(1, 13) for d in (1, 2, 3)],
    ],
)
def test_no_two_reports_let_anyone_compute_a_count_below_the_threshold(received, settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    factory = FactoryFactory()
    for day in received:
        submit(intake={"factory": factory}, today=day)
    shown = {}
    for period in _all_periods(2025):
        start, end = periods.dates(period)
        count = grievance_counts_for_period([factory.pk], start, end).get(factory.pk)
        if count is not None:
            assert count >= 5
            shown[period] = count
    assert shown, "the check is void if nothing is ever shown"
    for (a, count_a), (b, count_b) in itertools.combinations(shown.items(), 2):
        assert not 0 < abs(count_a - count_b) < 5, (a, b, count_a, count_b)


def test_a_count_with_nothing_to_subtract_is_shown(settings):
    settings.EW_GRIEVANCE_COUNT_THRESHOLD = 5
    factory = FactoryFactory()
    for day in (1, 2, 3, 4, 5, 6):
        submit(intake={"factory": factory}, today=date(2025, 3, day))
    year = grievance_counts_for_period([factory.pk], date(2025, 1, 1), date(2025, 12, 31))
    assert year == {factory.pk: 6}
