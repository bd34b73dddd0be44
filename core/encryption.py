"""Application-level encryption for worker testimony, grievance text and contact details.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, authenticated) under a
`MultiFernet` built from `EW_ENCRYPTION_KEYS`: the first key encrypts, every key decrypts, so a
new key is rolled out by putting it first and running `manage.py rotate_encryption_keys`, then
dropping the old one. A value that no key opens raises `DecryptionFailed`: the platform never
shows ciphertext as if it were text.

We keep this in ~60 lines of our own rather than a package: the maintained encrypted-field
packages derive their keys from `SECRET_KEY`, which ties every stored testimony to a setting
that is rotated for other reasons.

Saving a row again without changing its text writes back the ciphertext it was read with, so
the column changes only when the text does (the audit trail's `<field>.changed` events,
core/audit.py, mean the text changed, not that the row was saved).
"""

from __future__ import annotations

import time
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute


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


@cache
def _primary(key: str) -> Fernet:
    return Fernet(key)


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


def still_current(token: str, plaintext: str) -> bool:
    """Whether `token` may be written again for `plaintext`: it opens with the newest key, to
    exactly that text, and tells only a day (so rotation and coarse times still hold)."""
    primary = _primary(settings.EW_ENCRYPTION_KEYS[0])
    try:
        if primary.extract_timestamp(token.encode("ascii")) % 86400:
            return False
        return primary.decrypt(token.encode("ascii")).decode() == plaintext
    except (InvalidToken, UnicodeError):
        return False


class _Decrypted(str):
    """Plaintext read from the database, carrying the `token` it was read from."""

    token: str


class _Ciphertext(str):
    """A token chosen by `EncryptedTextField.pre_save`, written as it is."""


# Where an instance keeps the token of each encrypted field it last read or wrote.
_TOKENS = "_encrypted_tokens"


class _EncryptedAttribute(DeferredAttribute):
    """Remembers, per instance, the token behind the value read from the database (rows are
    built through `setattr`, and so are refreshed ones)."""

    def __set__(self, instance, value):
        if isinstance(value, _Decrypted):
            instance.__dict__.setdefault(_TOKENS, {})[self.field.attname] = value.token
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code sees plaintext. It cannot be searched or ordered.

    The empty string is stored as the empty string, so "no contact details" stays visible to
    queries without revealing anything else. A save keeps the stored token when the text is
    the one it holds (`still_current`); `queryset.update()` and `bulk_update()` always
    encrypt anew.
    """

    descriptor_class = _EncryptedAttribute

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is None or value == "":
            return value
        tokens = model_instance.__dict__.setdefault(_TOKENS, {})
        token = tokens.get(self.attname)
        if token is None or not still_current(token, value):
            token = tokens[self.attname] = encrypt(value)
        return _Ciphertext(token)

    def get_prep_value(self, value):
        if isinstance(value, _Ciphertext):
            return str(value)
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        plaintext = _Decrypted(decrypt(value))
        plaintext.token = value
        return plaintext


def encrypted_fields():
    """(model, field) for every encrypted column, for key rotation."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
