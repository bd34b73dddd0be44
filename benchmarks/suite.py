"""The machinery of `make bench` (benchmarks/bench.py): lines, their floors, goals, the table.

A line is one thing a user or a job does, measured `runs` times after `warmup` runs, each run
alternated with its floor (action, floor, floor, action, …: neither gains from going second),
so that a busy machine slows both alike. Pages go through Django's test Client, middleware
included, logged in with `force_login` as the role; their queries are counted on a separate
run with CaptureQueriesContext (the timed runs carry no query log). A page's floor is its
main query alone (the slowest SELECT of the page, found on three probe runs, run raw with the
same parameters and the same row-level-security tenant) plus the platform's empty page (the
base layout, no content) requested by the same Client as the same user, through the same
middleware and tenancy (benchmarks/urls.py): what every page pays besides its own work. An
API list's floor is the same queryset's `.values()` (50 rows) serialised with orjson plus an
empty list of the same viewset through the same DRF stack and authentication. The other
lines (matching, upload, PDF, sweep, Celery) say what their floor is; the table prints each.

A line whose URL is gone (renamed, removed) or that cannot run is printed as skipped with the
reason, never crashes the suite.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import statistics
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, resolve, reverse
from django_scopes import scope, scopes_disabled

from core import rls

# --- Goals (issue 18) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    p95_ms: float | None = None
    floor_factor: float | None = 3.0  # p95 within this many times the floor's p95
    of_line: str | None = None  # … and within `of_factor` × that line's p95 (last page)
    of_factor: float = 1.5
    peak_mb: float | None = None
    min_rps: float | None = None
    note: str = ""

    def describe(self) -> str:
        parts = []
        if self.p95_ms is not None:
            parts.append(f"p95<={_number(self.p95_ms)}ms")
        if self.of_line:
            parts.append(f"<={self.of_factor}x p1")
        if self.peak_mb is not None:
            parts.append(f"<={self.peak_mb:.0f}MB")
        if self.min_rps is not None:
            parts.append(f">={_number(self.min_rps)}rps")
        if self.floor_factor is not None:
            parts.append(f"<={_number(self.floor_factor)}x floor")
        if self.note:
            parts.append(self.note)
        return ", ".join(parts) or "-"


DASHBOARD = Goal(p95_ms=150)
LIST = Goal(p95_ms=100)
API = Goal(p95_ms=120)
MATCHING = Goal(p95_ms=30)
UPLOAD = Goal(p95_ms=15_000, peak_mb=400)
CELERY = Goal(p95_ms=10, floor_factor=None, note="(ours)")
# Pages after a write (ColdPageLine): measured and printed, no goal of the issue's.
COLD = Goal(floor_factor=None, note="informational")


def last_page_goal(first: str) -> Goal:
    return Goal(p95_ms=100, of_line=first)


def _number(value: float) -> str:
    return f"{value:g}"


# --- Results --------------------------------------------------------------------------------


@dataclass
class Result:
    line: str
    kind: str
    runs: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    floor: str = ""
    floor_p50_ms: float | None = None
    floor_p95_ms: float | None = None
    goal: str = ""
    verdict: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p95 of 50 runs: the 48th fastest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Skip(Exception):
    """The line cannot run here (its URL is gone, no data for it): printed with the reason."""


def verdict(result: Result, goal: Goal, by_name: dict[str, Result]) -> str:
    if result.p95_ms is None:
        return result.verdict or "skipped"
    if goal is COLD:
        return "measured (no goal)"
    missed = []
    if goal.p95_ms is not None and result.p95_ms > goal.p95_ms:
        missed.append(f"p95 {result.p95_ms:.0f}>{_number(goal.p95_ms)}")
    if goal.of_line:
        first = by_name.get(goal.of_line)
        if first and first.p95_ms:
            ratio = result.p95_ms / first.p95_ms
            if ratio > goal.of_factor:
                missed.append(f"{ratio:.1f}x p1")
    peak = result.extra.get("peak_mb")
    if goal.peak_mb is not None and peak is not None and peak > goal.peak_mb:
        missed.append(f"{peak:.0f}MB")
    rps = result.extra.get("rps")
    if goal.min_rps is not None and rps is not None and rps < goal.min_rps:
        missed.append(f"{rps:.1f}rps")
    if goal.floor_factor is not None and result.floor_p95_ms:
        ratio = result.p95_ms / result.floor_p95_ms
        if ratio > goal.floor_factor:
            missed.append(f"{ratio:.1f}x floor")
    return "MISSED: " + ", ".join(missed) if missed else "met"


# --- The run --------------------------------------------------------------------------------


@dataclass
class Bench:
    """What every line may use: run counts, the roles' users, the chosen affiliates."""

    runs: int = 50
    warmup: int = 5
    heavy_runs: int = 3
    upload_rows: int = 50_000
    http_seconds: float = 20
    line_seconds: float | None = 300  # a line stops after this (at least 3 runs)
    scale: int | None = None
    _cache: dict = field(default_factory=dict)

    def affiliates(self) -> dict:
        """The largest and a small generated affiliate (by contracts), or the demo's."""
        if "affiliates" not in self._cache:
            from django.db.models import Count

            from affiliates.models import Affiliate

            with scopes_disabled():
                ranked = list(
                    Affiliate.objects.filter(slug__startswith="gen-")
                    .annotate(n=Count("contracts"))
                    .filter(n__gt=0)
                    .order_by("-n", "slug")
                    .values_list("slug", "n")
                )
            if not ranked:
                raise Skip("no generated affiliate has contracts: seed_demo --scale N first")
            self._cache["affiliates"] = {"large": ranked[0], "small": ranked[-1]}
        return self._cache["affiliates"]

    def user(self, role: str, size: str | None = None):
        """A user of the role: an officer of the large or small affiliate, staff, partner…"""
        from affiliates.models import Membership, User

        key = ("user", role, size)
        if key not in self._cache:
            with scopes_disabled():
                if role == "affiliate":
                    slug = self.affiliates()[size][0]
                    members = Membership.objects.filter(affiliate__slug=slug)
                    member = members.filter(role=Membership.Role.OFFICER).first() or members.first()
                    user = member.user if member else None
                elif role == "staff":
                    user = User.objects.filter(is_ew_staff=True, is_active=True).order_by("pk")
                    user = user.filter(email="staff@ewatch.example").first() or user.first()
                elif role == "partner":
                    user = (
                        User.objects.filter(partner_membership__isnull=False, is_active=True)
                        .order_by("pk")
                        .first()
                    )
                elif role == "company":
                    user = User.objects.filter(email="brand@acme-devices.example").first()
                else:
                    raise ValueError(role)
            if user is None:
                raise Skip(f"no {role} user in the database")
            self._cache[key] = user
        return self._cache[key]

    def slug(self, size: str) -> str:
        return self.affiliates()[size][0]


def alternate(
    action, floor, runs: int, warmup: int, seconds: float | None = None, before=None
) -> tuple[list[float], list[float]]:
    """Milliseconds of `runs` runs of each, alternated, after `warmup` runs of each; fewer
    (at least 3) when `seconds` have passed: a page that takes seconds is slow enough known.
    `before()`, if given, runs untimed before each run of `action`."""
    deadline = None if seconds is None else time.perf_counter() + seconds
    for _ in range(warmup):
        if before is not None:
            before()
        action()
        if floor is not None:
            floor()
    timings: tuple[list[float], list[float]] = ([], [])
    for index in range(runs):
        if deadline is not None and index >= 3 and time.perf_counter() > deadline:
            break
        steps = [(action, 0), (floor, 1)]
        if index % 2:
            steps.reverse()
        for function, slot in steps:
            if function is None:
                continue
            if slot == 0 and before is not None:
                before()
            started = time.perf_counter()
            function()
            timings[slot].append((time.perf_counter() - started) * 1000)
    return timings


class Line:
    """One measured line. Subclasses set `prepare`, `action` and optionally `floor`."""

    kind = "job"
    floor_label = ""
    heavy = False  # runs `heavy_runs` times, warmed up by `prepare` alone
    max_runs: int | None = None  # at most this many runs, whatever `--runs` says
    before_action = None  # a method run untimed before each run of `action`, if set

    def __init__(self, name: str, goal: Goal) -> None:
        self.name, self.goal = name, goal
        self.queries: int | None = None
        self.note = ""
        self.extra: dict = {}

    def prepare(self, bench: Bench) -> None:
        pass

    def action(self) -> None:
        raise NotImplementedError

    floor = None  # a method on lines that have one

    def finish(self) -> None:
        """Clean up what `prepare` made."""

    def measure(self, bench: Bench) -> Result:
        result = Result(line=self.name, kind=self.kind, goal=self.goal.describe())
        try:
            self.prepare(bench)
            # A heavy line's `prepare` has run it once already (counting its queries): warm.
            runs, warmup = (bench.heavy_runs, 0) if self.heavy else (bench.runs, bench.warmup)
            if self.max_runs is not None:
                runs, warmup = min(runs, self.max_runs), min(warmup, 1)
            times, floors = alternate(
                self.action,
                self.floor,
                runs,
                warmup,
                bench.line_seconds,
                before=self.before_action,
            )
            if len(times) < runs:
                self.note = (self.note + "; " if self.note else "") + (
                    f"{len(times)} runs: stopped after {bench.line_seconds:.0f} s"
                )
        except Skip as reason:
            result.verdict = f"skipped: {reason}"
            return result
        except Exception as error:  # one broken line must not end the suite
            traceback.print_exc()
            result.verdict = f"skipped: {type(error).__name__}: {str(error)[:120]}"
            return result
        finally:
            with contextlib.suppress(Exception):
                self.finish()
        result.line, result.goal = self.name, self.goal.describe()
        result.runs = len(times)
        result.p50_ms, result.p95_ms = statistics.median(times), percentile(times, 0.95)
        if floors:
            result.floor_p50_ms = statistics.median(floors)
            result.floor_p95_ms = percentile(floors, 0.95)
        result.floor, result.queries = self.floor_label, self.queries
        result.note, result.extra = self.note, self.extra
        return result


def released(response):
    """The response without what Django's test client hangs on it that points back at it
    (`json`, a partial of the response): a reference cycle per request that gunicorn does
    not make, which left each response's body, and an API list's every row, to the garbage
    collector, whose young collections (tens of milliseconds) then came more often than in
    service and fell on the pages with the largest bodies."""
    response.__dict__.pop("json", None)
    return response


def tenant_context(value: str):
    """The django-scopes state that makes `core.db` set `ew.tenant` to `value` again."""
    if value == rls.BYPASS:
        return scopes_disabled()
    if not value:
        return contextlib.nullcontext()
    return scope(affiliate=[int(pk) for pk in value.split(",")])


class QueryRecorder:
    """Each query of a request with its parameters, its tenant and its time."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        tenant = rls.wanted()
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                self.calls.append((sql, params, tenant, time.perf_counter() - started))


# The URLconf of the run: the platform's plus the floors' empty page and empty API lists.
BENCH_URLCONF = "benchmarks.urls"


class PageLine(Line):
    """A page as the role sees it, through the test Client (middleware included)."""

    kind = "page"
    floor_label = "main query + empty page"
    probes = 3

    def __init__(
        self,
        name: str,
        role: str,
        url_name: str,
        goal: Goal,
        *,
        size: str | None = None,
        params: str = "",
        last_page: bool = False,
    ) -> None:
        super().__init__(name, goal)
        self.role, self.url_name, self.size = role, url_name, size
        self.params, self.last_page = params, last_page

    def path(self, bench: Bench) -> str:
        """The page's path: with the affiliate's slug if the line has a size and the URL takes
        one (the library, events, community are read by the officer, outside /a/<slug>/)."""
        kwargs = {"affiliate_slug": bench.slug(self.size)} if self.size else {}
        try:
            return reverse(self.url_name, kwargs=kwargs)
        except NoReverseMatch:
            if kwargs:
                with contextlib.suppress(NoReverseMatch):
                    return reverse(self.url_name)
            raise Skip(f"URL {self.url_name!r} is gone") from None

    def empty_url(self, path: str) -> str:
        """The empty page in the same place as the page: under the same /a/<slug>/ (tenancy),
        /staff/ (staff's bypass) or neither (benchmarks/urls.py)."""
        from benchmarks import urls

        slug = resolve(path).kwargs.get("affiliate_slug")
        if slug:
            return reverse(urls.EMPTY_AFFILIATE_PAGE, kwargs={"affiliate_slug": slug})
        if path.startswith("/staff/"):
            return reverse(urls.EMPTY_STAFF_PAGE)
        return reverse(urls.EMPTY_PAGE)

    def get(self, url: str):
        return released(self.client.get(url))

    def prepare(self, bench: Bench) -> None:
        path = self.path(bench)  # first: a vanished URL is the message, whoever the role
        self.client = Client()
        self.client.force_login(bench.user(self.role, self.size))
        self.url = f"{path}?{self.params}" if self.params else path
        if self.last_page:
            self.url = self.find_last_page(self.url)
        recorders = []
        for _ in range(self.probes):
            recorder = QueryRecorder()
            with connection.execute_wrapper(recorder):
                response = self.get(self.url)
            if response.status_code != 200:
                raise Skip(f"{self.url} answers {response.status_code} to the {self.role}")
            recorders.append(recorder)
        self.check(response)
        with CaptureQueriesContext(connection) as captured:
            self.get(self.url)
        self.queries = len(captured.captured_queries)
        self.recorders = recorders
        self.empty = self.empty_url(path)
        empty = self.get(self.empty)
        if empty.status_code != 200:
            raise Skip(f"the floor's empty page {self.empty} answers {empty.status_code}")
        self.main = self.main_query(recorders)
        if self.main is None:
            self.floor = self.empty_floor
            self.floor_label = "empty page (no SELECT)"
        else:
            self.extra["main_query"] = " ".join(self.main[0].split())[:300]

    def check(self, response) -> None:
        html = response.content.decode(errors="replace")
        for name in re.findall(r"([a-z_]+)=", self.params):
            if name != "page" and f'name="{name}"' not in html:
                self.note = f"filter {name!r} not offered by the page"
        self.extra["bytes"] = len(response.content)

    def find_last_page(self, url: str) -> str:
        """The last page's URL: 'Page 1 of N' read off page 1, else Django's `page=last`."""
        response = self.get(url)
        if response.status_code != 200:
            raise Skip(f"{url} answers {response.status_code} to the {self.role}")
        html = response.content.decode(errors="replace")
        joiner = "&" if "?" in url else "?"
        found = re.search(r"Page\s+[\d,]+\s+of\s+([\d,]+)", html)
        if found:
            pages = int(found.group(1).replace(",", ""))
            self.extra["pages"] = pages
            return f"{url}{joiner}page={pages}"
        if self.get(f"{url}{joiner}page=last").status_code == 200:
            self.note = "no page count shown: page=last"
            return f"{url}{joiner}page=last"
        raise Skip("no numbered last page to reach")

    @staticmethod
    def main_query(recorders: list[QueryRecorder]):
        """The slowest SELECT by its median over the probes (queries are the same each time)."""
        counts = {len(r.calls) for r in recorders}
        calls = recorders[-1].calls
        best, best_time = None, 0.0
        for index, (sql, params, tenant, _) in enumerate(calls):
            head = sql.lstrip()[:200].upper()
            if not head.startswith(("SELECT", "WITH")) or "SET_CONFIG" in head:
                continue
            if len(counts) == 1:
                spent = statistics.median(r.calls[index][3] for r in recorders)
            else:
                spent = calls[index][3]
            if spent > best_time:
                best, best_time = (sql, params, tenant), spent
        return best

    def action(self) -> None:
        self.get(self.url)

    def floor(self) -> None:
        sql, params, tenant = self.main
        with tenant_context(tenant), connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        self.get(self.empty)

    def empty_floor(self) -> None:
        self.get(self.empty)


class ColdPageLine(PageLine):
    """A page read just after someone's write anywhere in the network: the write renews the
    read models' generation (core/readmodel.py), so the page computes what it had cached.
    The write is an UPDATE that changes no row (a statement trigger fires all the same),
    committed before each run, untimed. Informational: the issue's goals are for the pages
    as read between writes (the other lines); this line says what the first reader after a
    write waits."""

    kind = "page (after a write)"
    max_runs = 10

    def __init__(self, name: str, role: str, url_name: str, *, size: str | None = None):
        super().__init__(name, role, url_name, COLD, size=size)
        self.renew_on_get = True

    def renew(self) -> None:
        from affiliates.models import Affiliate

        with scopes_disabled(), transaction.atomic():
            Affiliate.objects.filter(pk=-1).update(name=F("name"))

    def get(self, url: str):
        if self.renew_on_get and url == self.url:
            self.renew()
        return super().get(url)

    def prepare(self, bench: Bench) -> None:
        super().prepare(bench)  # its probes read the page after a write too
        self.renew_on_get = False
        self.before_action = self.renew


class ApiLine(PageLine):
    """An API list of 50 rows as the role reads it (session authentication)."""

    kind = "api"
    floor_label = "values+orjson + empty API list"
    probes = 2

    def __init__(self, name: str, role: str, basename: str, *, size=None, params="") -> None:
        super().__init__(name, role, f"{basename}-list", API, size=size, params=params)
        self.basename = basename

    def path(self, bench: Bench) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            raise Skip(f"API list {self.url_name!r} is gone") from None

    def empty_url(self, path: str) -> str:
        """The same viewset answering an empty list, with the same query (`?affiliate=`)."""
        from benchmarks import urls

        try:
            empty = reverse(urls.empty_api_name(self.basename))
        except NoReverseMatch:
            raise Skip(f"no empty list for the API list {self.url_name!r}") from None
        return f"{empty}?{self.params}" if self.params else empty

    def get(self, url: str):
        return released(self.client.get(url, HTTP_ACCEPT="application/json"))

    def check(self, response) -> None:
        body = json.loads(response.content)
        rows = body.get("results", body) if isinstance(body, dict) else body
        self.extra["rows"] = len(rows) if isinstance(rows, list) else None
        view = getattr(response, "renderer_context", {}).get("view")
        self.view = (
            view if hasattr(view, "get_queryset") and hasattr(view, "filter_queryset") else None
        )

    def prepare(self, bench: Bench) -> None:
        super().prepare(bench)
        import orjson

        self.orjson = orjson
        # The list's queryset runs in the request's tenant: the last one set in the probe.
        tenants = [tenant for _, _, tenant, _ in self.recorders[-1].calls if tenant]
        self.tenant = tenants[-1] if tenants else ""
        if self.view is None:  # a plain ViewSet: no queryset to take the values of
            self.floor, self.floor_label = self.empty_floor, "empty API list (no queryset)"
            return
        self.floor = self.values_floor
        self.floor_label = "values+orjson + empty API list"
        self.values_floor()  # fails here, not in the timed loop

    def values_floor(self) -> None:
        with tenant_context(self.tenant):
            queryset = self.view.filter_queryset(self.view.get_queryset())
            self.orjson.dumps(list(queryset.values()[:50]), default=str)
        self.get(self.empty)


# --- Suite ----------------------------------------------------------------------------------


def run(bench: Bench, lines: list[Line]) -> list[Result]:
    results: list[Result] = []
    # The floors' empty page and empty API lists are reachable during the run only.
    with override_settings(ROOT_URLCONF=BENCH_URLCONF):
        for line in lines:
            started = time.perf_counter()
            print(f"… {line.name}", end="", flush=True)
            result = line.measure(bench)
            results.append(result)
            spent = time.perf_counter() - started
            shown = f"p95 {result.p95_ms:.1f} ms" if result.p95_ms is not None else result.verdict
            print(f"\r  {line.name}: {shown} ({spent:.0f} s)", flush=True)
    by_name = {r.line: r for r in results}
    goals = {line.name: line.goal for line in lines}
    for result in results:
        if result.p95_ms is not None:
            result.verdict = verdict(result, goals[result.line], by_name)
    return results


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(results: list[Result]) -> str:
    header = ("line", "p50 ms", "p95 ms", "queries", "floor p95", "floor is", "goal", "verdict")
    rows = [
        (
            r.line,
            _ms(r.p50_ms),
            _ms(r.p95_ms),
            "-" if r.queries is None else str(r.queries),
            _ms(r.floor_p95_ms),
            (r.floor or "-") if r.p95_ms is not None else "-",
            r.goal,
            r.verdict + (f" ({r.note})" if r.note else ""),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.ljust(widths[i]) if i in (0, 5, 6) else cell.rjust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]))
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def changes(results: list[Result], previous: dict) -> str:
    """p95 now against the previous run's, per line present in both."""
    before = {r["line"]: r for r in previous.get("results", [])}
    out = [f"Change from the previous run ({previous.get('started', '?')}), p95:"]
    for r in results:
        old = before.get(r.line, {}).get("p95_ms")
        if old and r.p95_ms is not None:
            change = (r.p95_ms - old) / old * 100
            out.append(f"  {r.line}: {_ms(old)} -> {_ms(r.p95_ms)} ms ({change:+.0f}%)")
        elif r.p95_ms is not None:
            out.append(f"  {r.line}: new")
    return "\n".join(out)


def machine() -> dict:
    import os

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "load_average": load}


def report(results: list[Result], bench: Bench, directory: Path, started=None) -> Path:
    """Print the table (and the change from latest.json); write the JSON files."""
    print()
    print(table(results))
    directory.mkdir(parents=True, exist_ok=True)
    latest = directory / "latest.json"
    if latest.exists():
        with contextlib.suppress(ValueError, OSError):
            print()
            print(changes(results, json.loads(latest.read_text())))
    now = started or datetime.now()
    document = {
        "started": now.isoformat(timespec="seconds"),
        "scale": bench.scale,
        "runs": bench.runs,
        "warmup": bench.warmup,
        "heavy_runs": bench.heavy_runs,
        "machine": machine(),
        "results": [asdict(r) for r in results],
    }
    text = json.dumps(document, indent=1, default=str)
    path = directory / f"{now:%Y%m%d-%H%M%S}.json"
    path.write_text(text)
    latest.write_text(text)
    print(f"\nWritten to {path} and {latest.name}; load average {machine()['load_average']}.")
    return path


def catalogue() -> list[Line]:
    from benchmarks import lines

    return lines.catalogue()
