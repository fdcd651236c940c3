"""Requests/s of the headless API, v2 and v3: the explainer list (50 items, every field),
v2's card list and the trials list (100 items), under gunicorn on PostgreSQL, against the
no-database floor (``/robots.txt`` through the same gunicorn); and queries per request.

gunicorn (2 sync workers, persistent database connections, production settings with
DEBUG off) serves the demo content plus copies of the CAR-T explainer (with its authors,
topics, citations and review record) up to 50 explainers, and benchmark trials up to 100
or more. ``wrk`` loads the floor and each URL of both versions from 127.0.0.1 in the same
alternating rounds, as a gzip client (``Accept-Encoding: gzip``); prints each round, the
median, the spread and the ratio to the floor (other agents share the machine's cores:
judge by the ratio as well as by req/s). Then, once each: conditional requests answered
``304``, uncompressed responses, and full renders (the response cache bypassed). Queries
per request are counted in-process (Django's test client, the same database) for each URL
rendered at 5 items and at the full page: they must not grow with the items. Rate limits
(``API_RATE_LIMIT``) are off for the run.

    .venv/bin/python benchmarks/api.py [--rounds 3] [--duration 8] [--connections 4]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_api (created if missing);
REDIS_URL, if set, is the cache the workers share (as in production). Responses are
served from the API cache (insights/serving/api_cache.py) after the first request.
"""

import argparse
import os
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.webload import (  # noqa: E402
    GUNICORN,
    ensure_database,
    ensure_wrk,
    manage,
    production_env,
    summary,
    wrk_rps,
)
from tests.processes import free_port, running, wait_for_http  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_api"
BYPASS_HEADER = "Authorization: Bearer benchmark-bypasses-the-response-cache"
# What browsers, CDNs and HTTP libraries send; the identity lines show the uncompressed cost.
GZIP_HEADER = "Accept-Encoding: gzip"
FLOOR = ("floor", "/robots.txt")
# (what, v2 URL, v3 URL); v3 has no field selection (a card list is the full list).
URL_PAIRS = [
    (
        "explainers",
        "/api/v2/pages/?type=insights.ExplainerPage&fields=*&limit=50",
        "/api/v3/explainers/?limit=50",
    ),
    (
        "cards",
        "/api/v2/pages/?type=insights.ExplainerPage&limit=50"
        "&fields=subtitle,topics,hero_image,authors,summary,reading_time_minutes,review",
        None,
    ),
    ("trials", "/api/v2/trials/?limit=100", "/api/v3/trials/?limit=100"),
]
URLS = {}
for _what, _v2, _v3 in URL_PAIRS:
    URLS[f"v2 {_what}"] = _v2
    if _v3:
        URLS[f"v3 {_what}"] = _v3
# Goals of issue #18 (req/s of a cached response, gzip clients), for both versions.
GOALS = {"explainers": 100, "trials": 400}

# Queries per request of each URL when rendered, at 5 items and at the full page.
QUERIES_SCRIPT = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from insights.serving import api_cache

client = Client(SERVER_NAME="127.0.0.1")
for name, path in URLS.items():
    counts = []
    for limit in ("5", path.rsplit("limit=", 1)[1]):
        url = path.rsplit("limit=", 1)[0] + "limit=" + limit
        client.get(url)  # warm: renditions, site root paths
        api_cache.forget_everything()  # count a render, not the response cache
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(queries))
    print(f"{name:15s} queries per request: {counts[0]} at 5 items, {counts[1]} at the full page")
"""

# Idempotent: copies the CAR-T explainer (and its current review) up to 50 live explainers
# and adds benchmark trials up to 100.
BENCH_DATA_SCRIPT = """
from django.utils import timezone
from insights.models import CompletedReview, ExplainerPage
from trials.models import Trial, phase_label

source = ExplainerPage.objects.live().get(slug="car-t-cell-therapy")
review = CompletedReview.objects.filter(page=source, is_current=True).first()
sign_offs = list(review.sign_offs.all()) if review else []
count = ExplainerPage.objects.live().count()
for n in range(count, 50):
    copy = source.copy(
        update_attrs={"slug": f"bench-explainer-{n}", "title": f"{source.title} ({n})"},
        copy_revisions=False,
        keep_live=True,
        log_action=None,
    )
    if review:
        new = CompletedReview.objects.create(page_id=copy.pk, completed_at=review.completed_at)
        for sign_off in sign_offs:
            sign_off.pk, sign_off.review = None, new
            sign_off.save()
missing = 100 - Trial.objects.count()
Trial.objects.bulk_create(
    [
        Trial(
            nct_id=f"NCT9{n:07d}",
            brief_title=f"Benchmark study {n} of a cell therapy in lymphoma",
            overall_status="RECRUITING",
            phases=["PHASE1", "PHASE2"],
            phase_label=phase_label(["PHASE1", "PHASE2"]),
            conditions=["Lymphoma", f"Condition {n}"],
            conditions_text=f"lymphoma\\ncondition {n}",
            search_text=f"nct9{n:07d}\\nbenchmark study {n} of a cell therapy in lymphoma",
            lead_sponsor="Benchmark University",
            last_update_posted=timezone.localdate(),
        )
        for n in range(max(missing, 0))
    ]
)
print(f"{ExplainerPage.objects.live().count()} live explainers, {Trial.objects.count()} trials")
"""


def warm(url: str) -> tuple[str | None, int, int]:
    """(ETag, identity bytes, gzip bytes) of URL, after warming both workers' caches."""
    for _ in range(20):  # both workers: renditions, site root paths; both codings stored
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            body, etag = response.read(), response.headers.get("ETag")
        request = urllib.request.Request(url, headers=dict([GZIP_HEADER.split(": ")]))  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            gzipped = response.read()
    return etag, len(body), len(gzipped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    wrk = ensure_wrk()

    env = production_env(database_url)
    print("migrating, loading demo content and benchmark data ...")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_content")
    print(manage(env, "shell", "--no-imports", "-c", BENCH_DATA_SCRIPT).strip())
    env["API_RATE_LIMIT"] = ""  # wrk is one client: the anonymous limit would answer 429s
    queries = manage(env, "shell", "--no-imports", "-c", f"URLS = {URLS!r}\n{QUERIES_SCRIPT}")

    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    urls = {FLOOR[0]: base + FLOOR[1]} | {name: base + path for name, path in URLS.items()}
    etags = {}
    with running(GUNICORN, env) as proc:
        wait_for_http(base + "/healthz", proc, deadline_s=60)
        for name, url in urls.items():
            etags[name], plain, gzipped = warm(url)
            print(f"{name:15s} {url}  {plain} bytes, {gzipped} gzipped")
        print(
            f"wrk: 1 thread, {args.connections} connections, {args.duration}s per run, "
            f"{args.rounds} alternating rounds, {GZIP_HEADER}; gunicorn 2 sync workers, "
            f"PostgreSQL; load before: {os.getloadavg()[0]:.2f}"
        )

        def measure(label, name, headers=()):
            rps = wrk_rps(wrk, urls[name], args.duration, args.connections, headers=headers)
            results.setdefault(f"{name}{label}", []).append(rps)
            print(f"  {name + label:28s} {rps:8.1f} req/s")
            time.sleep(1)

        results: dict[str, list[float]] = {}
        for round_no in range(1, args.rounds + 1):
            print(f"round {round_no}")
            order = list(urls) if round_no % 2 else list(reversed(urls))
            for name in order:
                measure("", name, [GZIP_HEADER])
        print("once each: 304, uncompressed (identity) and rendered (cache bypassed)")
        for name in URLS:
            measure(" 304", name, [GZIP_HEADER, f"If-None-Match: {etags[name]}"])
            measure(" identity", name)
            # The Authorization header makes the response cache step aside (v2 ignores the
            # token; v3 treats an unknown one as anonymous): the cost of a full render.
            measure(" rendered", name, [GZIP_HEADER, BYPASS_HEADER])
        print(f"load after: {os.getloadavg()[0]:.2f} (other agents share the 2 cores)")

    print()
    medians = {name: statistics.median(values) for name, values in results.items()}
    floor = medians[FLOOR[0]]
    for name, values in results.items():
        print(f"{name:28s} {summary(values)}  {medians[name] / floor:5.2f}x the floor")
    print()
    for name in URLS:
        rendered = medians[f"{name} rendered"]
        print(
            f"{name:15s} 304 vs rendered {medians[f'{name} 304'] / rendered:6.1f}x cheaper"
            f" (goal >= 5x), 304 vs cached {medians[f'{name} 304'] / medians[name]:4.1f}x;"
            f" cached vs rendered {medians[name] / rendered:6.1f}x"
        )
    for what, goal in GOALS.items():
        for version in ("v2", "v3"):
            rps = medians[f"{version} {what}"]
            verdict = "met" if rps >= goal else "NOT met"
            print(
                f"goal {version} {what} >= {goal} req/s: {rps:.0f} ({verdict}; floor {floor:.0f},"
                f" {rps / floor:.2f}x the floor)"
            )
    print(queries.strip())


if __name__ == "__main__":
    main()
