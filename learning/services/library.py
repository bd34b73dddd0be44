"""The guidance library's rules.

Placeholder written by the self-assessment branch: only `recommended_resources`, which the
self-assessment uses for its recommendations. The library's own branch writes the real module;
at merge its version wins.
"""

from __future__ import annotations

from ..models import Resource


def recommended_resources(*, topics=(), stages=(), kinds=(), limit=5) -> list[Resource]:
    """Published resources for these topics (slugs), stages and kinds, newest first."""
    resources = Resource.objects.filter(status=Resource.Status.PUBLISHED)
    if stages:
        resources = resources.filter(stages__overlap=list(stages))
    if topics:
        resources = resources.filter(topics__slug__in=list(topics)).distinct()
    if kinds:
        resources = resources.filter(kind__in=list(kinds))
    return list(resources.prefetch_related("versions").order_by("-published_at", "-pk")[:limit])
