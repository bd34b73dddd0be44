from django.conf import settings

from .tenancy import ACTIVE_AFFILIATE_SESSION_KEY, memberships_of


def navigation(request):
    """What the base layout needs to draw the navigation for the user's roles."""
    user = getattr(request, "user", None)
    memberships = memberships_of(user) if user is not None else []
    active = getattr(request, "affiliate", None)
    if active is None and memberships:
        # Pages outside /a/<slug>/ (the library, the community, the account) keep the menu of
        # the affiliate last worked in, else of the first: the way back is one click.
        session = getattr(request, "session", None)
        last = session.get(ACTIVE_AFFILIATE_SESSION_KEY) if session is not None else None
        active = next((m.affiliate for m in memberships if m.affiliate.slug == last), None)
        active = active or memberships[0].affiliate
    return {
        "nav_memberships": memberships,
        "active_affiliate": active,
        "active_membership": getattr(request, "membership", None),
        "demo_mode": settings.DEMO_MODE,
        "mfa_relaxed": not settings.EW_MFA_REQUIRED,
    }
