"""Reportable calendar periods and what nests inside them."""

from datetime import date

from core import periods


def test_reportable_periods_are_months_quarters_and_whole_years():
    assert periods.as_period(date(2025, 2, 1), date(2025, 2, 28))
    assert periods.as_period(date(2025, 4, 1), date(2025, 6, 30))
    assert periods.as_period(date(2024, 1, 1), date(2025, 12, 31))
    assert periods.as_period(date(2025, 2, 1), date(2025, 3, 31)) is None  # two months
    assert periods.as_period(date(2025, 2, 1), date(2025, 4, 30)) is None  # unaligned quarter
    assert periods.as_period(date(2025, 1, 1), date(2025, 12, 30)) is None  # one day short
    assert periods.as_period(date(2025, 1, 2), date(2025, 12, 31)) is None
    assert periods.as_period(date(2019, 1, 1), date(2024, 12, 31)) is None  # six years


def test_a_year_nests_its_quarters_and_months():
    year = periods.as_period(date(2025, 1, 1), date(2025, 12, 31))
    inside = periods.nested(year)
    assert len(inside) == 12 + 4
    assert periods.as_period(date(2025, 4, 1), date(2025, 6, 30)) in inside


def test_two_years_nest_each_year():
    two = periods.as_period(date(2024, 1, 1), date(2025, 12, 31))
    inside = periods.nested(two)
    assert periods.as_period(date(2024, 1, 1), date(2024, 12, 31)) in inside
    assert periods.as_period(date(2025, 1, 1), date(2025, 12, 31)) in inside
    assert two not in inside


def test_a_contract_term_becomes_its_whole_calendar_years():
    assert periods.years_covering(date(2023, 3, 15), date(2025, 9, 1)) == (
        date(2023, 1, 1),
        date(2025, 12, 31),
    )
