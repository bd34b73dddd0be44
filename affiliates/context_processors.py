from django.conf import settings

from .tenancy import memberships_of


def navigation(request):
    """What the base layout needs to draw the navigation for the user's roles."""
    user = getattr(request, "user", None)
    memberships = memberships_of(user) if user is not None else []
    return {
        "nav_memberships": memberships,
        "active_affiliate": getattr(request, "affiliate", None),
        "active_membership": getattr(request, "membership", None),
        "demo_mode": settings.DEMO_MODE,
        "mfa_relaxed": not settings.EW_MFA_REQUIRED,
    }
