"""The captcha-free slowdown of password guessing spread over many addresses.

The lockout of allauth counts wrong passwords per account and client (see
`AccountAdapter._get_login_attempts_cache_key`). Guesses from many clients at one account are
counted here, per account and hour, under a keyed hash of the address; past
`EW_LOGIN_SLOWDOWN_AFTER`, each further wrong password waits a little longer before its answer,
up to `MAX_DELAY` seconds. A right password is never delayed nor refused.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

HOUR = 3600
MAX_DELAY = 2.0
DELAY_STEP = 0.1


def _key(login: str) -> str:
    hour = int(time.time()) // HOUR
    digest = salted_hmac("affiliates.throttle", f"{login.lower()}|{hour}").hexdigest()
    return "login-failures:" + hashlib.sha256(digest.encode()).hexdigest()[:32]


def failures_this_hour(login: str) -> int:
    return cache.get(_key(login)) or 0


def slow_down_failed_login(login: str, sleep=time.sleep) -> float:
    """Count one wrong password for the account; returns (and waits) the delay it earned."""
    key = _key(login)
    cache.add(key, 0, HOUR + 1)
    try:
        failures = cache.incr(key)
    except ValueError:
        failures = 1
    over = failures - settings.EW_LOGIN_SLOWDOWN_AFTER
    delay = min(MAX_DELAY, DELAY_STEP * over) if over > 0 else 0.0
    if delay:
        sleep(delay)
    return delay
