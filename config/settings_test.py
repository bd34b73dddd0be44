"""Test overrides: fast password hashing, e-mails in Django's outbox; nothing else differs."""

import os

from .settings import *  # noqa: F403

# One test database per test run, so that two runs on one PostgreSQL never collide.
DATABASES["default"]["TEST"] = {"NAME": f"test_ewatch_{os.getpid()}"}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = "ew-test"  # noqa: F405
CELERY_BEAT_SCHEDULE_FILENAME = str(LOCAL_DIR / "celerybeat-schedule-test")  # noqa: F405
