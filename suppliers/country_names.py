"""A country's code from its English name, in constant time; `country_code` also reads codes
and the other ways lists write a country; `country_name`, a code's name, in constant time.

`django_countries.countries.by_name` walks every country and translates each name on every
call (some 20 ms): a file naming a thousand different countries would take half a minute.
This builds the same table once per process and looks names up in it.
"""

from __future__ import annotations

import functools
import re
import unicodedata

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


@functools.lru_cache(maxsize=16)
def _names_in(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}  # named in the active language


def country_name(code: str) -> str:
    """`Country(code).name` (django-countries) in the active language, from a table built
    once per language: the country's own looks its name up and translates it on every call,
    some tens of microseconds a row of a list."""
    name = _names_in(translation.get_language()).get(code)
    return countries.name(code) if name is None else name


def code_by_english_name(name: str) -> str:
    """The two-letter code of the country with this English name in any case, or ""."""
    return _english_names().get(name.lower(), "")


# Forms of country names that django-countries does not know, as lists really write them.
_SYNONYMS = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states": "US",
    "united states of america": "US",
    "ivory coast": "CI",
    "cote d ivoire": "CI",
    "the netherlands": "NL",
    "holland": "NL",
    "kingdom of cambodia": "KH",
    "the philippines": "PH",
    "vietnam": "VN",
    "hongkong": "HK",
    "china mainland": "CN",
    "viet nam": "VN",
    "south korea": "KR",
    "korea": "KR",
    "korea republic of": "KR",
    "republic of korea": "KR",
    "taiwan": "TW",
    "taiwan province of china": "TW",
    "hong kong sar": "HK",
    "hong kong sar china": "HK",
    "macau": "MO",
    "turkey": "TR",
    "turkiye": "TR",
    "czech republic": "CZ",
    "russia": "RU",
    "laos": "LA",
    "uae": "AE",
    "burma": "MM",
    "cambodia kingdom of": "KH",
    "peoples republic of china": "CN",
    "prc": "CN",
    "mainland china": "CN",
}
_JUNK = re.compile(r"[^\w]+")


def country_code(value: str) -> str:
    """The two-letter code of a country written as a code (CN, CHN) or an English name in
    any case and spacing ("VIET NAM", "china."), or ""."""
    folded = unicodedata.normalize("NFKD", value.casefold())
    text = _JUNK.sub(" ", "".join(c for c in folded if not unicodedata.combining(c))).strip()
    if text in _SYNONYMS:
        return _SYNONYMS[text]
    if text.isascii() and text.isalpha() and len(text) in (2, 3):
        code = countries.alpha2(text.upper())
        if code:
            return code
    return code_by_english_name(" ".join(value.split())) or code_by_english_name(text)
