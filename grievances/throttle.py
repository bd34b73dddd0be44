"""Throttling of the anonymous grievance pages without storing who the visitor is.

A bucket is a counter in the Redis cache under a keyed hash of the client address and the
current hour: `HMAC(key derived from SECRET_KEY, scope | address | hour)`. The address itself
is never stored or logged; the bucket expires with its hour, after which even the hash is gone.
Guesses at one receipt code are also counted per lookup id, wherever they come from, and lock
that code for a while when too many are wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from core.client import rate_limit_bucket

HOUR = 3600

# (scope, requests allowed per client and hour)
LIMITS = {
    "submit": 10,
    "follow-up": 10,
    "reply": 30,
    "factory-search": 120,
}
WRONG_CODES_PER_LOOKUP = 5
LOOKUP_LOCK_SECONDS = HOUR


def _bucket_key(scope: str, request) -> str:
    hour = int(time.time()) // HOUR
    address = rate_limit_bucket(request)
    key = salted_hmac("grievances.throttle", "bucket", secret=settings.SECRET_KEY).digest()
    digest = hmac.new(key, f"{scope}|{address}|{hour}".encode(), hashlib.sha256).hexdigest()
    return f"grv:t:{scope}:{digest[:32]}"


def _hit(key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def seconds_left_in_window() -> int:
    return HOUR - int(time.time()) % HOUR


def allow(scope: str, request) -> bool:
    """Count one request of this client in this scope; False once over the hour's limit."""
    return _hit(_bucket_key(scope, request), seconds_left_in_window() + 1) <= LIMITS[scope]


def lookup_locked(lookup: str) -> bool:
    return (cache.get(f"grv:lookup:{lookup}") or 0) >= WRONG_CODES_PER_LOOKUP


def lookup_failed(lookup: str) -> None:
    _hit(f"grv:lookup:{lookup}", LOOKUP_LOCK_SECONDS)


SUBMISSION_MEMORY = 6 * 3600  # seconds a form's submission token is remembered


def _submission_key(token: str) -> str:
    return "grv:submission:" + hashlib.sha256(token.encode()).hexdigest()


def first_submission(token: str) -> bool:
    """True the first time this form is sent; False when the same form comes again."""
    if not token:
        return True
    return cache.add(_submission_key(token), 1, SUBMISSION_MEMORY)


def forget_submission(token: str) -> None:
    """The submission failed: the same form may be sent again."""
    if token:
        cache.delete(_submission_key(token))
