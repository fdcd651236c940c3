"""Registry sync throughput on PostgreSQL against a local fake registry.

For each size N (default 20,000 and 100,000): a fake ClinicalTrials.gov serves N studies
of real shapes (our example records, plus the registry's reference records in
../shared/ctgov when present, cycled, with varied NCT IDs, titles, statuses, dates and
enrolment) with the API's paging, in its own process.
Then, each in a fresh process so that peak memory is the sync's own:

1. a full sync into an empty table,
2. a no-change re-sync right after (hash check only: nothing written),
3. a no-change re-sync "a day later" (unchanged trials get last_seen refreshed).

Prints studies/s, wall time, the sync process's own CPU time (user + system: on a shared
machine wall time also counts waiting for a core), peak RSS and statements per page.
Targets (DESIGN §9):
>= 2,000 studies/s for the full sync, peak memory not growing with N, no-change re-sync
<= 10 s at 100,000.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sync .venv/bin/python benchmarks/sync.py
"""

import argparse
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


def child(mode: str, url: str) -> None:
    """Child process: one sync, measured; prints one JSON line."""
    setup_django()
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from trials.models import Trial
    from trials.registry.client import RegistryClient
    from trials.sync import run as run_module
    from trials.sync import run_sync, writer

    if mode == "day-later":
        Trial.objects.update(last_seen=timezone.now() - timedelta(days=1))
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
        run = run_sync(full=True, client=client)
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
            }
        )
    )


def run_child(mode: str, url: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--url", url],
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
            "TRUNCATE trials_trial, trials_trialsyncrun, trials_synclease, trials_trialquery"
        )
    from trials.models import TrialQuery

    # Every generated study's title contains "cohort": one query matches them all.
    TrialQuery.objects.create(name="Benchmark cohort", term="cohort")


def warm_up(url: str) -> None:
    """Let the fake registry evaluate the query and build its pages once, off the clock
    (it keeps them, as the real registry serves from its own store)."""
    from trials.registry.client import RegistryClient

    client = RegistryClient(url, requests_per_second=0, timeout=(5, 600))
    for _ in client.iter_pages({"query.term": "cohort"}, prefetch=False):
        pass


def report(n: int, result: dict) -> None:
    rate = result["fetched"] / result["seconds"] if result["seconds"] else 0
    per_page = result["statements"] / result["pages"] if result["pages"] else 0
    print(
        f"  {result['mode']:<10} {result['status']:<9} {result['seconds']:7.1f} s "
        f"(sync CPU {result['cpu_seconds']:5.1f} s)  "
        f"{rate:8.0f} studies/s  created {result['created']:>6}  updated {result['updated']:>6}  "
        f"unchanged {result['unchanged']:>6}  pages {result['pages']:>4}  "
        f"{per_page:4.1f} statements/page  RSS {result['rss_start_mb']:.0f} -> "
        f"{result['rss_peak_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--child", choices=["full", "no-change", "day-later"])
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url)
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
            warm_up(url)
            print(f"N = {n:,} studies")
            results = [run_child(mode, url) for mode in ("full", "no-change", "day-later")]
            for result in results:
                report(n, result)
            summary[n] = results
        finally:
            server.terminate()
            server.join()
    if len(summary) > 1:
        small, large = min(summary), max(summary)
        growth = summary[large][0]["rss_peak_mb"] - summary[small][0]["rss_peak_mb"]
        print(f"Peak RSS of the full sync, {small:,} -> {large:,} studies: {growth:+.0f} MB")


if __name__ == "__main__":
    main()
