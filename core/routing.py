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
