"""French pages: Django's fr formats, with the narrow no-break space as thousands separator
(as Babel's fr_FR amounts have it, so grouped numbers and amounts look alike)."""

DATE_FORMAT = "j F Y"  # '5 décembre 2026'
TIME_FORMAT = "H:i"  # '14:30'
DATETIME_FORMAT = "j F Y, H:i"  # '5 décembre 2026, 14:30'
YEAR_MONTH_FORMAT = "F Y"  # 'décembre 2026'
MONTH_DAY_FORMAT = "j F"  # '5 décembre'
SHORT_DATE_FORMAT = "d/m/Y"  # '05/12/2026'
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # '05/12/2026 14:30'
FIRST_DAY_OF_WEEK = 1  # lundi

# ISO first: it is what <input type="date"> sends and what a DateInput without its own
# format renders; then the day-first forms a person types.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # <input type="datetime-local">
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u202f"  # narrow no-break space
NUMBER_GROUPING = 3
