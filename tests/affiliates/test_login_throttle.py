"""Wrong passwords cannot lock the owner out from elsewhere; a lockout answers 429 (issue 17)."""

import pytest

from affiliates import throttle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password, address):
    return client.post(
        "/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_an_attacker_cannot_lock_the_owner_out_from_another_address(client, northvale_officer):
    email = northvale_officer.email
    for _ in range(5):
        assert _sign_in(client, email, "wrong-guess", "203.0.113.66").status_code == 200
    locked = _sign_in(client, email, "wrong-guess", "203.0.113.66")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "300"
    owner = client.__class__()
    response = _sign_in(owner, email, PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert owner.get("/account/").status_code == 200


def test_the_attacker_stays_locked_even_with_the_right_password(client, northvale_officer):
    email = northvale_officer.email
    for _ in range(5):
        _sign_in(client, email, "wrong-guess", "203.0.113.66")
    assert _sign_in(client, email, PASSWORD, "203.0.113.66").status_code == 429


def test_guesses_spread_over_many_addresses_are_slowed_down(settings):
    settings.EW_LOGIN_SLOWDOWN_AFTER = 3
    waited = []
    delays = [throttle.slow_down_failed_login("target@x.example", waited.append) for _ in range(6)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:] == pytest.approx([0.1, 0.2, 0.3])
    assert waited == pytest.approx([0.1, 0.2, 0.3])
    assert throttle.slow_down_failed_login("someone-else@x.example", waited.append) == 0.0
