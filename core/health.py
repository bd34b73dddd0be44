"""The health check load balancers and `docker compose` ask: PostgreSQL, Redis, Celery workers."""

import logging

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


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


# Pinging the workers waits up to a second; anyone may ask /healthz, so the answer is kept
# for a while and only one request at a time pings.
CELERY_ANSWER_SECONDS = 30
_CELERY_KEY = "healthz:celery-workers"


def _ping_celery_workers() -> int:
    try:
        return len(current_app.control.ping(timeout=1.0) or [])
    except Exception:
        logger.exception("health check: celery control failed")
        return 0


def _count_celery_workers() -> int:
    workers = cache.get(_CELERY_KEY)
    if workers is not None:
        return workers
    if not cache.add(_CELERY_KEY + ":pinging", 1, 5):
        return cache.get(_CELERY_KEY + ":last", 0)  # another request is pinging right now
    try:
        workers = _ping_celery_workers()
        # "Down" is kept briefly only, so that a worker that comes back is seen at once.
        cache.set(_CELERY_KEY, workers, CELERY_ANSWER_SECONDS if workers else 2)
        cache.set(_CELERY_KEY + ":last", workers, None)
        return workers
    finally:
        cache.delete(_CELERY_KEY + ":pinging")


@never_cache
@require_safe
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
