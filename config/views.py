"""Project-level views: the role-based home redirect and the health check."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from affiliates.tenancy import ACTIVE_AFFILIATE_SESSION_KEY, memberships_of

logger = logging.getLogger(__name__)


def home(request):
    """Send each user to the dashboard of their role; the last affiliate used comes first."""
    user = request.user
    if not user.is_authenticated:
        return redirect("account_login")
    if request.reader.is_staff:
        return redirect("reports:staff_dashboard")
    if request.reader.is_partner:
        return redirect("monitoring:partner_dashboard")
    memberships = memberships_of(user)
    if memberships:
        active = request.session.get(ACTIVE_AFFILIATE_SESSION_KEY)
        chosen = next((m for m in memberships if m.affiliate.slug == active), memberships[0])
        return redirect(chosen.affiliate.get_absolute_url())
    return render(request, "no_role.html")


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: database down")
        return False


def _check_redis() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )
        return bool(client.ping())
    except Exception:
        logger.exception("health check: redis down")
        return False


def _count_celery_workers() -> int:
    from config.celery import app

    try:
        return len(app.control.ping(timeout=1.0) or [])
    except Exception:
        logger.exception("health check: celery control failed")
        return 0


@never_cache
def healthz(request):
    database = _check_database()
    redis_up = _check_redis()
    workers = _count_celery_workers() if redis_up else 0
    healthy = database and redis_up and workers > 0
    body = {
        "status": "ok" if healthy else "unavailable",
        "postgresql": "ok" if database else "down",
        "redis": "ok" if redis_up else "down",
        "celery": {"status": "ok" if workers else "down", "workers": workers},
    }
    return JsonResponse(body, status=200 if healthy else 503)
