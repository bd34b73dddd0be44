"""Fill exchange-rates.csv with a demo rate for every Monday of 2024 to 2026.

The published figures of the file (seven dates of 2025 per currency) stay as they are; each
Monday in between gets the straight-line interpolation of the two figures around it, and the
Mondays before the first or after the last figure get that figure. Every generated row says so
in its source. A fee paid on any day then finds a rate "on or in the week before" its date.

Run again after changing a published figure:
    .venv/bin/python suppliers/reference_data/weekly_rates.py
"""

import csv
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

PATH = Path(__file__).with_name("exchange-rates.csv")
GENERATED = "Demo figure interpolated from "
FIRST_MONDAY, LAST_DAY = date(2024, 1, 1), date(2026, 12, 31)


def _mondays():
    day = FIRST_MONDAY
    while day <= LAST_DAY:
        yield day
        day += timedelta(days=7)


def _interpolated(figures: list[tuple[date, Decimal, str]], day: date) -> tuple[Decimal, str]:
    """The rate of `day` between the published figures around it (sorted by date)."""
    if day <= figures[0][0]:
        return figures[0][1], figures[0][2]
    for (start, low, source), (end, high, _source) in pairwise(figures):
        if start <= day <= end:
            share = Decimal((day - start).days) / Decimal((end - start).days)
            return low + (high - low) * share, source
    return figures[-1][1], figures[-1][2]


def main():
    with PATH.open(newline="", encoding="utf-8") as file:
        rows = [row for row in csv.DictReader(file) if not row["source"].startswith(GENERATED)]
    figures: dict[str, list[tuple[date, Decimal, str]]] = {}
    for row in rows:
        figures.setdefault(row["currency"], []).append(
            (date.fromisoformat(row["date"]), Decimal(row["units_per_euro"]), row["source"])
        )
    for currency, published in figures.items():
        published.sort()
        taken = {day for day, _rate, _source in published}
        for monday in _mondays():
            if monday in taken:
                continue
            rate, source = _interpolated(published, monday)
            digits = max(2, 6 - len(str(int(rate))))  # about six significant digits
            rows.append(
                {
                    "currency": currency,
                    "date": monday.isoformat(),
                    "units_per_euro": f"{rate:.{digits}f}",
                    "source": f"{GENERATED}{source} (weekly, for the demo)",
                }
            )
    rows.sort(key=lambda row: (row["currency"], row["date"]))
    with PATH.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["currency", "date", "units_per_euro", "source"])
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
