"""A country's code from its English name, in constant time.

`django_countries.countries.by_name` walks every country and translates each name on every
call (some 20 ms): a file naming a thousand different countries would take half a minute.
This builds the same table once per process and looks names up in it.
"""

from __future__ import annotations

import functools

from django.utils import translation
from django_countries import countries


@functools.cache
def _english_names() -> dict[str, str]:
    names: dict[str, str] = {}
    with translation.override("en"):
        for code, entry in countries.countries.items():
            if isinstance(entry, dict):
                candidates = entry.get("names") or [entry["name"]]
            else:
                candidates = [entry]
            for name in (*candidates, *countries.shadowed_names.get(code, ())):
                names.setdefault(str(name).lower(), code)
    return names


def code_by_english_name(name: str) -> str:
    """The two-letter code of the country with this English name in any case, or ""."""
    return _english_names().get(name.lower(), "")
