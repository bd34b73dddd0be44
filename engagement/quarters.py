"""Calendar quarters, named by their first day: what the performance tracker scores."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import last_day, month_index


def quarter_of(day: date) -> date:
    """The first day of the quarter holding `day`."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_end(start: date) -> date:
    return last_day(month_index(start) + 2)


def next_quarter(start: date) -> date:
    index = month_index(start) + 3
    return date(index // 12, index % 12 + 1, 1)


def previous_quarter(start: date) -> date:
    index = month_index(start) - 3
    return date(index // 12, index % 12 + 1, 1)


def last_closed_quarter(today: date | None = None) -> date:
    return previous_quarter(quarter_of(today or timezone.localdate()))


def is_quarter_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def quarter_label(start: date) -> str:
    """ "Q1 2026" in English, "T1 2026" in French (trimestre)."""
    return _("Q%(number)s %(year)s") % {"number": (start.month - 1) // 3 + 1, "year": start.year}


def recent_quarters(count: int, *, until: date | None = None) -> list[date]:
    """The `count` quarters up to `until` (a quarter start), newest first."""
    quarter = until or last_closed_quarter()
    quarters = []
    for _index in range(count):
        quarters.append(quarter)
        quarter = previous_quarter(quarter)
    return quarters
