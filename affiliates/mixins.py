"""View mixins for the roles of DESIGN.md §2. Tenant resolution itself is in `tenancy`.

Every mixin here gives the view `self.reader` (see `affiliates.reader`): the rows a page
shows come from `Model.objects.visible_to(self.reader)`, never from a test of the user's role.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .reader import Reader
from .tenancy import log_denied


class ReaderMixin(LoginRequiredMixin):
    """A page for signed-in users; `self.reader` is the request's reader."""

    @property
    def reader(self) -> Reader:
        return self.request.reader


class AffiliateViewMixin(ReaderMixin):
    """A page of the affiliate named in the URL; `TenantMiddleware` has resolved it already.

    `allowed_roles` (one of `Membership`'s role sets) limits a page or action to some roles of
    the member (others get 403: they are members, so the affiliate's existence is no secret
    to them).
    """

    allowed_roles: tuple[str, ...] | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.affiliate is None:  # the middleware 404s before this; belt and braces
            raise Http404
        self.affiliate = request.affiliate
        self.membership = request.membership
        if self.allowed_roles is not None and self.membership.role not in self.allowed_roles:
            log_denied(request, "affiliate role")
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("affiliate", self.affiliate)
        kwargs.setdefault("membership", self.membership)
        return super().get_context_data(**kwargs)


class StaffRequiredMixin(ReaderMixin):
    """Electronics Watch staff only; anyone else is told the page does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.reader.is_staff:
            log_denied(request, "staff page")
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class PartnerRequiredMixin(ReaderMixin):
    """Members of a monitoring partner only; anyone else is told the page does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.reader.is_partner:
            log_denied(request, "partner page")
            raise Http404
        if request.user.is_authenticated:
            self.partner = request.user.partner_membership.partner
        return super().dispatch(request, *args, **kwargs)


class CompanyRequiredMixin(ReaderMixin):
    """Company contacts only (the portal under /company/); anyone else is told the page does
    not exist. `self.company_id` is the company the contact acts for."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.reader.is_company:
            log_denied(request, "company page")
            raise Http404
        if request.user.is_authenticated:
            self.company_id = self.reader.company_id
        return super().dispatch(request, *args, **kwargs)
