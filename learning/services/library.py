"""The guidance library's rules that other areas use.

A minimal version written for the risk screening; the library's own area may replace this
module, keeping `recommended_resources`'s signature.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from ..models import Resource


def recommended_resources(
    *,
    topics: Iterable[str] = (),
    stages: Iterable[str] = (),
    kinds: Iterable[str] = (),
    limit: int = 5,
) -> list[Resource]:
    """Published resources for the given topic slugs (any of them), stages of the procurement
    cycle (any of them) and kinds (any of them); an empty argument does not filter. Resources
    matching more of the topics come first, then the most recently published."""
    topics, stages, kinds = list(topics), list(stages), list(kinds)
    resources = Resource.objects.filter(status=Resource.Status.PUBLISHED)
    if topics:
        resources = resources.filter(topics__slug__in=topics)
    if stages:
        resources = resources.filter(stages__overlap=stages)
    if kinds:
        resources = resources.filter(kind__in=kinds)
    if topics:
        resources = resources.annotate(
            topic_matches=Count("topics", filter=Q(topics__slug__in=topics), distinct=True)
        ).order_by("-topic_matches", "-published_at", "-pk")
    else:
        resources = resources.order_by("-published_at", "-pk")
    return list(resources.prefetch_related("versions")[:limit])
