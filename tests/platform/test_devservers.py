"""`make run` end to end: it serves the platform with a worker, and SIGTERM stops it all."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psutil
import psycopg2
import pytest

pytestmark = pytest.mark.long

BASE_DIR = Path(__file__).resolve().parents[2]
# Names of its own per pytest-xdist worker: two runs of the suite side by side never share them.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
SCRATCH_DB = f"ewatch_runcheck_{_WORKER}"
SCRATCH_REDIS = f"runcheck-{_WORKER}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_connection():
    # The owner of the tables may create databases; the application's role may not.
    url = urlsplit(os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"])
    host = parse_qs(url.query).get("host", [url.hostname])[0]
    conn = psycopg2.connect(
        dbname="postgres",
        user=url.username or "postgres",
        password=url.password,
        host=host,
        port=url.port,
    )
    conn.autocommit = True
    return conn, url, host


@pytest.fixture
def scratch_database_url(django_db_setup):
    """A database of its own, so that the platform's migrate and seed leave the tests' alone:
    a copy of the migrated template that the tests' databases are copies of (tests/conftest.py,
    built by `migrate` from an empty database), on which the run's `migrate` has no migration
    left to apply and still puts row-level security in place. Migrating from empty again here
    took minutes of a loaded machine, past the deadline for the first answer."""
    from django.db import connections

    template = connections["default"].settings_dict["TEST"]["TEMPLATE"]
    conn, url, host = _admin_connection()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{SCRATCH_DB}" TEMPLATE "{template}"')
    yield f"postgres://{url.username or 'postgres'}@/{SCRATCH_DB}?host={host}"
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
    conn.close()


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def test_run_serves_the_platform_and_sigterm_leaves_no_process(scratch_database_url):
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": scratch_database_url}
    # Given one URL, the run takes it as the owner's and connects as the application's role.
    env.pop("DATABASE_OWNER_URL", None)
    env.pop("REDIS_URL", None)  # the run must start (and stop) its own embedded Redis
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "config.devservers",
            "run",
            "--port",
            str(port),
            "--redis",
            SCRATCH_REDIS,
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        # The demo logins come once, last, when the platform answers (its /healthz is 200).
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any("Demo logins" in line for line in lines):
            assert process.poll() is None, "".join(lines)
            time.sleep(0.5)
        assert any("Demo logins" in line for line in lines), "".join(lines)
        health = _get(f"http://127.0.0.1:{port}/healthz")
        assert health[0] == 200, health
        status, login_page = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert "Sign in" in login_page
        started = psutil.Process(process.pid).children(recursive=True)
        assert len(started) >= 4  # redis, runserver (+ its reloader child), worker, beat
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=90)
        reader.join(timeout=30)
    output = "".join(lines)
    assert output.count("Demo logins") == 1, output
    assert "Demo logins (password: watch-demo-2026)" in output
    assert "everything stopped" in output
    leftovers = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert leftovers == []
    assert _get(f"http://127.0.0.1:{port}/accounts/login/")[0] is None


def test_the_first_stop_signal_ignores_the_next_so_clean_up_runs_to_the_end():
    from config import devservers

    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(devservers.Stop):
            devservers._raise_stop(signal.SIGTERM, None)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)
