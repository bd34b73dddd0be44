"""Security log: every login, logout and failed login, with time, actor and affiliate; and
the request's memberships read anew after a write of one (at the end).

Never a password, token or e-mail text: the failed-login line names no credential at all
(the attempted address may be a typo of a password).
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from .models import Affiliate, Membership
from .tenancy import forget_memberships

security_log = logging.getLogger("ew.security")


def _affiliate_slug(request):
    affiliate = getattr(request, "affiliate", None)
    return affiliate.slug if affiliate else "-"


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    import time

    if request is not None:
        now = int(time.time())
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now
    security_log.info("login: user=%s affiliate=%s", user.pk, _affiliate_slug(request))


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    security_log.info(
        "logout: user=%s affiliate=%s", getattr(user, "pk", None), _affiliate_slug(request)
    )


@receiver(user_login_failed)
def log_login_failed(sender, credentials, request=None, **kwargs):
    security_log.warning("login failed: affiliate=%s", _affiliate_slug(request))


# A request reads its user's memberships once (affiliates.tenancy.memberships_of): a write
# of one, or of an affiliate (deactivated, renamed), in the same request is read anew.
for _model in (Membership, Affiliate):
    post_save.connect(forget_memberships, sender=_model, dispatch_uid=f"forget-{_model.__name__}")
    post_delete.connect(
        forget_memberships, sender=_model, dispatch_uid=f"forget-{_model.__name__}-deleted"
    )
