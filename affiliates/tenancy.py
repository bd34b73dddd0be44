"""Tenant scoping and the reader, in one place.

Pages under `/a/<affiliate_slug>/` are resolved by `TenantMiddleware`; API views by
`AffiliateScopedAPIMixin`. Both call `resolve_membership()` and then run the view inside
`django_scopes.scope(affiliate=...)`, so every tenant-owned model (declared with
`ScopedManager(affiliate="affiliate")`) is filtered to the active affiliate, and a query on one
outside such a scope raises `ScopeError`: scoping fails closed. A slug the user is no member of
is a 404, exactly like a slug that does not exist.

Both also resolve the request's `Reader` (see `affiliates.reader`), once: the middleware as
`request.reader` for pages, the DRF mixins as `self.reader` once DRF has authenticated the
caller (a token authenticates inside DRF, after every middleware has run).
"""

from __future__ import annotations

import logging
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar

from django.http import Http404
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from rest_framework.exceptions import NotFound, ValidationError

from core.rls import unlogged_bypass
from core.routing import match_of

from .models import Affiliate, Membership
from .reader import Reader, ReaderKind

security_log = logging.getLogger("ew.security")

ACTIVE_AFFILIATE_SESSION_KEY = "active_affiliate"

# A request's users' active memberships, {user id: [Membership, ...]}, read once: the view
# (who may read events, which body a community member writes for) and the navigation of
# the layout ask the same question. Set by `TenantMiddleware` for the request only (tasks
# and commands always ask the database), emptied by any save or deletion of a membership or
# an affiliate (`forget_memberships`, connected in affiliates/signals.py).
_request_memberships: ContextVar[dict | None] = ContextVar("ew_memberships", default=None)


def resolve_membership(user, slug: str) -> Membership | None:
    """The user's membership in the active affiliate with this slug, or None."""
    if not user.is_authenticated:
        return None
    with unlogged_bypass():
        return (
            Membership.objects.select_related("affiliate")
            .filter(user=user, affiliate__slug=slug, affiliate__is_active=True)
            .first()
        )


def memberships_of(user) -> list[Membership]:
    """All of a user's memberships in active affiliates, by the affiliate's name, for
    navigation and the API; not tied to a scope. Read once per request."""
    if not user.is_authenticated:
        return []
    known = _request_memberships.get()
    if known is not None and user.pk in known:
        return list(known[user.pk])
    with unlogged_bypass():
        memberships = list(
            Membership.objects.select_related("affiliate")
            .filter(user=user, affiliate__is_active=True)
            .order_by("affiliate__name")
        )
    if known is not None:
        known[user.pk] = memberships
    return list(memberships)


def is_member_of_an_active_affiliate(user) -> bool:
    """Outside an affiliate's pages: does the signed-in user belong to any active affiliate?
    In a request, from `memberships_of` (which the layout's navigation reads anyway)."""
    if not user.is_authenticated:
        return False
    if _request_memberships.get() is not None:
        return bool(memberships_of(user))
    with unlogged_bypass():
        return Membership.objects.filter(user=user, affiliate__is_active=True).exists()


def forget_memberships(**kwargs) -> None:
    """A membership or an affiliate was written: the request reads memberships anew."""
    known = _request_memberships.get()
    if known:
        known.clear()


@contextmanager
def memberships_read_once():
    """Within the block (a request), `memberships_of` asks the database once per user."""
    token = _request_memberships.set({})
    try:
        yield
    finally:
        _request_memberships.reset(token)


def log_denied(request, what: str) -> None:
    """One line per refusal: who, which affiliate was asked for, what kind of thing."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    slug = (match.kwargs.get("affiliate_slug") if match else None) or (
        request.GET.get("affiliate") if hasattr(request, "GET") else None
    )
    security_log.warning(
        "authorisation denied: user=%s affiliate=%s what=%s",
        getattr(user, "pk", None) or "anonymous",
        # What the caller typed, with control characters escaped: a newline in `?affiliate=`
        # cannot forge a log line.
        slug.encode("unicode_escape").decode("ascii") if slug else "-",
        what,
    )


class TenantMiddleware:
    """Resolve `affiliate_slug` for affiliate pages; 404 for non-members; scope the view.

    Sets `request.reader`: on an affiliate page the member reading as that affiliate;
    elsewhere the user's own kind, resolved on first use (asking whether a user belongs to a
    monitoring partner costs a query that most pages do not need).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with memberships_read_once():
            return self.serve(request)

    def serve(self, request):
        request.affiliate = None
        request.membership = None
        request.reader = SimpleLazyObject(lambda: Reader.of(request.user))
        match = getattr(request, "resolver_match", None) or match_of(request)
        slug = match.kwargs.get("affiliate_slug") if match else None
        if _staff_area(request, match):
            # The admin site and the pages under /staff/ are Electronics Watch staff's, who
            # see every tenant: they read tenant rows with no affiliate active, through the
            # explicit bypass (logged, core/rls.py), the page's rendering included.
            with scopes_disabled():
                return self.get_response(request)
        if slug is None or not request.user.is_authenticated:
            # Not an affiliate page, or an anonymous visitor whom the view sends to login.
            return self.get_response(request)
        membership = resolve_membership(request.user, slug)
        if membership is None:
            request.resolver_match = match
            log_denied(request, "affiliate page")
            raise Http404(_("No such page."))
        request.membership = membership
        request.affiliate = membership.affiliate
        request.reader = Reader.of(request.user, membership)
        if request.session.get(ACTIVE_AFFILIATE_SESSION_KEY) != membership.affiliate.slug:
            # Only when it changes: a plain page view must not write the session.
            request.session[ACTIVE_AFFILIATE_SESSION_KEY] = membership.affiliate.slug
        with scope(affiliate=membership.affiliate):
            return self.get_response(request)


def _staff_area(request, match) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    if match and match.app_name == "admin":
        return user.is_staff
    return request.path_info.startswith("/staff/") and user.is_ew_staff


class ReaderAPIMixin:
    """For DRF views: `self.reader` (also `request.reader`), resolved once per request, after
    DRF's authentication and permission checks."""

    reader: Reader

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.reader = self.resolve_reader(request)
        # Replaces the middleware's, which knew no token; DRF's request reads through to it.
        request._request.reader = self.reader

    def resolve_reader(self, request) -> Reader:
        return Reader.of(request.user)


class CachedCountAPIMixin:
    """For an API list whose count costs more than its page (a large affiliate's supply
    chain, staff's whole registry): the capped count is kept in the read-model cache until
    the data change (core/readmodel.py, `CappedPageNumberPagination`), per reader (its
    kind, affiliate, role, partner and company), day (a filter such as `overdue` reads the
    date) and query parameters, the page's number aside."""

    def paginated_count_cache(self) -> tuple[str, tuple] | None:
        reader = self.reader
        params = sorted(
            (name, tuple(values))
            for name, values in self.request.query_params.lists()
            if name != "page"
        )
        owner = (
            reader.kind.value,
            getattr(reader.affiliate, "pk", None),
            getattr(reader.membership, "role", None),
            reader.partner_id,
            reader.company_id,
            str(getattr(self, "today", None) or timezone.localdate()),  # the view's day, if any
        )
        return f"{self.basename}.api.count", (*owner, *params)


class AffiliateScopedAPIMixin(ReaderAPIMixin):
    """For DRF views over tenant-owned or shared data: the caller reads as a member of its
    affiliate.

    A user in several affiliates names one with `?affiliate=<slug>`. The view runs inside
    the affiliate's scope; a row of another affiliate is simply not found (404).

    Readers of the kinds in `readers_without_affiliate` (EW staff, partner members: they
    belong to no affiliate) are served without one unless they name an affiliate they belong
    to (another slug is ignored, not refused); staff then read
    outside any scope, partner members inside none, so a tenant-owned model fails closed.
    """

    readers_without_affiliate: frozenset[ReaderKind] = frozenset()

    @property
    def affiliate(self) -> Affiliate | None:
        return self.reader.affiliate

    @property
    def membership(self) -> Membership | None:
        return self.reader.membership

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as stack:
            self._scope_stack = stack
            return super().dispatch(request, *args, **kwargs)

    def resolve_reader(self, request) -> Reader:
        kinds = self.readers_without_affiliate
        user = request.user
        slug = request.query_params.get("affiliate")
        # Staff and partner members read as themselves unless they name an affiliate they
        # belong to; naming another one is ignored, as it always was. Staff first: whether a
        # user belongs to a partner costs a query.
        if (
            kinds
            and (user.is_ew_staff or ReaderKind.PARTNER in kinds)
            and not (slug and resolve_membership(user, slug))
        ):
            reader = Reader.of(user)
            if reader.kind in kinds:
                if reader.is_staff:
                    self._scope_stack.enter_context(scopes_disabled())
                return reader
        membership = self.resolve_api_membership(request)
        self._scope_stack.enter_context(scope(affiliate=membership.affiliate))
        return Reader.of(user, membership)

    def resolve_api_membership(self, request) -> Membership:
        slug = request.query_params.get("affiliate")
        if slug:
            membership = resolve_membership(request.user, slug)
            if membership is None:
                log_denied(request, "api affiliate")
                raise NotFound(_("No affiliate with this slug among your memberships."))
            return membership
        memberships = memberships_of(request.user)
        if not memberships:
            log_denied(request, "api without membership")
            raise NotFound(_("You are not a member of any affiliate."))
        if len(memberships) > 1:
            raise ValidationError(
                {
                    "affiliate": _(
                        "You belong to several affiliates: name one with ?affiliate=<slug> "
                        "(one of: %(slugs)s)."
                    )
                    % {"slugs": ", ".join(m.affiliate.slug for m in memberships)}
                }
            )
        return memberships[0]


@contextmanager
def replay_context(request):
    """For a request replayed by a task (a background export, `core.exports`): what
    `TenantMiddleware` does for a live one, so that the view checks the same permissions and
    reads in the same scope as when its user asked. A membership lost since is a 404."""
    request.affiliate = None
    request.membership = None
    request.reader = Reader.of(request.user)
    match = request.resolver_match
    slug = match.kwargs.get("affiliate_slug") if match else None
    if _staff_area(request, match):
        with scopes_disabled():
            yield
        return
    if slug is None:
        yield
        return
    membership = resolve_membership(request.user, slug)
    if membership is None:
        raise Http404(_("No such page."))
    request.membership = membership
    request.affiliate = membership.affiliate
    request.reader = Reader.of(request.user, membership)
    with scope(affiliate=membership.affiliate):
        yield
