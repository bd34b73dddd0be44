"""Security log: every login, logout and failed login, with time, actor and affiliate.

Never a password, token or e-mail text: the failed-login line names no credential at all
(the attempted address may be a typo of a password).
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT

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
