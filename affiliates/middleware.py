"""Request middleware for language, session lifetime and MFA enrolment.

Tenant scoping has its own module, `affiliates.tenancy`.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

SESSION_LOGIN_AT = "_ew_login_at"
SESSION_LAST_SEEN = "_ew_last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds; avoids a session write on every request


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and the browser's preference.

    Runs after Django's LocaleMiddleware (which serves anonymous visitors) and keeps the
    language cookie in step with the saved preference, so the login page after a logout
    speaks the same language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if (
            user.is_authenticated
            and user.language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != user.language
        ):
            set_language_cookie(response, user.language)
        return response


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class SessionTimeoutMiddleware:
    """Ends a session after `EW_SESSION_IDLE_TIMEOUT` of inactivity or `SESSION_COOKIE_AGE`
    after login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.EW_SESSION_IDLE_TIMEOUT
            too_old = now - login_at > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Paths a user who must enrol in MFA may still open: sign-in/out, MFA set-up, language.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/language/", "/healthz", "/i18n/")


class MfaEnrolmentMiddleware:
    """EW staff and monitoring-partner members must have TOTP before using the platform.

    allauth has no setting for role-based enforcement, so we do it here. Demo mode relaxes
    it (`EW_MFA_REQUIRED` off) and the base layout says so on every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_enrol(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Set up two-factor authentication before using the API.")},
                    status=403,
                )
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Please set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_enrol(request) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and user.lacks_required_mfa()
        )


class PrivateCacheMiddleware:
    """Pages shown to a signed-in user may hold contract or worker data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
