"""Requests/s of the headless API, v2 and v3: the explainer list (50 items, every field)
and the trials list (100 items), under gunicorn on PostgreSQL; and queries per request.

gunicorn (2 sync workers, persistent database connections, production settings with
DEBUG off) serves the demo content plus copies of the CAR-T explainer (with its authors,
topics, citations and review record) up to 50 explainers, and benchmark trials up to 100
or more. ``wrk`` loads each URL from 127.0.0.1 in alternating rounds; prints each round,
the median and spread, and also the rate of conditional requests answered ``304`` (for
URLs that send an ETag). Queries per request are counted in-process (Django's test client,
the same database) for each URL at 5 and at 50 items: they must not grow with the items.
Rate limits (``API_RATE_LIMIT``) are off for the run.

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
URLS = {
    "explainers": "/api/v2/pages/?type=insights.ExplainerPage&fields=*&limit=50",
    # What a list of cards needs: no body, no JSON-LD.
    "cards": (
        "/api/v2/pages/?type=insights.ExplainerPage&limit=50"
        "&fields=subtitle,topics,hero_image,authors,summary,reading_time_minutes,review"
    ),
    "trials": "/api/v2/trials/?limit=100",
    "v3 explainers": "/api/v3/explainers/?limit=50",
    "v3 trials": "/api/v3/trials/?limit=100",
}

# Queries per request of each URL, at 5 items and at the full page (in-process).
QUERIES_SCRIPT = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

client = Client(SERVER_NAME="127.0.0.1")
for name, path in URLS.items():
    counts = []
    for limit in ("5", path.rsplit("limit=", 1)[1]):
        url = path.rsplit("limit=", 1)[0] + "limit=" + limit
        client.get(url)  # warm: renditions, site root paths
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
    print(manage(env, "shell", "-c", BENCH_DATA_SCRIPT).strip())
    env["API_RATE_LIMIT"] = ""  # wrk is one client: the anonymous limit would answer 429s
    queries = manage(env, "shell", "-c", f"URLS = {URLS!r}\n{QUERIES_SCRIPT}")

    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    urls = {name: base + path for name, path in URLS.items()}
    etags = {}
    with running(GUNICORN, env) as proc:
        wait_for_http(base + "/healthz", proc, deadline_s=60)
        for name, url in urls.items():
            for _ in range(20):  # warm both workers: renditions, site root paths
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    body = response.read()
                    etags[name] = response.headers.get("ETag")
            print(f"{name:10s} {url}  {len(body)} bytes")
        print(
            f"wrk: 1 thread, {args.connections} connections, {args.duration}s per run, "
            f"{args.rounds} alternating rounds; gunicorn 2 sync workers, PostgreSQL"
        )
        results: dict[str, list[float]] = {}
        for round_no in range(1, args.rounds + 1):
            order = list(urls) if round_no % 2 else list(reversed(urls))
            for name in order:
                rps = wrk_rps(wrk, urls[name], args.duration, args.connections)
                results.setdefault(name, []).append(rps)
                print(f"  round {round_no}  {name:10s} {rps:8.1f} req/s")
                time.sleep(1)
        for name in (name for name in urls if etags[name]):
            rps = wrk_rps(
                wrk,
                urls[name],
                args.duration,
                args.connections,
                headers=[f"If-None-Match: {etags[name]}"],
            )
            results.setdefault(f"{name} 304", []).append(rps)
            print(f"  conditional {name:10s} {rps:8.1f} req/s (304 Not Modified)")
            # The v2 API ignores Authorization, but the response cache steps aside for it:
            # this is the cost of rendering the full response.
            rps = wrk_rps(wrk, urls[name], args.duration, args.connections, headers=[BYPASS_HEADER])
            results.setdefault(f"{name} rendered", []).append(rps)
            print(f"  rendered    {name:10s} {rps:8.1f} req/s (response cache bypassed)")

    print()
    for name, values in results.items():
        print(f"{name:15s} {summary(values)}")
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name in urls:
        rendered = medians[f"{name} rendered"]
        print(
            f"{name:10s} 304 vs rendered {medians[f'{name} 304'] / rendered:6.1f}x cheaper"
            f" (target >= 5x); cached vs rendered {medians[name] / rendered:6.1f}x"
        )
    print(
        f"targets: explainers >= 100 req/s ({medians['explainers']:.0f}), "
        f"trials >= 400 req/s ({medians['trials']:.0f})"
    )
    print(queries.strip())


if __name__ == "__main__":
    main()
