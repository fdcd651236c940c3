"""Registry sync throughput on PostgreSQL against a local fake registry: the whole
registry mirrored (``TRIALS_MIRROR_REGISTRY``).

For each size N (default 20,000 and 100,000; ``--sizes 600000`` is the real registry): a
fake ClinicalTrials.gov serves N studies of real shapes (our example records, plus the
registry's reference records in ../shared/ctgov when present, cycled, with varied NCT
IDs, titles, statuses, dates and enrolment) with the API's paging, in its own process.
Then, each in a fresh process so that peak memory is the sync's own:

1. first load: the mirror's first run into an empty table (every study, page by page),
2. daily run: the LastUpdatePostDate window of a day's updates (``--daily-share`` of the
   registry, default 0.5 %, rewritten as changed),
3. weekly full refresh "a week later": a pass over everything (unchanged: hash checks,
   and every last_seen refreshed).

Prints studies/s, wall time, the sync process's own CPU time (user + system: on a shared
machine wall time also counts waiting for a core), peak RSS, statements per page, the
requests made, and the projected wall time at the registry's real pace
(``CTGOV_REQUESTS_PER_SECOND``, default 0.75/s): the benchmark itself does not wait.
Targets (DESIGN §9): >= 2,000 studies/s for the first load, peak memory not growing
with N.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sync .venv/bin/python benchmarks/sync.py
"""

import argparse
import importlib
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_sync"
MODES = ("first-load", "daily", "weekly")


def setup_django():
    import site_package  # noqa: F401

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def serve(n: int, queue) -> None:
    """Child process: the fake registry with N generated studies."""
    setup_django()
    from tests.trials.fake_registry import FakeRegistry, GeneratedStore

    FakeRegistry(GeneratedStore(n)).serve_forever(ready=queue.put)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def daily_since(share: float):
    """The LastUpdatePostDate from which SHARE of the generated studies were updated (the
    generator spreads their dates over ten years ending 2024-12-29)."""
    from datetime import date, timedelta

    days = max(1, round(3650 * share))
    return date(2015, 1, 1) + timedelta(days=3650 - days)


def child(mode: str, url: str, since_text: str) -> None:
    """Child process: one sync, measured; prints one JSON line."""
    setup_django()
    from datetime import date, datetime, timedelta

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from trials.models import SyncWatermark, Trial
    from trials.registry.client import RegistryClient
    from trials.sync import plan, run_sync, writer
    from trials.sync import run as run_module

    settings.TRIALS_MIRROR_REGISTRY = True
    options = {}
    if mode == "daily":
        # A day's updates: the registry changed them; the watermark is a day before.
        since = date.fromisoformat(since_text)
        Trial.objects.filter(last_update_posted__gte=since).update(content_hash="")
        mark = timezone.make_aware(
            datetime.combine(since + plan.SAFETY_MARGIN, datetime.min.time())
        )
        SyncWatermark.objects.update_or_create(name=plan.MIRROR, defaults={"synced_from": mark})
    if mode == "weekly":
        Trial.objects.update(last_seen=timezone.now() - timedelta(days=7))
        options["stored"] = True
    statements = {"sql": 0, "copy": 0}

    def count(execute, sql, params, many, context):
        statements["sql"] += 1
        return execute(sql, params, many, context)

    real_copy = writer._copy_upsert

    def counted_copy(rows, now):
        statements["copy"] += 1  # the COPY itself bypasses Django's cursor wrappers
        return real_copy(rows, now)

    writer._copy_upsert = counted_copy
    assert run_module.store_page is writer.store_page
    baseline = rss_mb()
    client = RegistryClient(url, requests_per_second=0, timeout=(5, 120))
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        run = run_sync(client=client, **options)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(
        json.dumps(
            {
                "mode": mode,
                "status": run.status,
                "error": run.error,
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "fetched": run.fetched,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "pages": run.pages,
                "statements": statements["sql"] + statements["copy"],
                "rss_start_mb": baseline,
                "rss_peak_mb": rss_mb(),
                "requests": client.requests_made,
                # the deployment's pace (the test settings this runs with have none)
                "pace": importlib.import_module("site.settings.base").CTGOV_REQUESTS_PER_SECOND,
            }
        )
    )


def run_child(mode: str, url: str, since: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url, "--since", since],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    if result.returncode != 0:
        raise SystemExit(f"child {mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def reset_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE trials_trial, trials_trialsyncrun, trials_synclease, trials_trialquery, "
            "trials_trialquerymatch, trials_syncwatermark, trials_trialalias"
        )


def warm_up(url: str, since) -> None:
    """Let the fake registry build its pages once, off the clock (it keeps them, as the
    real registry serves from its own store): the whole registry and the daily window."""
    from trials.registry.client import RegistryClient
    from trials.sync.plan import since_filter

    client = RegistryClient(url, requests_per_second=0, timeout=(5, 1200))
    for params in ({}, {"filter.advanced": since_filter(since)}):
        for _ in client.iter_pages(params, prefetch=False):
            pass


def projected_seconds(result: dict) -> float:
    """Wall time at the real pace: the next page is fetched while one is stored, so a run
    takes the longer of its requests at the pace and its own work."""
    pace = result["pace"] or 0
    waiting = result["requests"] / pace if pace else 0.0
    return max(waiting, result["seconds"])


def report(n: int, result: dict) -> None:
    rate = result["fetched"] / result["seconds"] if result["seconds"] else 0
    per_page = result["statements"] / result["pages"] if result["pages"] else 0
    projected = projected_seconds(result)
    print(
        f"  {result['mode']:<10} {result['status']:<9} {result['seconds']:7.1f} s "
        f"(sync CPU {result['cpu_seconds']:5.1f} s)  "
        f"{rate:8.0f} studies/s  created {result['created']:>6}  updated {result['updated']:>6}  "
        f"unchanged {result['unchanged']:>6}  pages {result['pages']:>4}  "
        f"{per_page:4.1f} statements/page  RSS {result['rss_start_mb']:.0f} -> "
        f"{result['rss_peak_mb']:.0f} MB  {result['requests']} requests -> "
        f"{projected / 60:.1f} min at {result['pace']}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--child", choices=MODES)
    parser.add_argument("--url")
    parser.add_argument("--since")
    parser.add_argument(
        "--daily-share", type=float, default=0.005, help="share of the registry updated a day"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.since)
        return

    db_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith("postgres"):
        raise SystemExit("benchmarks/sync.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(db_url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"Registry sync benchmark on {connection.vendor} ({db_url.rsplit('/', 1)[1]})")
    summary = {}
    for n in args.sizes:
        reset_tables()
        connection.close()
        queue = multiprocessing.get_context("fork").Queue()
        server = multiprocessing.get_context("fork").Process(target=serve, args=(n, queue))
        server.start()
        try:
            port = queue.get(timeout=60)
            url = f"http://127.0.0.1:{port}/api/v2"
            since = daily_since(args.daily_share)
            warm_up(url, since)
            print(f"N = {n:,} studies")
            results = [run_child(mode, url, since.isoformat()) for mode in MODES]
            for result in results:
                report(n, result)
            summary[n] = results
        finally:
            server.terminate()
            server.join()
    if len(summary) > 1:
        small, large = min(summary), max(summary)
        growth = summary[large][0]["rss_peak_mb"] - summary[small][0]["rss_peak_mb"]
        print(f"Peak RSS of the first load, {small:,} -> {large:,} studies: {growth:+.0f} MB")


if __name__ == "__main__":
    main()
