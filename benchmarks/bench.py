"""`make bench`: every daily page, API list and job measured on a whole network, with floors.

    .venv/bin/python -m config.devservers exec --redis bench -- \\
        .venv/bin/python benchmarks/bench.py [--scale 300] [--fresh] [--runs 50] [--warmup 5]
        [--heavy-runs 3] [--only WORD ...] [--http | --http-only] [--variants]

Works in a scratch database next to the one DATABASE_URL names (`<name>_bench`; on the
embedded PostgreSQL of `make run` / `make test` when DATABASE_URL is unset), migrated and
filled with `seed_demo` then `seed_demo --scale N`, kept between runs: a database that already
holds the generated network of that scale is reused (`--fresh` makes a new one). The settings
are those of `make run` with DEBUG off, as in production: cached templates, compiled
messages, persistent database connections (CONN_MAX_AGE 60), no query log.

Each line is run `--runs` times after `--warmup` runs (the heavy jobs `--heavy-runs` times),
alternated with its floor, and printed in one table (benchmarks/suite.py); the results go to
benchmarks/results/<date-time>.json and latest.json, and the change from the previous
latest.json is printed. `--http` adds the load test of a small affiliate's dashboard through
gunicorn (benchmarks/http_load.py); `--variants` also tries other worker and thread counts.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_SUFFIX = "_bench"


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def point_at_scratch_database() -> tuple[str, str]:
    """Point DATABASE_URL (and the owner's URL) at `<name>_bench`; (scratch, original) names."""
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set: run through `make bench` (config/devservers.py).")
    owner = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    original = urlsplit(owner).path.lstrip("/") or "ewatch"
    scratch = original if original.endswith(BENCH_SUFFIX) else original + BENCH_SUFFIX
    os.environ["DATABASE_OWNER_URL"] = _with_database(owner, scratch)
    os.environ["DATABASE_URL"] = _with_database(os.environ["DATABASE_URL"], scratch)
    return scratch, original


def bench_environment() -> None:
    """The settings of `make run`, with DEBUG off as in production (set before Django loads)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("EW_DEMO_MODE", "1")  # as `make run`: no MFA enrolment in the way
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")  # production's persistent connections
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
    os.environ["DJANGO_ALLOWED_HOSTS"] = hosts + ",testserver"  # Django's test Client


def _owner_connection(maintenance: str):
    import psycopg2
    from django.conf import settings
    from django.db import connection

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("database", None)
    params["dbname"] = maintenance
    if settings.DATABASE_OWNER["USER"]:
        params["user"] = settings.DATABASE_OWNER["USER"]
        params["password"] = settings.DATABASE_OWNER["PASSWORD"] or None
    return psycopg2.connect(**{k: v for k, v in params.items() if v is not None})


def create_database(scratch: str, maintenance: str, *, drop: bool) -> bool:
    """Create the scratch database (dropping it first if `drop`); True if it is new."""
    from django.db import connections

    connections.close_all()
    conn = _owner_connection(maintenance)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            if drop:
                cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
            if cursor.fetchone():
                return False
            cursor.execute(f'CREATE DATABASE "{scratch}"')
            return True
    finally:
        conn.close()


def held_scale() -> int | None:
    """The scale of the generated network the database holds (None: no network yet)."""
    from django_scopes import scopes_disabled

    from affiliates.models import Affiliate
    from suppliers.models import Contract

    with scopes_disabled():
        if not Contract.objects.filter(affiliate__slug__startswith="gen-").exists():
            return None
        return Affiliate.objects.filter(slug__startswith="gen-").count()


def prepare(scale: int, fresh: bool, scratch: str, maintenance: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from core import rls

    new = create_database(scratch, maintenance, drop=fresh)
    call_command("migrate", verbosity=0)
    if not new and held_scale() not in (None, scale):
        print(f"{scratch} holds another scale than {scale}: making a new one.", flush=True)
        create_database(scratch, maintenance, drop=True)
        call_command("migrate", verbosity=0)
    if held_scale() == scale:
        print(f"Reusing {scratch}: it holds the network of scale {scale}.", flush=True)
        return
    started = time.perf_counter()
    print(f"Filling {scratch}: seed_demo, then seed_demo --scale {scale}…", flush=True)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", scale=scale, stdout=out)
    for line in out.getvalue().splitlines():
        if line.startswith("Generated"):
            print(f"  {line}", flush=True)
    with rls.as_owner(), connection.cursor() as cursor:  # statistics are the owner's to gather
        cursor.execute("VACUUM ANALYZE")
    print(f"Filled in {time.perf_counter() - started:.0f} s.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=int, default=300)
    parser.add_argument("--fresh", action="store_true", help="a new scratch database")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per line (>= 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    parser.add_argument("--heavy-runs", type=int, default=3, help="runs of upload, PDF, sweep")
    parser.add_argument("--upload-rows", type=int, default=50_000)
    parser.add_argument("--only", nargs="*", default=[], help="lines whose name has a word")
    parser.add_argument("--http", action="store_true", help="also the HTTP load test")
    parser.add_argument("--http-only", action="store_true", help="only the HTTP load test")
    parser.add_argument("--variants", action="store_true", help="HTTP: other worker counts")
    parser.add_argument("--http-seconds", type=float, default=20)
    parser.add_argument(
        "--line-seconds", type=float, default=300, help="stop a line's runs after this (>= 3)"
    )
    parser.add_argument("--prepare-only", action="store_true", help="fill the database, stop")
    args = parser.parse_args(argv)

    scratch, maintenance = point_at_scratch_database()
    bench_environment()
    import django

    django.setup()
    import logging
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic
    # One line per request or import would drown the table (the bypass log, the audit log).
    for name in ("ew.tenancy", "ew.security", "ew.audit", "audit", "weasyprint", "celery"):
        logging.getLogger(name).setLevel(logging.WARNING)
    prepare(args.scale, args.fresh, scratch, maintenance)
    if args.prepare_only:
        return 0

    from benchmarks import suite
    from config import gc_tuning

    gc_tuning.tune()  # as config/wsgi.py does for gunicorn's workers

    bench = suite.Bench(
        runs=args.runs,
        warmup=args.warmup,
        heavy_runs=args.heavy_runs,
        upload_rows=args.upload_rows,
        http_seconds=args.http_seconds,
        line_seconds=args.line_seconds,
        scale=args.scale,
    )
    lines = [] if args.http_only else suite.catalogue()
    if args.http or args.http_only:
        from benchmarks import http_load

        lines.append(http_load.HttpLine())
    if args.only:
        lines = [line for line in lines if any(w.lower() in line.name.lower() for w in args.only)]
    results = suite.run(bench, lines)
    suite.report(results, bench, BASE_DIR / "benchmarks" / "results")
    if args.variants:
        from benchmarks import http_load

        http_load.variants(
            bench, seconds=args.http_seconds, directory=BASE_DIR / "benchmarks" / "results"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
