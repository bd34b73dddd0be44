"""The HTTP line of `make bench` and `make bench-http`: gunicorn as in production, 8 clients.

gunicorn runs with config/gunicorn.conf.py (the settings the Dockerfile and docker-compose.yml
use) against the benchmark's scratch database; 8 threads of this process, each with its own
`requests.Session` carrying a session cookie made by `force_login` for an officer of a small
generated affiliate, ask for that affiliate's dashboard as fast as they can for ~20 s. Printed:
requests per second (answers 200 only) and the latency p50/p95. The load generator shares the
machine's cores with gunicorn and PostgreSQL, as a reverse proxy would.
`variants()` repeats it for other worker/thread counts and prints a Markdown table (README).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from benchmarks.suite import Bench, Goal, Line, Result, Skip, machine, percentile

BASE_DIR = Path(__file__).resolve().parent.parent
CONFIG = BASE_DIR / "config" / "gunicorn.conf.py"
CLIENTS = 8
STARTUP_SECONDS = 180  # gunicorn importing Django on a loaded machine takes a while
HTTP_GOAL = Goal(p95_ms=300, floor_factor=None, min_rps=50)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with the production configuration file; `env` overrides its variables."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            **(env or {}),
        }

    def __enter__(self) -> Gunicorn:
        import requests

        # gunicorn's log (its workers' errors, Django's warnings) goes to a file: a pipe that
        # nobody reads fills up and blocks the workers, and reading it before gunicorn has
        # ended waits forever. Its end is the reason given if gunicorn does not start.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c", str(CONFIG)],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                requests.get(f"{self.url}/healthz", timeout=2)  # any answer: it serves
                return self
            except requests.RequestException:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    self.log.seek(0)
                    error = self.log.read().decode(errors="replace")[-800:]
                    self.log.close()
                    raise Skip(f"gunicorn did not start: {error}") from None
                time.sleep(0.3)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(40)  # graceful_timeout is 30 s
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if exc and not self.log.closed:
            self.log.close()


def session_cookie(user) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def load(url: str, cookie: tuple[str, str], seconds: float, clients: int = CLIENTS) -> dict:
    """`clients` threads asking for `url` for `seconds`: rps (200 only), p50/p95 ms, errors."""
    import requests

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def client() -> None:
        session = requests.Session()
        session.cookies.set(*cookie)
        session.get(url, timeout=30)  # connection and first-request costs, untimed
        start.wait()
        mine, bad = [], []
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                response = session.get(url, timeout=30, allow_redirects=False)
                status = response.status_code
            except requests.RequestException as error:
                status = type(error).__name__
            if status == 200:
                mine.append((time.perf_counter() - began) * 1000)
            else:
                bad.append(str(status))
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": percentile(latencies, 0.95) if latencies else None,
        "errors": len(errors),
        "first_errors": sorted(set(errors))[:3],
    }


def dashboard_url(bench: Bench) -> str:
    try:
        return reverse("reports:dashboard", kwargs={"affiliate_slug": bench.slug("small")})
    except NoReverseMatch:
        raise Skip("URL 'reports:dashboard' is gone") from None


class HttpLine(Line):
    kind = "http"

    def __init__(self, env: dict[str, str] | None = None, label: str = "") -> None:
        name = f"HTTP small dashboard, {CLIENTS} clients" + (f" ({label})" if label else "")
        super().__init__(name, HTTP_GOAL)
        self.env = env or {}

    def measure(self, bench: Bench) -> Result:
        result = Result(line=self.name, kind=self.kind, goal=self.goal.describe())
        try:
            cookie = session_cookie(bench.user("affiliate", "small"))
            path = dashboard_url(bench)
            with Gunicorn(self.env) as server:
                figures = load(server.url + path, cookie, bench.http_seconds)
        except Skip as reason:
            result.verdict = f"skipped: {reason}"
            return result
        result.runs = figures["requests"]
        result.p50_ms, result.p95_ms = figures["p50_ms"], figures["p95_ms"]
        result.extra = figures
        result.note = f"{figures['rps']:.1f} rps" + (
            f", {figures['errors']} errors {figures['first_errors']}" if figures["errors"] else ""
        )
        if result.p95_ms is None:
            result.verdict = f"skipped: no answer 200 ({figures['first_errors']})"
        return result


VARIANTS = [
    ("sync", 2, 1),
    ("sync", 3, 1),
    ("sync", 4, 1),
    ("gthread", 2, 2),
    ("gthread", 2, 4),
    ("gthread", 3, 2),
    ("gthread", 4, 2),
]


def variants(bench: Bench, seconds: float, directory: Path | None = None) -> list[dict]:
    """The load test for each variant; prints the Markdown table of README "Serving", ready
    to paste (its caption says when, at which scale and load), and writes the figures to
    `directory`/http-variants-<date-time>.json."""
    cookie = session_cookie(bench.user("affiliate", "small"))
    path = dashboard_url(bench)
    rows = []
    started = datetime.now()
    print(f"\nHTTP variants ({CLIENTS} clients, {seconds:.0f} s each, small dashboard):")
    header = "| worker class | workers | threads | requests/s | p50 ms | p95 ms | errors |"
    print(header + "\n|---|---|---|---|---|---|---|", flush=True)
    for worker_class, workers, threads in VARIANTS:
        env = {
            "GUNICORN_WORKER_CLASS": worker_class,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
        }
        try:
            with Gunicorn(env) as server:
                figures = load(server.url + path, cookie, seconds)
        except Skip as reason:
            print(f"| {worker_class} | {workers} | {threads} | skipped: {reason} |||")
            continue
        rows.append({"worker_class": worker_class, "workers": workers, "threads": threads})
        rows[-1].update(figures)
        p50, p95 = figures["p50_ms"] or 0, figures["p95_ms"] or 0
        print(
            f"| {worker_class} | {workers} | {threads} | {figures['rps']:.1f} | {p50:.0f} "
            f"| {p95:.0f} | {figures['errors']} |",
            flush=True,
        )
    averages = machine()["load_average"]
    print(
        f"\nMeasured {started:%Y-%m-%d} by `make bench-http` (scale {bench.scale}, {CLIENTS} "
        f"clients, {seconds:.0f} s a variant, {machine()['cpus']} cores, load average "
        + ("/".join(f"{value:.1f}" for value in averages) if averages else "?")
        + ")."
    )
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        document = {
            "started": started.isoformat(timespec="seconds"),
            "scale": bench.scale,
            "seconds": seconds,
            "clients": CLIENTS,
            "path": path,
            "machine": machine(),
            "variants": rows,
        }
        target = directory / f"http-variants-{started:%Y%m%d-%H%M%S}.json"
        target.write_text(json.dumps(document, indent=1, default=str))
        print(f"Written to {target}.")
    return rows
