"""Calendar periods that reports may cover, and the periods nested inside each.

Reports that publish small-number-sensitive counts (grievances per factory) cover a whole
calendar month, a calendar quarter, or one to `MAX_YEARS` whole calendar years; never arbitrary
days, so that two reports a day apart cannot be subtracted. Those shapes nest (months in
quarters, quarters in years, years in runs of years), which lets a count be withheld whenever
its difference with a nested period's count would reveal a small number
(`grievances.selectors.grievance_counts_for_period`).

A period is a pair of month indexes (`year * 12 + month - 1`), first and last inclusive.
"""

import calendar
from datetime import date

MAX_YEARS = 5

Period = tuple[int, int]


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def first_day(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def last_day(index: int) -> date:
    year, month = index // 12, index % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def as_period(start: date, end: date) -> Period | None:
    """The period from `start` to `end` when it is a reportable one, else None."""
    if start.day != 1 or end != last_day(month_index(end)) or end < start:
        return None
    period = (month_index(start), month_index(end))
    return period if is_reportable(period) else None


def is_reportable(period: Period) -> bool:
    first, last = period
    months = last - first + 1
    if months == 1:
        return True
    if months == 3:
        return first % 3 == 0
    return first % 12 == 0 and months % 12 == 0 and months // 12 <= MAX_YEARS


def dates(period: Period) -> tuple[date, date]:
    return first_day(period[0]), last_day(period[1])


def years_covering(start: date, end: date) -> tuple[date, date]:
    """The whole calendar years around two days (a contract's term), at most `MAX_YEARS`."""
    last_year = min(end.year, start.year + MAX_YEARS - 1)
    return date(start.year, 1, 1), date(last_year, 12, 31)


def nested(period: Period) -> list[Period]:
    """Every reportable period strictly inside `period`."""
    first, last = period
    inside = [(m, m) for m in range(first, last + 1)]
    quarter = first + (-first) % 3
    while quarter + 2 <= last:
        inside.append((quarter, quarter + 2))
        quarter += 3
    year_starts = [m for m in range(first, last + 1) if m % 12 == 0 and m + 11 <= last]
    for i, begin in enumerate(year_starts):
        for end_start in year_starts[i:]:
            inside.append((begin, end_start + 11))
    return [p for p in inside if p != period and is_reportable(p)]
