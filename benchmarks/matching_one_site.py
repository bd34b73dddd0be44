"""Matching one new site against the registry in the database: p50 and p95 of `match_sites`
for one site, beside its floor (issue 18: the trigram SQL alone for the same site).

    .venv/bin/python -m config.devservers exec -- .venv/bin/python benchmarks/matching_one_site.py
        [--runs 60] [--seed 2026]

Each run matches another generated site (names and places as `disclosure_import.py` makes
them; half of them a registry factory written otherwise) inside a transaction rolled back,
alternated with the floor on the same site. Fill the registry first (`seed_demo --scale 300`
makes 100,000 factories). Target: p95 under 30 ms and within 3x the floor.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from benchmarks.disclosure_import import make_sites, registry_sites, respell  # noqa: E402
from suppliers import matching  # noqa: E402
from suppliers.matching import SiteInput, match_sites, normalise_name  # noqa: E402
from suppliers.models import Factory  # noqa: E402


class Rollback(Exception):
    pass


def floor_sql(site: SiteInput) -> None:
    """The trigram search alone for the site, as the matcher ran it before blocking."""
    with transaction.atomic():
        matching._set_name_threshold()
        sql = matching._SIMILAR_SQL.format(table=Factory._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "limit": matching.CANDIDATES_PER_SITE,
                    "idx": [0],
                    "country": [site.country],
                    "name_key": [normalise_name(site.name)],
                    "os_id": [""],
                },
            )
            cursor.fetchall()


def match_once(site: SiteInput) -> int:
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            match_sites([site])
            raise Rollback
    except Rollback:
        pass
    return len(queries)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=20)
    return f"p50 {statistics.median(values):.1f} ms, p95 {cuts[18]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with scopes_disabled():
        print(f"Registry: {Factory.objects.count():,} factories", flush=True)
        raw = make_sites(args.runs, rng)
        known = registry_sites(args.runs // 2, rng)
        for index, site in enumerate(known):
            name, address = respell(site, rng)
            raw[2 * index] = {**site, "name": name, "address": address}
        sites = [SiteInput(name=s["name"], address=s["address"], country=s["code"]) for s in raw]
        for site in sites[:5]:  # warm-up
            match_once(site)
            floor_sql(site)
        ours, floor, queries = [], [], set()
        for site in sites:
            started = time.perf_counter()
            queries.add(match_once(site))
            ours.append((time.perf_counter() - started) * 1000)
            floor.append(timed(floor_sql, site))
    p95, floor_p95 = statistics.quantiles(ours, n=20)[18], statistics.quantiles(floor, n=20)[18]
    print(f"matching one site: {percentiles(ours)}; queries {sorted(queries)}")
    print(f"floor (trigram SQL alone): {percentiles(floor)}")
    met = p95 <= 30 and p95 <= 3 * floor_p95
    print("target (p95 <= 30 ms, <= 3x floor):", "met" if met else "MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
