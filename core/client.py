"""Who is asking, as rate limits see it: the client's address behind trusted proxies, and the
bucket it counts in.

Behind a reverse proxy every request comes from the proxy's address; only the proxies we run
may tell us the client's, in `X-Forwarded-For`. `EW_TRUSTED_PROXY_COUNT` says how many proxies
stand in front of the application (each appends the address it saw), `EW_TRUSTED_PROXY_NETWORKS`
which networks they live in; entries a client wrote itself are never believed. IPv6 clients
get a whole /64 each from their provider, so one /64 is one bucket.
"""

import ipaddress

from django.conf import settings

IPV6_BUCKET_PREFIX = 64


def _parse(value: str):
    try:
        address = ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted_networks():
    return [ipaddress.ip_network(n, strict=False) for n in settings.EW_TRUSTED_PROXY_NETWORKS]


def client_address(request) -> str:
    """The nearest address that is not one of our proxies; "unknown" when it is not an IP."""
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    # Nearest first: the peer of this connection, then what each proxy says it saw.
    chain = [request.META.get("REMOTE_ADDR", ""), *reversed(hops)]
    networks = _trusted_networks()
    for position, value in enumerate(chain):
        address = _parse(value)
        if address is None:
            return "unknown"
        is_proxy = position < settings.EW_TRUSTED_PROXY_COUNT or any(
            address in network for network in networks
        )
        if not is_proxy:
            return str(address)
    return str(_parse(chain[-1]))


def rate_limit_bucket(request) -> str:
    """The client's address, with IPv6 widened to its /64."""
    address = _parse(client_address(request))
    if address is None:
        return "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_BUCKET_PREFIX}", strict=False))
    return str(address)
