"""Application-level encryption for worker testimony, grievance text and contact details.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, authenticated) under a
`MultiFernet` built from `EW_ENCRYPTION_KEYS`: the first key encrypts, every key decrypts, so a
new key is rolled out by putting it first and running `manage.py rotate_encryption_keys`, then
dropping the old one. A value that no key opens raises `DecryptionFailed`: the platform never
shows ciphertext as if it were text.

We keep this in ~60 lines of our own rather than a package: the maintained encrypted-field
packages derive their keys from `SECRET_KEY`, which ties every stored testimony to a setting
that is rotated for other reasons.
"""

from __future__ import annotations

import time
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionFailed(Exception):
    """Stored ciphertext that none of the configured keys opens."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("EW_ENCRYPTION_KEYS must name at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "EW_ENCRYPTION_KEYS holds a value that is not a Fernet key."
        ) from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.EW_ENCRYPTION_KEYS))


def coarse_now() -> int:
    """Now, rounded down to the day (UTC): the time every new ciphertext carries.

    A Fernet token holds its creation time in clear; a day is all it may tell about when a
    worker spoke (SECURITY.md, "Store coarse timestamps")."""
    now = int(time.time())
    return now - now % 86400


def encrypt(plaintext: str) -> str:
    return fernet().encrypt_at_time(plaintext.encode(), coarse_now()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise DecryptionFailed("a stored value could not be decrypted with any key") from error


def rotate(token: str) -> str:
    """The same value encrypted under the first (newest) key, with a coarse time (values
    encrypted before times were coarse lose their exact one)."""
    return encrypt(decrypt(token))


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code sees plaintext. It cannot be searched or ordered.

    The empty string is stored as the empty string, so "no contact details" stays visible to
    queries without revealing anything else.
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)


def encrypted_fields():
    """(model, field) for every encrypted column, for key rotation."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
