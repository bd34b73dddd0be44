"""The request's URL resolved once for the middlewares that ask before the view.

Row-level security names the view of its unit of work, the tenancy middleware reads the
affiliate's slug, the audit hides the secret parts of a path: each resolving the path anew
walked the URLconf three more times a request, and every include that did not match raised
and caught a `Resolver404` whose traceback, frames and list of tried patterns are reference
cycles: some 300 objects a request left to the garbage collector. Django's handler resolves
once more for the view (`request.resolver_match`)."""

from django.urls import Resolver404, resolve

_UNRESOLVED = object()


def match_of(request):
    """`resolve(request.path_info)`, or None when no view answers the path; once a request."""
    match = request.__dict__.get("_ew_resolver_match")
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = _UNRESOLVED
        else:
            # The patterns tried before this one (for Django's debug 404 page): a list per
            # pattern of the URLconf, kept as long as the request is; not ours to show.
            match.tried = None
        request._ew_resolver_match = match
    return None if match is _UNRESOLVED else match


class ForgetTriedPatternsMiddleware:
    """Django's handler keeps with the request's match (`request.resolver_match.tried`) a
    list for every pattern it tried before the view's, for the debug page of a 404: for an
    API list, some 500 small lists that the request's reference cycles (DRF's request and
    view point at each other) leave to the garbage collector, whose young collections then
    come every few dozen requests instead of every few hundred. The view runs without them;
    a path no view answers keeps its own list in its `Resolver404`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is not None:
            match.tried = None
