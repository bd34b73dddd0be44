"""Test overrides: fast password hashing, e-mails in Django's outbox; nothing else differs.

Under pytest-xdist each worker (PYTEST_XDIST_WORKER=gw0, gw1, ...) gets Redis databases of its
own, so that one worker's `cache.clear()`, rate-limit counters and queued tasks never touch
another's. They are exported to the environment too: a subprocess of a test (a Celery worker,
`manage.py`, with this module or config.settings) lands on the same databases.
"""

import os

from .settings import *  # noqa: F403
from .settings import _celery_broker_url, _redis_db, _redis_with_db

# One test database per test run, so that two runs on one PostgreSQL never collide
# (pytest-django appends the xdist worker's name, e.g. `_gw0`).
DATABASES["default"]["TEST"] = {"NAME": f"test_ewatch_{os.getpid()}"}  # noqa: F405

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and os.environ.get("EW_TEST_REDIS_WORKER") != XDIST_WORKER:
    # gw0 takes the broker's database + 2 and the cache's + 3, gw1 + 4 and + 5, ...; the
    # embedded Redis has 64 databases (config/devservers.py). Once per worker: a subprocess
    # inherits the marker and the URLs, and reads them as they are.
    _offset = 2 * (int(XDIST_WORKER.removeprefix("gw")) + 1)
    REDIS_URL = _redis_with_db(REDIS_URL, _redis_db(REDIS_URL) + _offset)  # noqa: F405
    CACHE_URL = _redis_with_db(CACHE_URL, _redis_db(CACHE_URL) + _offset)  # noqa: F405
    CACHES["default"]["LOCATION"] = CACHE_URL  # noqa: F405
    CELERY_BROKER_URL = _celery_broker_url(REDIS_URL)
    # Exported as they were given: CACHE_URL and CELERY_BROKER_URL only where they were set
    # (otherwise config.settings derives them from REDIS_URL, as here).
    _exported = {"REDIS_URL": REDIS_URL, "EW_TEST_REDIS_WORKER": XDIST_WORKER}
    _exported |= {
        name: value
        for name, value in (("CACHE_URL", CACHE_URL), ("CELERY_BROKER_URL", CELERY_BROKER_URL))
        if name in os.environ
    }
    os.environ.update(_exported)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "ew-test"  # noqa: F405
CELERY_BEAT_SCHEDULE_FILENAME = str(
    LOCAL_DIR / f"celerybeat-schedule-test{'-' + XDIST_WORKER if XDIST_WORKER else ''}"  # noqa: F405
)
