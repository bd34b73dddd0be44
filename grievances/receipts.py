"""Receipt codes: the worker's only key to their grievance.

A code reads `LLLL-SSSS-SSSS-SSSS-SSSS` in Crockford's base32 (no I, L, O or U, so it can be
read aloud and copied by hand). The first group (20 bits) is a lookup id stored in plain; the
other sixteen characters are an 80-bit secret stored only as a slow hash (Django's PBKDF2
hasher). The code is shown once, on the confirmation page, and only ever travels in POST
bodies: never in a URL, a log line, an e-mail or a Referer header.

A wrong lookup id and a wrong secret are refused alike, and an unknown lookup id still costs a
hash computation, so neither the answer nor its timing tells which part was wrong.
"""

from __future__ import annotations

import secrets
from functools import cache

from django.contrib.auth.hashers import check_password, make_password

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKUP_LENGTH = 4
SECRET_LENGTH = 16  # 16 × 5 bits = 80 bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


@cache
def _dummy_hash() -> str:
    """A hash of nothing in particular, checked against when the lookup id is unknown."""
    return make_password("not-a-receipt-secret")


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_code() -> tuple[str, str, str]:
    """(lookup id, code as shown, hash of the secret)."""
    lookup, secret = _random(LOOKUP_LENGTH), _random(SECRET_LENGTH)
    groups = [lookup] + [secret[i : i + 4] for i in range(0, SECRET_LENGTH, 4)]
    return lookup, "-".join(groups), make_password(secret)


def split(code: str) -> tuple[str, str] | None:
    """(lookup id, secret) of a code as typed — any case, spaces or dashes — or None."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum()).translate(_READ_AS)
    if len(cleaned) != LOOKUP_LENGTH + SECRET_LENGTH or set(cleaned) - set(ALPHABET):
        return None
    return cleaned[:LOOKUP_LENGTH], cleaned[LOOKUP_LENGTH:]


def secret_matches(secret: str, encoded: str | None) -> bool:
    """Check a secret against a stored hash; without one, spend the same time and refuse."""
    if not encoded:
        check_password(secret, _dummy_hash())
        return False
    return check_password(secret, encoded)
