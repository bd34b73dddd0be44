"""Factory matching: the same production site, disclosed by many contractors, is one row.

Names and addresses are normalised into keys (lower case, no accents or punctuation, no legal
suffixes, no repeated words); PostgreSQL's pg_trgm then compares keys within a country.
"""

import re
import unicodedata

# Legal forms that say nothing about which site it is ("Ltd Ltd" happens in real uploads).
LEGAL_SUFFIXES = {
    "ltd",
    "limited",
    "co",
    "company",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "kk",
    "pte",
    "pvt",
    "private",
    "sdn",
    "bhd",
    "tbk",
    "pt",
    "jsc",
    "jsc.",
    "cv",
    "sro",
    "as",
    "oy",
    "ab",
}
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_LETTERS))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_text.casefold()).strip()


def _dedupe(words):
    seen, kept = set(), []
    for word in words:
        if word not in seen:
            seen.add(word)
            kept.append(word)
    return kept


def normalise_name(name: str) -> str:
    words = [w for w in _fold(name).split() if w not in LEGAL_SUFFIXES]
    return " ".join(_dedupe(words))[:255]


def normalise_address(address: str) -> str:
    return " ".join(_fold(address).split())[:500]
