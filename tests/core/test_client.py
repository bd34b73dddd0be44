"""Rate limits count the real client: behind trusted proxies only, IPv6 per /64 (issue 17)."""

from django.test import RequestFactory

from core.client import client_address, rate_limit_bucket


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_each_visitor_is_their_own_bucket(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 1
    first = _request("10.0.0.2", "203.0.113.9")
    second = _request("10.0.0.2", "198.51.100.7")
    assert rate_limit_bucket(first) == "203.0.113.9"
    assert rate_limit_bucket(second) == "198.51.100.7"


def test_a_client_cannot_pick_its_bucket_by_prepending_addresses(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 1
    request = _request("10.0.0.2", "1.2.3.4, 203.0.113.9")  # "1.2.3.4" written by the client
    assert client_address(request) == "203.0.113.9"


def test_trusted_proxy_networks_are_skipped(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 0
    settings.EW_TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]
    assert client_address(_request("10.0.0.2", "203.0.113.9, 10.1.1.1")) == "203.0.113.9"


def test_ipv6_addresses_of_one_64_share_a_bucket(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 0
    one = rate_limit_bucket(_request("2001:db8:1:2::1"))
    other = rate_limit_bucket(_request("2001:db8:1:2:ffff:ffff:ffff:fffe"))
    elsewhere = rate_limit_bucket(_request("2001:db8:1:3::1"))
    assert one == other == "2001:db8:1:2::/64"
    assert elsewhere != one


def test_garbage_in_forwarded_for_is_one_unknown_bucket(settings):
    settings.EW_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request("10.0.0.2", "not-an-address")) == "unknown"
