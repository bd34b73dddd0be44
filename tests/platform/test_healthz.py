import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def celery_worker_process():
    """A real Celery worker on the test Redis, as `make run` starts one."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    yield process
    process.terminate()
    process.wait(20)


def test_healthz_is_503_without_a_celery_worker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "postgresql": "ok",
        "redis": "ok",
        "celery": {"status": "down", "workers": 0},
    }


def test_healthz_is_200_when_everything_runs(client, db, celery_worker_process):
    deadline = time.monotonic() + 60
    response = client.get("/healthz")
    while response.status_code != 200 and time.monotonic() < deadline:
        time.sleep(1)
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["celery"]["workers"] == 1
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(REDIS_URL="unix:///nonexistent/redis.sock?db=0")
def test_healthz_is_503_when_redis_is_down(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down"


def test_healthz_pings_the_workers_once_for_many_anonymous_requests(client, db, monkeypatch):
    from core import health

    pings = []
    real_ping = health._ping_celery_workers

    def counted_ping():
        pings.append(1)
        return real_ping()

    monkeypatch.setattr(health, "CELERY_ANSWER_SECONDS", 30)
    monkeypatch.setattr(health, "_ping_celery_workers", counted_ping)
    started = time.monotonic()
    for _ in range(5):
        client.get("/healthz")
    assert len(pings) <= 3  # "down" is kept 2 s; the five requests take far less
    assert time.monotonic() - started < 5
