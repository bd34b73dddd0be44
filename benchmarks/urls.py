"""The URLs of `make bench`: the platform's own (config.urls) plus the empty page and the empty
API lists that the floors request (benchmarks/suite.py). Never the product's: the suite sets
ROOT_URLCONF to this module while it runs (`suite.run`), nothing else does.

A page's floor is its main query plus the *empty page* requested through the same test Client,
login, middleware and layout as the page: `base.html` rendered with no content, under
`/a/<slug>/` for an affiliate's page (the tenancy middleware resolves the membership and
scopes it), under `/staff/` for staff's (their bypass), at the root for the others. An API
list's floor is its `.values()` serialised with orjson plus an *empty list* of the same
viewset: the same class with `list` answering an empty page, so that authentication,
permissions and the reader's resolution (affiliates.tenancy) run as for the real list.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path
from rest_framework.response import Response

from config.api import router
from config.urls import handler404  # noqa: F401  (the platform's, also here)

EMPTY_PAGE = "bench_empty_page"
EMPTY_AFFILIATE_PAGE = "bench_empty_affiliate_page"
EMPTY_STAFF_PAGE = "bench_empty_staff_page"


def empty_api_name(basename: str) -> str:
    return f"bench_empty_api_{basename}"


@login_required
def empty_page(request, affiliate_slug=None):
    """The layout every page extends, with no content: the fixed cost of a page."""
    return render(request, "base.html")


def empty_list(viewset):
    """`viewset` whose list is an empty page of results (no queryset read, no filter)."""

    def empty(self, request, *args, **kwargs):
        if getattr(self, "paginator", None) is None:  # a plain ViewSet: a bare list
            return Response([])
        self.paginate_queryset([])
        return self.get_paginated_response([])

    return type(f"Empty{viewset.__name__}", (viewset,), {"list": empty})


urlpatterns = [
    path("bench-empty/", empty_page, name=EMPTY_PAGE),
    path("staff/bench-empty/", empty_page, name=EMPTY_STAFF_PAGE),
    path("a/<slug:affiliate_slug>/bench-empty/", empty_page, name=EMPTY_AFFILIATE_PAGE),
    *(
        path(
            f"api/v1/bench-empty/{basename}/",
            empty_list(viewset).as_view({"get": "list"}),
            name=empty_api_name(basename),
        )
        for _prefix, viewset, basename in router.registry
        if hasattr(viewset, "list")
    ),
    path("", include("config.urls")),
]
