"""Remediation reminder sweep at realistic scale: 50,000 cases and 500,000 actions.

    .venv/bin/python -m config.devservers exec --redis bench -- \\
        .venv/bin/python benchmarks/reminder_sweep.py [--cases 50000] [--actions 500000]
        [--leads 300] [--affiliates 300] [--members 3] [--no-history] [--no-send] [--keep]

Works in a scratch database (`bench_ewatch_<pid>`, migrated, dropped at the end), generated
with `INSERT … SELECT generate_series` in a few seconds: most cases closed or remediated, the
rest opened, planned, in progress, escalated or stalled; their open actions due uniformly
within a year either side of the sweep's day (so some are due in 7 days, some today, many
overdue), 90% with a contact e-mail, a quarter of contacts and a fifth of users in French;
a few hundred staff leads; a few hundred affiliates with members (some muted), each invited
to some 40 running cases and joined to three quarters of them.

With history (the default), the reminder ledger (`core.Reminder`) holds what daily sweeps
would have sent before, and the log of sweeps says one ran every day, as in production; the
sweep's day is a digest day. Runs, each timed with its SQL
queries: the day's sweep, the same sweep again (nothing to do), the sending of the outbox
(locmem backend), and the first sweep ever (empty ledger: every overdue action at once).
Prints seconds, queries, e-mails queued by kind, where the time went (SQL, rendering) and the
slowest statements. Target on 2 cores: each sweep under 60 s and under 60 queries.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query log
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from affiliates.models import Affiliate, Membership, User  # noqa: E402
from core import outbox, rls  # noqa: E402
from core.models import OutboxEmail, Reminder, ReminderSweep  # noqa: E402
from core.reminders import subject_key  # noqa: E402
from remediation import reminders as services  # noqa: E402
from remediation.models import (  # noqa: E402
    ACTIVE_CASE_STATUSES,
    OPEN_ACTION_STATUSES,
    Participation,
    RemediationAction,
    RemediationCase,
)
from suppliers.models import Factory, FactoryFunction, Sector  # noqa: E402

TARGET_SECONDS, TARGET_QUERIES = 60, 60

DESCRIPTIONS = [
    "Return every passport and identity document to the worker who owns it, and give "
    "each worker a locker with a key of their own",
    "Reimburse the recruitment fees and related costs paid by migrant workers, with "
    "receipts, within the agreed instalments",
    "Pay the overtime premium owed since January at the legal rate, and publish the "
    "corrected pay slips",
    "Set up an elected worker health and safety committee and train its members",
    "Stop compulsory overtime beyond 60 hours a week and record working hours accurately",
    "Provide written contracts in a language each worker understands",
    "Replace the dormitory's fire exits and hold an evacuation drill on every shift",
    "Give the monitoring partner access to interview workers off site without managers",
]
OWNERS = [
    "Rayong Precision Components",
    "Dongguan Hongda Electronics Co., Ltd.",
    "Penang Circuit Assembly Sdn Bhd",
    "Bac Ninh Display Technology JSC",
    "The brand's supplier responsibility team",
    "Suntec Manpower Agency",
]


class QueryLog:
    """Counts the queries through `execute_wrapper` and times each one."""

    def __init__(self) -> None:
        self.timings: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append((time.perf_counter() - started, " ".join(sql.split())[:110]))

    @property
    def count(self) -> int:
        return len(self.timings)

    @property
    def seconds(self) -> float:
        return sum(seconds for seconds, _ in self.timings)


class Rendering:
    """Time spent rendering e-mails (`core.outbox.render`), by template."""

    def __init__(self) -> None:
        self.spent: Counter = Counter()
        self.count: Counter = Counter()
        self._render = outbox.render
        outbox.render = self._timed

    def _timed(self, message):
        started = time.perf_counter()
        try:
            return self._render(message)
        finally:
            name = message.template_prefix.rsplit("/", 1)[-1]
            self.spent[name] += time.perf_counter() - started
            self.count[name] += 1

    def reset(self) -> None:
        self.spent.clear()
        self.count.clear()

    def report(self) -> str:
        parts = [
            f"{name} {self.count[name]} × {1000 * self.spent[name] / self.count[name]:.2f} ms "
            f"= {self.spent[name]:.2f} s"
            for name in sorted(self.count)
        ]
        return "; ".join(parts) or "nothing rendered"


RENDERING = Rendering()


def sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def generate(args, today) -> None:
    t = {
        "user": User._meta.db_table,
        "affiliate": Affiliate._meta.db_table,
        "membership": Membership._meta.db_table,
        "factory": Factory._meta.db_table,
        "case": RemediationCase._meta.db_table,
        "action": RemediationAction._meta.db_table,
        "participation": Participation._meta.db_table,
        "reminder": Reminder._meta.db_table,
        "sweep": ReminderSweep._meta.db_table,
    }
    params = {
        "today": today,
        "leads": args.leads,
        "affiliates": args.affiliates,
        "members": args.members,
        "factories": args.factories,
        "cases": args.cases,
        "actions": args.actions,
        "active": list(ACTIVE_CASE_STATUSES),
        "open": list(OPEN_ACTION_STATUSES),
        "descriptions": DESCRIPTIONS,
        "owners": OWNERS,
        "ict": Sector.ICT.value,
        "assembly": FactoryFunction.FINAL_ASSEMBLY.value,
        "schedule": services.ACTION_DUE.name,
        "subject": subject_key(RemediationAction, ""),
    }
    steps = [
        (
            "staff leads",
            f"""INSERT INTO {t["user"]} (password, is_superuser, email, full_name, language,
                    is_ew_staff, is_staff, is_active, date_joined, mute_case_digests)
                SELECT '!', false, 'lead' || g || '@ewatch.example', 'Staff Lead ' || g,
                       CASE WHEN g % 5 = 0 THEN 'fr' ELSE 'en' END, true, false,
                       g % 50 <> 0, now(), false
                  FROM generate_series(1, %(leads)s) g""",
        ),
        (
            "affiliates",
            f"""INSERT INTO {t["affiliate"]} (name, slug, country, affiliate_type, affiliated_on,
                    contact_name, contact_email, is_active, created_at)
                SELECT 'Public Buyer ' || g, 'buyer-' || g,
                       (ARRAY['FR','GB','DE','ES','NL','SE','IE','BE'])[1 + g % 8],
                       'municipality', DATE '2020-01-01', '', '', true, now()
                  FROM generate_series(1, %(affiliates)s) g""",
        ),
        (
            "members",
            f"""WITH u AS (
                  INSERT INTO {t["user"]} (password, is_superuser, email, full_name, language,
                      is_ew_staff, is_staff, is_active, date_joined, mute_case_digests)
                  SELECT '!', false, 'member' || a.id || '-' || m || '@buyer.example',
                         'Member ' || m, CASE WHEN random() < 0.2 THEN 'fr' ELSE 'en' END,
                         false, false, true, now(), random() < 0.1
                    FROM {t["affiliate"]} a, generate_series(1, %(members)s) m
                  RETURNING id, email)
                INSERT INTO {t["membership"]} (role, created_at, affiliate_id, user_id)
                SELECT (ARRAY['admin','officer','viewer'])[1 + (row_number() OVER () % 3)],
                       now(), split_part(split_part(u.email, '-', 1), 'member', 2)::bigint,
                       u.id
                  FROM u""",
        ),
        (
            "factories",
            f"""INSERT INTO {t["factory"]} (name, aliases, address, country, region, sector,
                    function, products, os_id, name_key, address_key, created_at, updated_at)
                SELECT 'Benchmark Electronics Plant ' || g || ' Co., Ltd.', '{{}}',
                       'No. ' || g || ' Industrial Road',
                       (ARRAY['CN','CN','CN','VN','TH','MY','ID','IN','MX','CZ'])[1 + g % 10],
                       '', %(ict)s, %(assembly)s, '', '', 'benchmark electronics plant ' || g,
                       g || ' industrial road', now(), now()
                  FROM generate_series(1, %(factories)s) g""",
        ),
        (
            "cases",
            f"""WITH leads AS (SELECT array_agg(id ORDER BY id) ids FROM {t["user"]}
                                WHERE is_ew_staff),
                     f AS (SELECT array_agg(id ORDER BY id) ids FROM {t["factory"]})
                INSERT INTO {t["case"]} (title, summary, severity, fast_track, status, opened_on,
                    closed_on, status_changed_at, updated_at, factory_id, opened_by_id,
                    staff_lead_id)
                SELECT 'Passports and recruitment fees at site ' || s.g,
                       'Migrant workers paid recruitment fees and their passports are held.',
                       (ARRAY['low','medium','high','critical'])[1 + s.g % 4], s.g % 17 = 0,
                       s.status, %(today)s - 400 + (s.g % 300),
                       CASE WHEN s.status = 'closed' THEN %(today)s - (s.g % 365) END,
                       now(), now(), f.ids[1 + s.g % array_length(f.ids, 1)],
                       leads.ids[1 + s.g % array_length(leads.ids, 1)],
                       leads.ids[1 + s.g % array_length(leads.ids, 1)]
                  FROM leads, f, (
                       SELECT g, CASE WHEN r < 0.60 THEN 'closed'
                                      WHEN r < 0.80 THEN 'remediated'
                                      WHEN r < 0.88 THEN 'in_progress'
                                      WHEN r < 0.92 THEN 'plan_agreed'
                                      WHEN r < 0.95 THEN 'opened'
                                      WHEN r < 0.98 THEN 'escalated'
                                      ELSE 'stalled' END AS status
                         FROM (SELECT g, random() r FROM generate_series(1, %(cases)s) g) x
                       ) s""",
        ),
        (
            "actions",
            f"""WITH c AS (SELECT array_agg(id ORDER BY id) ids,
                                  array_agg(status = ANY(%(active)s) ORDER BY id) running
                             FROM {t["case"]})
                INSERT INTO {t["action"]} (description, owner_name, contact_name, contact_email,
                    contact_language, due_date, status, evidence, claimed_on, verified_on,
                    verified_by, verification_note, rejection_reason, created_at, updated_at,
                    case_id)
                SELECT d.description, d.owner, CASE WHEN d.g % 10 = 0 THEN '' ELSE
                       'Contact ' || d.g END,
                       CASE WHEN d.g % 10 = 0 THEN '' ELSE
                       'contact' || d.g || '@supplier.example' END,
                       CASE WHEN d.g % 4 = 0 THEN 'fr' ELSE 'en' END, d.due, d.status, '',
                       NULL, CASE WHEN d.status = 'verified' THEN d.due END,
                       CASE WHEN d.status = 'verified' THEN 'partner' ELSE '' END, '',
                       CASE WHEN d.status = 'rejected' THEN 'No evidence.' ELSE '' END,
                       now(), now(), d.case_id
                  FROM (
                       SELECT s.g, c.ids[s.k] AS case_id,
                              (%(descriptions)s::text[])
                                  [1 + s.g % array_length(%(descriptions)s::text[], 1)]
                                  || ' (' || s.g || ')' AS description,
                              (%(owners)s::text[])
                                  [1 + s.g % array_length(%(owners)s::text[], 1)] AS owner,
                              %(today)s + (floor(s.r2 * 731)::int - 365) AS due,
                              CASE WHEN c.running[s.k] THEN
                                       CASE WHEN s.r < 0.40 THEN 'verified'
                                            WHEN s.r < 0.50 THEN 'done_claimed'
                                            WHEN s.r < 0.95 THEN 'planned'
                                            ELSE 'rejected' END
                                   WHEN s.r < 0.97 THEN 'verified'
                                   ELSE 'planned' END AS status
                         FROM c, (SELECT g, 1 + floor(random() * %(cases)s)::int AS k,
                                         random() AS r, random() AS r2
                                    FROM generate_series(1, %(actions)s) g) s
                       ) d""",
        ),
        (
            "participations",
            f"""WITH running AS (SELECT array_agg(id ORDER BY id) ids FROM {t["case"]}
                                  WHERE status = ANY(%(active)s))
                INSERT INTO {t["participation"]} (invited_on, joined_on, joined_by_id,
                    affiliate_id, case_id)
                SELECT %(today)s - 100, CASE WHEN random() < 0.75 THEN %(today)s - 90 END, NULL,
                       a.id, running.ids[1 + floor(random() * array_length(running.ids, 1))::int]
                  FROM {t["affiliate"]} a, running, generate_series(1, 40)
                ON CONFLICT DO NOTHING""",
        ),
    ]
    if args.history:
        # Each step of `ACTION_DUE` that fell due before today, to the contact and the lead.
        steps.append(
            (
                "ledger of earlier sweeps",
                f"""INSERT INTO {t["reminder"]} (schedule, subject, deadline, recipient, step,
                        kind, status, swept_on, created_at)
                    SELECT %(schedule)s, %(subject)s || a.id, a.due_date, who.recipient,
                           h.step, h.kind, 'queued', a.due_date + h.step, now()
                      FROM {t["action"]} a
                      JOIN {t["case"]} c ON c.id = a.case_id
                      JOIN {t["user"]} lead ON lead.id = c.staff_lead_id
                     CROSS JOIN LATERAL (
                           SELECT -7 AS step, 'due_soon' AS kind
                            WHERE a.due_date - 7 < %(today)s
                           UNION ALL
                           SELECT 0, 'due_today' WHERE a.due_date < %(today)s
                           UNION ALL
                           SELECT g, 'overdue'
                             FROM generate_series(1, %(today)s - a.due_date - 1, 7) g
                     ) h
                     CROSS JOIN LATERAL (
                           SELECT a.contact_email AS recipient WHERE a.contact_email <> ''
                           UNION ALL
                           SELECT 'user:' || lead.id WHERE lead.is_active
                     ) who
                     WHERE a.status = ANY(%(open)s) AND c.status = ANY(%(active)s)
                       AND a.due_date < %(today)s + 7
                       AND a.due_date + h.step >= GREATEST(c.opened_on, %(today)s - 365)""",
            )
        )
        steps.append(
            (
                "log of earlier sweeps",
                f"""INSERT INTO {t["sweep"]} (schedule, day, created_at)
                    SELECT %(schedule)s, d::date, now()
                      FROM generate_series(%(today)s - 365, %(today)s - 1, interval '1 day') d""",
            )
        )
    sql("SELECT setseed(0.2026)")
    for label, statement in steps:
        started = time.perf_counter()
        rows = sql(statement.replace(" % ", " %% "), params)
        print(f"  {label}: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    with rls.as_owner():  # statistics are the owner's to gather
        sql("ANALYZE")


def describe(today) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*) FILTER (WHERE a.due_date = %(today)s + 7),
                       count(*) FILTER (WHERE a.due_date = %(today)s),
                       count(*) FILTER (WHERE a.due_date < %(today)s),
                       count(*)
                  FROM {RemediationAction._meta.db_table} a
                  JOIN {RemediationCase._meta.db_table} c ON c.id = a.case_id
                 WHERE a.status = ANY(%(open)s) AND c.status = ANY(%(active)s)""",
            {
                "today": today,
                "open": list(OPEN_ACTION_STATUSES),
                "active": list(ACTIVE_CASE_STATUSES),
            },
        )
        soon, due_today, overdue, total = cursor.fetchone()
    running = RemediationCase.objects.active().count()
    with scopes_disabled():
        members = Membership.objects.count()
    print(
        f"Data: {RemediationCase.objects.count():,} cases ({running:,} running), "
        f"{RemediationAction.objects.count():,} actions; open in running cases: {total:,} "
        f"(due in 7 days {soon}, today {due_today}, overdue {overdue:,}); "
        f"{Participation.objects.filter(joined_on__isnull=False).count():,} joined "
        f"participations; {members:,} members; "
        f"{Reminder.objects.count():,} ledger rows",
        flush=True,
    )


def kinds_queued(since_pk: int) -> str:
    keys = OutboxEmail.objects.filter(pk__gt=since_pk).values_list("key", flat=True)
    counts = Counter(key.split(":", 1)[0] for key in keys.iterator())
    return ", ".join(f"{kind} {count:,}" for kind, count in sorted(counts.items())) or "none"


def timed_sweep(label: str, today) -> tuple[float, int]:
    log = QueryLog()
    RENDERING.reset()
    before = OutboxEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(log):
        queued = services.reminders_sweep(today=today)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rendering = sum(RENDERING.spent.values())
    slowest = sorted(log.timings, reverse=True)[:4]
    met = seconds < TARGET_SECONDS and log.count < TARGET_QUERIES
    print(
        f"{label}: {seconds:.2f} s, {log.count} SQL queries, {queued:,} e-mails queued "
        f"({kinds_queued(before)}) – target (< {TARGET_SECONDS} s, < {TARGET_QUERIES} "
        f"queries): {'met' if met else 'MISSED'}\n"
        f"    seconds: SQL {log.seconds:.2f}, rendering {rendering:.2f}, "
        f"the rest (Python: rows to objects, contexts) {seconds - log.seconds - rendering:.2f}; "
        f"this process's CPU {cpu:.2f} (wall minus SQL minus CPU is time spent waiting for a "
        f"core: {max(0, seconds - log.seconds - cpu):.2f})\n"
        f"    rendering: {RENDERING.report()}\n"
        + "".join(f"    SQL {s:.2f} s: {text}\n" for s, text in slowest)
        + f"    max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
        flush=True,
    )
    return seconds, log.count


def profile_sweep(today) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    with transaction.atomic():
        profiler.runcall(services.reminders_sweep, today=today)
        transaction.set_rollback(True)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)


def timed_send() -> None:
    log = QueryLog()
    started = time.perf_counter()
    sent = 0
    with connection.execute_wrapper(log):
        while batch := outbox.outbox_send_pending():
            sent += batch
            mail.outbox.clear()
    seconds = time.perf_counter() - started
    print(
        f"sending the outbox ({settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}): {sent:,} e-mails "
        f"in {seconds:.2f} s ({sent / max(seconds, 1e-9):,.0f}/s), {log.count:,} SQL queries",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--actions", type=int, default=500_000)
    parser.add_argument("--factories", type=int, default=20_000)
    parser.add_argument("--leads", type=int, default=300)
    parser.add_argument("--affiliates", type=int, default=300)
    parser.add_argument("--members", type=int, default=3)
    parser.add_argument(
        "--no-history", dest="history", action="store_false", help="start with an empty ledger"
    )
    parser.add_argument("--no-send", dest="send", action="store_false")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the day's sweep (slower; prints hot spots)"
    )
    args = parser.parse_args()

    # The most recent digest day: the sweep queues digests too.
    today = timezone.localdate()
    today -= timedelta(days=(today.weekday() - settings.EW_DIGEST_WEEKDAY) % 7)
    connection.settings_dict["TEST"]["NAME"] = f"bench_ewatch_{os.getpid()}"
    original = connection.settings_dict["NAME"]
    started = time.perf_counter()
    with rls.as_owner():  # creating a database is the owner's (core/rls.py)
        name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    print(f"Scratch database {name} migrated in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        print(f"Generating data for a sweep on {today:%A %Y-%m-%d}…", flush=True)
        with scopes_disabled():  # generated data of every affiliate: the explicit bypass
            generate(args, today)
            describe(today)

        label = "the day's sweep" if args.history else "first sweep (empty ledger)"
        if args.profile:
            profile_sweep(today)
        else:
            timed_sweep(label, today)
        timed_sweep("the same sweep again", today)
        if args.send:
            timed_send()
        if args.history:
            tables = (Reminder, ReminderSweep, OutboxEmail)
            with rls.as_owner():  # the application's role may not TRUNCATE
                sql(f"TRUNCATE {', '.join(model._meta.db_table for model in tables)}")
                sql("ANALYZE")
            timed_sweep("first sweep ever (empty ledger: every overdue action at once)", today)
            if args.send:
                timed_send()
    finally:
        if args.keep:
            print(f"Kept {name}; drop it with DROP DATABASE {name}.", flush=True)
        else:
            with rls.as_owner():
                connection.creation.destroy_test_db(original, verbosity=0)
            print(f"Dropped {name}.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
