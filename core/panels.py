"""Panels: a section an upper app adds to a lower app's page, without the lower app knowing it.

Apps form one stack (README, "Architecture"): `remediation` may not import `engagement`,
yet a case's page shows its RBA referral. The page names a slot and the object it shows,

    {% load panels %}
    {% panels "case_staff" case %}

and the upper app registers, once (in its `AppConfig.ready()`), a provider for that slot:

    panels.register("case_staff", referral_panel)

A provider is called as `provider(request, obj)` and returns rendered HTML (usually from
`render_to_string`, with the request) or None when it has nothing to show to this reader.
It decides what the reader may see, with the same `visible_to(request.reader)` rules as
any page. The slot's providers render in the order they were registered.

Slots in use: `case_staff`, `case_partner`, `case_affiliate` (a remediation case for each
audience), `company_staff` (staff's page of a company), `grievance_staff` (staff's page of
a grievance), `partner_dashboard` (a monitoring partner's dashboard).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

Provider = Callable[[Any, Any], "str | None"]

_providers: dict[str, list[Provider]] = {}


def register(slot: str, provider: Provider) -> None:
    """Add `provider` to `slot`; registering the same provider twice keeps one."""
    providers = _providers.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def unregister(slot: str, provider: Provider) -> None:
    """Remove `provider` from `slot` (tests); unknown providers are ignored."""
    providers = _providers.get(slot, [])
    if provider in providers:
        providers.remove(provider)


def providers(slot: str) -> tuple[Provider, ...]:
    return tuple(_providers.get(slot, ()))


def render_slot(slot: str, request, obj) -> SafeString:
    """Every provider's HTML for `obj`, in order; the empty string when none has any."""
    parts = []
    for provider in providers(slot):
        html = provider(request, obj)
        if html:
            parts.append(str(html))
    # Providers render templates, which escape what they show.
    return mark_safe("".join(parts))  # noqa: S308
