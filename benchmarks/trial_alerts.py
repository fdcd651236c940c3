"""Saved searches (#13): the Atom feed against the finder page for the same searches, and
the daily alert digest's cost per alert, on PostgreSQL.

Fills (once, kept between runs) a database with N trials and their sites using
benchmarks/trial_browse.py's generator, then for each finder scenario requests /trials/
(the reference, measured in the same run) and /trials/feed/ with the same parameters
through Django's test client, and prints p50/p95 of both and their ratio. Then it
creates one confirmed alert per scenario (x --alerts-per-scenario), marks 1% of the
trials new, and times one digest run (e-mail to Django's in-memory backend).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_alerts \
        .venv/bin/python benchmarks/trial_alerts.py [--trials 20000]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.trial_browse import (  # noqa: E402
    SCENARIOS,
    ensure_database,
    fill,
    percentile,
    setup_django,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_alerts"
FEED_SCENARIOS = [(label, p) for label, p in SCENARIOS if "page" not in p and "sort" not in p]


def timed(client, url: str, params: dict, rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--alerts-per-scenario", type=int, default=5)
    args = parser.parse_args()

    db_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith("postgres"):
        raise SystemExit("benchmarks/trial_alerts.py measures PostgreSQL: set DATABASE_URL.")
    ensure_database(db_url)
    setup_django()
    from django.core import mail
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone
    from django.utils.http import urlencode

    from trials.alerts.digest import send_digests
    from trials.alerts.forms import normalised_query
    from trials.models import Trial, TrialAlert, TrialSite

    call_command("migrate", verbosity=0)
    if Trial.objects.count() != args.trials or not TrialSite.objects.exists():
        started = time.perf_counter()
        fill(args.trials)
        print(f"Generated {args.trials:,} trials in {time.perf_counter() - started:.0f} s")
    setup_test_environment()
    client = Client()
    client.get("/trials/")
    client.get("/trials/feed/")
    print(f"Feed vs finder page at {Trial.objects.count():,} trials, {args.rounds} rounds each")
    pages, feeds = [], []
    for label, params in FEED_SCENARIOS:
        page = timed(client, "/trials/", params, args.rounds)
        feed = timed(client, "/trials/feed/", params, args.rounds)
        pages += page
        feeds += feed
        print(
            f"  {label:<34} page p50 {statistics.median(page):6.1f} ms  "
            f"feed p50 {statistics.median(feed):6.1f} ms  "
            f"(feed/page {statistics.median(feed) / statistics.median(page):.2f})"
        )
    print(
        f"All: page p95 {percentile(pages, 0.95):.1f} ms, feed p95 {percentile(feeds, 0.95):.1f} "
        f"ms, feed/page p50 {statistics.median(feeds) / statistics.median(pages):.2f}"
    )

    TrialAlert.objects.all().delete()
    now = timezone.now()
    day_ago = now - timedelta(days=1)
    TrialAlert.objects.bulk_create(
        TrialAlert(
            email=f"reader{n}-{i}@example.org",
            query=normalised_query(urlencode(params)),
            confirmed=day_ago,
            created=day_ago,
        )
        for n, (_, params) in enumerate(FEED_SCENARIOS)
        for i in range(args.alerts_per_scenario)
    )
    # 1% of the trials "new since yesterday"
    old = now - timedelta(days=30)
    Trial.objects.update(first_seen=old)
    new_ids = list(Trial.objects.order_by("?").values_list("pk", flat=True)[: args.trials // 100])
    Trial.objects.filter(pk__in=new_ids).update(first_seen=now - timedelta(hours=1))
    alerts = TrialAlert.objects.count()
    started = time.perf_counter()
    counts = send_digests()
    elapsed = time.perf_counter() - started
    print(
        f"Digest: {alerts} alerts in {elapsed * 1000:.0f} ms "
        f"({elapsed * 1000 / alerts:.1f} ms an alert); sent {counts['sent']}, "
        f"quiet {counts['quiet']}; {len(mail.outbox)} e-mails"
    )
    TrialAlert.objects.all().delete()


if __name__ == "__main__":
    main()
