"""Encrypted columns: authenticated, rotatable, never returning ciphertext as text."""

import pytest
from cryptography.fernet import Fernet

from core import encryption


@pytest.fixture
def keys(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.EW_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_round_trip_and_ciphertext_differs_each_time(keys):
    first, second = encryption.encrypt("wages withheld"), encryption.encrypt("wages withheld")
    assert first != second and "wages" not in first
    assert encryption.decrypt(first) == "wages withheld"


def test_rotation_keeps_old_values_readable_and_moves_them_to_the_new_key(keys):
    settings, old, new = keys
    token = encryption.encrypt("passport kept by the agent")
    settings.EW_ENCRYPTION_KEYS = [new, old]
    rotated = encryption.rotate(token)
    settings.EW_ENCRYPTION_KEYS = [new]
    assert encryption.decrypt(rotated) == "passport kept by the agent"
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(token)


def test_tampered_value_raises_instead_of_returning_text(keys):
    token = encryption.encrypt("contact me on Line")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(tampered)


def _fernet_time(token: str) -> int:
    import base64
    import struct

    raw = base64.urlsafe_b64decode(token.encode())
    return struct.unpack(">Q", raw[1:9])[0]


def test_ciphertext_tells_only_the_day_it_was_written(keys):
    import time

    token = encryption.encrypt("the supervisor shouted at us at 23:41")
    stamp = _fernet_time(token)
    assert stamp % 86400 == 0
    assert 0 <= time.time() - stamp < 86400
    settings, old, new = keys
    settings.EW_ENCRYPTION_KEYS = [new, old]
    assert _fernet_time(encryption.rotate(token)) % 86400 == 0
