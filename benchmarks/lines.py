"""The lines of `make bench`: what each role does daily, and the jobs (benchmarks/suite.py).

Pages and API lists are named by their URL names (reverse()): a line whose URL is gone is
skipped with a message. Affiliate pages are read by an officer of the largest generated
affiliate unless the line says `small`; staff pages by staff@ewatch.example; partner pages
by the monitoring partner who wrote the generated reports; company pages by the demo brand.
"""

from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from benchmarks.suite import (
    CELERY,
    DASHBOARD,
    LIST,
    MATCHING,
    UPLOAD,
    ApiLine,
    Bench,
    ColdPageLine,
    Goal,
    Line,
    PageLine,
    Skip,
    last_page_goal,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def lists(name: str, role: str, url_name: str, filter_: str, size: str | None = None):
    """Page 1, and the last page with a filter (within 1.5x page 1)."""
    first = PageLine(f"{name}, page 1", role, url_name, LIST, size=size)
    last = PageLine(
        f"{name}, last page{' (' + filter_ + ')' if filter_ else ''}",
        role,
        url_name,
        last_page_goal(first.name),
        size=size,
        params=filter_,
        last_page=True,
    )
    return [first, last]


def catalogue() -> list[Line]:
    a, s, p, c = "affiliate", "staff", "partner", "company"
    return [
        PageLine("affiliate dashboard, largest", a, "reports:dashboard", DASHBOARD, size="large"),
        PageLine("affiliate dashboard, small", a, "reports:dashboard", DASHBOARD, size="small"),
        *lists("contracts", a, "suppliers:contract_list", "ew_conditions=yes", "large"),
        *lists("disclosures", a, "suppliers:disclosure_list", "status=accepted", "large"),
        *lists("supply chain", a, "suppliers:supply_chain", "country=CN", "large"),
        *lists("findings", a, "monitoring:affiliate_findings", "severity=high", "large"),
        *lists("affiliate cases", a, "remediation:affiliate_cases", "status=in_progress", "large"),
        *lists("compliance reports", a, "reports:report_list", "", "large"),
        PageLine("risk, affiliate", a, "reports:risk", LIST, size="large"),
        PageLine("priorities", a, "reports:priorities", LIST, size="large"),
        *lists("staff factories (leverage)", s, "suppliers:staff_factories", "country=CN"),
        *lists("staff reports queue", s, "monitoring:staff_reports", "status=published"),
        *lists("staff disclosures", s, "suppliers:staff_disclosure_confirmations", ""),
        *lists("staff cases", s, "remediation:staff_cases", "status=in_progress"),
        *lists("staff grievances", s, "grievances:staff_queue", ""),
        *lists("staff match reviews", s, "suppliers:staff_factory_match_list", ""),
        PageLine("staff dashboard", s, "reports:staff_dashboard", DASHBOARD),
        PageLine("risk, staff", s, "reports:staff_risk", LIST),
        *lists("partner reports", p, "monitoring:partner_dashboard", "status=published"),
        *lists("partner cases", p, "remediation:partner_cases", "status=in_progress"),
        *lists("partner grievances", p, "grievances:partner_list", ""),
        PageLine("engagement: companies", a, "engagement:affiliate_companies", LIST, size="large"),
        PageLine("engagement: staff dialogues", s, "engagement:dialogue_list", LIST),
        PageLine("engagement: staff referrals", s, "engagement:referral_list", LIST),
        PageLine("engagement: staff organisations", s, "engagement:organisation_list", LIST),
        PageLine("engagement: staff performance", s, "engagement:staff_performance", LIST),
        PageLine("engagement: company findings", c, "engagement:company_findings", LIST),
        PageLine("engagement: company actions", c, "engagement:company_actions", LIST),
        PageLine("learning: library", a, "learning:library", LIST, size="large"),
        PageLine("learning: events", a, "learning:events", LIST, size="large"),
        PageLine("learning: community", a, "learning:community", LIST, size="large"),
        PageLine("learning: screenings", a, "learning:screening_list", LIST, size="large"),
        *api_lines(),
        *after_a_write(),
        MatchLine(),
        UploadLine(),
        PdfLine(),
        SweepLine(),
        CeleryLine(),
    ]


def after_a_write() -> list[Line]:
    """The pages that keep read models, read by the first reader after a write (no goal)."""
    a, s = "affiliate", "staff"
    cold = "after a write"
    return [
        ColdPageLine(f"affiliate dashboard, largest, {cold}", a, "reports:dashboard", size="large"),
        ColdPageLine(f"affiliate dashboard, small, {cold}", a, "reports:dashboard", size="small"),
        ColdPageLine(f"staff dashboard, {cold}", s, "reports:staff_dashboard"),
        ColdPageLine(f"risk, affiliate, {cold}", a, "reports:risk", size="large"),
        ColdPageLine(f"risk, staff, {cold}", s, "reports:staff_risk"),
        ColdPageLine(f"priorities, {cold}", a, "reports:priorities", size="large"),
        ColdPageLine(f"compliance reports, page 1, {cold}", a, "reports:report_list", size="large"),
    ]


def api_lines() -> list[Line]:
    a, s = "affiliate", "staff"
    return [
        ApiLine("API contracts", a, "contract", size="large"),
        ApiLine("API disclosures", a, "disclosure", size="large"),
        ApiLine("API disclosure lines", a, "disclosureline", size="large"),
        ApiLine("API factories", a, "factory", size="large"),
        ApiLine("API suppliers", a, "supplier", size="large"),
        ApiLine("API findings", a, "finding", size="large"),
        ApiLine("API monitoring reports", a, "monitoringreport", size="large"),
        ApiLine("API cases", a, "case", size="large"),
        ApiLine("API grievances", s, "grievance"),
        ApiLine("API risk", a, "risk", size="large"),
        ApiLine("API priorities", a, "priority", size="large"),
        ApiLine("API compliance reports", a, "compliancereport", size="large"),
        ApiLine("API memberships", a, "membership", size="large"),
        ApiLine("API findings, staff", s, "finding"),
        ApiLine("API cases, staff", s, "case"),
        ApiLine("API factories, staff", s, "factory"),
    ]


# --- Jobs -----------------------------------------------------------------------------------


def _disclosure_import_module():
    """benchmarks/disclosure_import.py, imported late: it wraps the matcher's steps to time
    them, and names functions another change may rename."""
    try:
        from benchmarks import disclosure_import
    except Exception as error:
        raise Skip(f"benchmarks/disclosure_import.py does not load: {error}") from None
    return disclosure_import


class MatchLine(Line):
    """One new site matched against the registry (rolled back: no factory is left)."""

    kind = "matching"
    floor_label = "trigram SQL alone"

    def __init__(self) -> None:
        super().__init__("matching one new site", MATCHING)

    def prepare(self, bench: Bench) -> None:
        from suppliers import matching

        di = _disclosure_import_module()
        rng = random.Random(18)
        self.sites = [
            matching.SiteInput(name=site["name"], address=site["address"], country=site["code"])
            for site in di.make_sites(200, rng)
        ]
        self.keys = [matching.normalise_name(site.name) for site in self.sites]
        self.threshold = str(getattr(matching, "NAME_SIMILARITY_THRESHOLD", 0.5))
        self.match_sites = matching.match_sites
        self.turn = {"action": 0, "floor": 0}
        from suppliers.models import Factory

        self.table = connection.ops.quote_name(Factory._meta.db_table)
        with CaptureQueriesContext(connection) as captured:
            self.action()
        self.queries = len(captured.captured_queries)

    def _next(self, which: str) -> int:
        index = self.turn[which] % len(self.sites)
        self.turn[which] += 1
        return index

    def action(self) -> None:
        site = self.sites[self._next("action")]
        with transaction.atomic():
            self.match_sites([site])
            transaction.set_rollback(True)

    def floor(self) -> None:
        index = self._next("floor")
        key, country = self.keys[index], self.sites[index].country
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [self.threshold]
            )
            cursor.execute(
                f"SELECT f.id FROM {self.table} f WHERE f.name_key %% %s AND f.country = %s "
                "ORDER BY similarity(f.name_key, %s) DESC, f.id LIMIT 3",
                [key, country, key],
            )
            cursor.fetchall()


class UploadLine(Line):
    """A 50,000-row disclosure upload against the full registry (benchmarks/disclosure_import.py:
    the same generated file, 30% of its sites known under other spellings). Each import is
    rolled back; the known factories and the scratch affiliate are deleted at the end."""

    kind = "upload"
    heavy = True
    # The work no import can avoid: reading the rows into the database, and the matcher's own
    # registry candidate SQL for all of them, set-based, without the Python around it
    # (`disclosure_import.CandidateSql`). COPY alone is a small part of it; the note says it.
    floor_label = "COPY + the candidate SQL"

    def __init__(self) -> None:
        super().__init__("upload 50,000 rows", UPLOAD)

    def prepare(self, bench: Bench) -> None:
        from django.db.models import Max

        from suppliers.matching import normalise_address, normalise_name
        from suppliers.models import Factory

        di = self.di = _disclosure_import_module()
        self.name = f"upload {bench.upload_rows:,} rows"
        rng = random.Random(2026)
        sites = di.make_sites(max(1, bench.upload_rows * 3 // 10), rng)
        self.data = di.make_upload(sites, bench.upload_rows, rng)
        self.before = Factory.objects.aggregate(top=Max("pk"))["top"] or 0
        with scopes_disabled():
            self.disclosure = di.scratch_disclosure(f"bench-{os.getpid()}")
        known = []
        for site in rng.sample(sites, int(len(sites) * 0.3)):
            name, address = di.respell(site, rng)
            known.append(
                Factory(
                    name=name,
                    address=address,
                    country=site["code"],
                    name_key=normalise_name(name),
                    address_key=normalise_address(address),
                )
            )
        self.seeded = [f.pk for f in Factory.objects.bulk_create(known, batch_size=2000)]
        di.vacuum()
        peak = di.traced_import(self.disclosure, self.data)
        self.extra["peak_mb"] = round(peak / 2**20)
        self.note = f"tracemalloc peak {peak / 2**20:.0f} MB"
        self.candidates = di.CandidateSql()
        with CaptureQueriesContext(connection) as captured:
            self.candidates.record(self.action)
        self.queries = len(captured.captured_queries)
        self.copy_ms: list[float] = []

    def action(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("sites.csv", self.data, content_type="text/csv")
        with transaction.atomic():
            self.di.disclosure_import(disclosure=self.disclosure, file=upload, by=None)
            transaction.set_rollback(True)

    def floor(self) -> None:
        with transaction.atomic():
            started = time.perf_counter()
            with connection.cursor() as cursor:
                columns = ", ".join(f"{name} text" for name in self.di.HEADER)
                cursor.execute(f"CREATE TEMPORARY TABLE bench_copy ({columns}) ON COMMIT DROP")
                cursor.cursor.copy_expert(
                    "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)",
                    io.BytesIO(self.data),
                )
            self.copy_ms.append((time.perf_counter() - started) * 1000)
            self.candidates.replay()
            transaction.set_rollback(True)

    def finish(self) -> None:
        from suppliers.models import DisclosureLine, Factory, FactoryMatchReview

        if not hasattr(self, "disclosure"):
            return
        if getattr(self, "copy_ms", None):
            copy_ms = statistics.median(self.copy_ms)
            self.extra["copy_p50_ms"] = round(copy_ms)
            self.extra["candidate_statements"] = self.candidates.statements
            self.note += (
                f"; floor = COPY (p50 {copy_ms:,.0f} ms alone) + the matcher's candidate SQL "
                f"({self.candidates.statements} statements)"
            )
        with scopes_disabled():
            DisclosureLine.objects.filter(disclosure=self.disclosure).delete()
            for start in range(0, len(self.seeded), 5000):
                chunk = self.seeded[start : start + 5000]
                FactoryMatchReview.objects.filter(factory_id__in=chunk).delete()
                FactoryMatchReview.objects.filter(candidate_id__in=chunk).delete()
                Factory.objects.filter(pk__in=chunk).delete()
            self.di.drop_scratch_disclosure(self.disclosure)
        self.di.vacuum()


class PdfLine(Line):
    """The compliance report of the median generated affiliate (by contracts) end to end,
    beside WeasyPrint alone on its saved HTML (benchmarks/compliance_report.py). Not the
    largest: at scale 30 its report already held WeasyPrint over 2 GB and many minutes, a
    finding of its own, not a daily path."""

    kind = "pdf"
    heavy = True
    floor_label = "WeasyPrint alone"

    def __init__(self) -> None:
        super().__init__("compliance report PDF, median affiliate", Goal())

    def prepare(self, bench: Bench) -> None:
        import logging

        try:
            from benchmarks import compliance_report as cr
        except Exception as error:
            raise Skip(f"benchmarks/compliance_report.py does not load: {error}") from None
        from django.utils import timezone

        from reports import compliance
        from reports.models import ComplianceReport

        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        self.cr, self.compliance = cr, compliance
        self.goal = Goal(p95_ms=cr.TARGET_SECONDS * 1000, floor_factor=cr.TARGET_RATIO)
        start, end = compliance.last_calendar_year(timezone.localdate())
        self.affiliate = median_generated_affiliate()
        with scopes_disabled():
            self.report = ComplianceReport.objects.create(
                affiliate=self.affiliate,
                period_start=start,
                period_end=end,
                language=settings.LANGUAGE_CODE,
                status=ComplianceReport.Status.RENDERING,
            )
        with scope(affiliate=self.affiliate):
            self.html = compliance.compliance_report_html(self.report)
            with CaptureQueriesContext(connection) as captured:
                _pdf, pages = compliance.compliance_report_render(self.report)
        self.queries = len(captured.captured_queries)
        self.note = f"{pages} pages"
        self.extra["pages"] = pages

    def action(self) -> None:
        with scope(affiliate=self.affiliate):
            self.compliance.compliance_report_render(self.report)

    def floor(self) -> None:
        self.cr.weasyprint_alone(self.html)

    def finish(self) -> None:
        if hasattr(self, "report"):
            with scopes_disabled():
                self.report.delete()


def median_generated_affiliate():
    from django.db.models import Count

    from affiliates.models import Affiliate

    with scopes_disabled():
        ranked = list(
            Affiliate.objects.filter(slug__startswith="gen-")
            .annotate(n=Count("contracts"))
            .filter(n__gt=0)
            .order_by("-n", "slug")
        )
    if not ranked:
        raise Skip("no generated affiliate has contracts")
    return ranked[len(ranked) // 2]


class SweepLine(Line):
    """The daily remediation reminder sweep (benchmarks/reminder_sweep.py), rolled back each
    time so that every run has the same work. No floor."""

    kind = "job"
    heavy = True

    def __init__(self) -> None:
        super().__init__("reminder sweep", Goal(floor_factor=None))

    def prepare(self, bench: Bench) -> None:
        try:
            from benchmarks import reminder_sweep as rs
        except Exception as error:
            raise Skip(f"benchmarks/reminder_sweep.py does not load: {error}") from None
        from django.utils import timezone

        self.sweep = rs.services.reminders_sweep
        self.goal = Goal(
            p95_ms=rs.TARGET_SECONDS * 1000,
            floor_factor=None,
            note=f"<{rs.TARGET_QUERIES} queries",
        )
        today = timezone.localdate()
        self.today = today - timedelta(days=(today.weekday() - settings.EW_DIGEST_WEEKDAY) % 7)
        with CaptureQueriesContext(connection) as captured:
            queued = self._sweep()
        self.queries = len(captured.captured_queries)
        self.note = f"{queued:,} e-mails queued"
        if self.queries >= rs.TARGET_QUERIES:
            self.note += f"; MISSED: {self.queries} queries"

    def _sweep(self) -> int:
        with transaction.atomic():
            queued = self.sweep(today=self.today)
            transaction.set_rollback(True)
        return queued

    def action(self) -> None:
        self._sweep()


class CeleryLine(Line):
    """Latency of a trivial task through a real worker: `celery.accumulate` sent to a worker of
    the platform's Celery app (solo pool, its own queue) and its result read back from Redis.
    Floor: LPUSH then BRPOP of a message of the same size on the same Redis."""

    kind = "celery"
    floor_label = "Redis LPUSH/BRPOP"

    def __init__(self) -> None:
        super().__init__("Celery task round trip (real worker)", CELERY)
        self.worker = None

    def backend_url(self) -> str:
        """Redis database REDIS_URL's + 8, written as Kombu writes it (`redis+socket://path
        ?virtual_host=N` for a Unix socket, as the embedded Redis is reached). Celery reads
        the scheme's `redis+` as the backend (celery.app.backends.by_url) and the rest,
        `socket://…`, as a Unix socket (RedisBackend._params_from_url); a bare `socket://`
        names no backend at all ("Unknown result backend: 'socket'")."""
        from config.settings import _celery_broker_url, _redis_db, _redis_with_db

        redis_url = settings.REDIS_URL
        return _celery_broker_url(_redis_with_db(redis_url, _redis_db(redis_url) + 8))

    def prepare(self, bench: Bench) -> None:
        import redis
        from celery import Celery

        backend = self.backend_url()
        self.queue = f"bench-latency-{os.getpid()}"
        # The worker's warnings (root, in a container) would break the table: kept in a file
        # whose end is the reason given when the worker does not answer.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish())
        self.worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "benchmarks.celery_app",
                "worker",
                "--pool",
                "solo",
                "--queues",
                self.queue,
                "--hostname",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "WARNING",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "EW_BENCH_RESULT_BACKEND": backend},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        self.app = Celery("bench", broker=settings.CELERY_BROKER_URL, backend=backend)
        self.app.conf.task_ignore_result = False
        deadline = time.monotonic() + 60
        while True:
            try:
                self._round_trip(timeout=2)
                break
            except Exception as error:
                if self.worker.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    said = self.log.read().decode(errors="replace").strip().splitlines()
                    raise Skip(
                        f"the Celery worker did not answer: {error}"
                        + (f" (worker: {said[-1][:200]})" if said else "")
                    ) from None
        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        self.payload = b"x" * 400  # about a task message's size

    def _round_trip(self, timeout: float = 10) -> None:
        result = self.app.send_task(
            "celery.accumulate", args=(1,), queue=self.queue, ignore_result=False
        )
        result.get(timeout=timeout)
        result.forget()

    def action(self) -> None:
        self._round_trip()

    def floor(self) -> None:
        key = f"bench:floor:{os.getpid()}"
        self.redis.lpush(key, self.payload)
        self.redis.brpop([key], timeout=5)

    def finish(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(15)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait()
        if getattr(self, "log", None) is not None:
            self.log.close()
