from rest_framework import viewsets

from .models import Affiliate, Membership
from .serializers import (
    AffiliateSerializer,
    MembershipSerializer,
)
from .tenancy import AffiliateScopedAPIMixin, memberships_of


class AffiliateViewSet(viewsets.ReadOnlyModelViewSet):
    """The affiliates the caller belongs to, with the caller's role in each."""

    serializer_class = AffiliateSerializer
    queryset = Affiliate.objects.none()
    lookup_field = "slug"

    def get_queryset(self):
        slugs = [m.affiliate.slug for m in memberships_of(self.request.user)]
        return Affiliate.objects.filter(slug__in=slugs, is_active=True).order_by("name")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["roles"] = {m.affiliate_id: m.role for m in memberships_of(self.request.user)}
        return context


class MembershipViewSet(AffiliateScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Members of the caller's affiliate."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()

    def get_queryset(self):
        return Membership.objects.select_related("user").order_by("user__email")
