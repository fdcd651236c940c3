"""Requests/s of the demo CAR-T explainer vs a stock Wagtail page of the same text length,
and the no-database floor (``/robots.txt``) of the same gunicorn.

The three are served by the same gunicorn (sync workers, persistent database connections,
production settings with DEBUG off) on PostgreSQL, and measured with ``wrk`` on 127.0.0.1
in alternating rounds so all see the same machine. Prints each round, the median and
spread per URL, and the ratios of the medians. The explainer is a page-cache hit (what
anonymous readers get, insights/serving); the stock page is rendered on every request.

    .venv/bin/python benchmarks/page_render.py [--rounds 5] [--duration 8] [--connections 4]

DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/bench_pages (created if missing,
migrated, demo content loaded); REDIS_URL, if set, is the cache the workers share (as in
production). Targets: explainer >= 0.5x the floor and >= 3x the stock page.
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_pages"
EXPLAINER_PATH = "/insights/car-t-cell-therapy/"
STOCK_SLUG = "bench-stock-page"

# Creates (or refreshes) a StandardPage whose body is the explainer's text as rich text.
STOCK_PAGE_SCRIPT = f"""
from django.utils.html import strip_tags
from home.models import HomePage, StandardPage
from insights.models import ExplainerPage

explainer = ExplainerPage.objects.live().get(slug="car-t-cell-therapy")
text = explainer.body_text() + " " + strip_tags(explainer.summary)
words = text.split()
paragraphs = [" ".join(words[i:i + 90]) for i in range(0, len(words), 90)]
body = "".join(f"<p>{{p}}</p>" for p in paragraphs)
home = HomePage.objects.get()
page = StandardPage.objects.filter(slug="{STOCK_SLUG}").first()
if page is None:
    page = StandardPage(title="Benchmark stock page", slug="{STOCK_SLUG}", body=body, live=False)
    home.add_child(instance=page)
page.body = body
page.intro = explainer.subtitle
page.save_revision().publish()
print(f"explainer text: {{len(text)}} chars; stock page body text: {{len(strip_tags(body))}} chars")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    wrk = ensure_wrk()

    env = production_env(database_url)
    print("migrating, loading demo content, collecting static files ...")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    print(manage(env, "shell", "-c", STOCK_PAGE_SCRIPT).strip())

    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    base = f"http://127.0.0.1:{port}"
    pages = {
        "explainer": base + EXPLAINER_PATH,
        "stock": f"{base}/{STOCK_SLUG}/",
        "floor": f"{base}/robots.txt",
    }
    with running(GUNICORN, env) as proc:
        wait_for_http(base + "/healthz", proc, deadline_s=60)
        for name, url in pages.items():
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                size = len(response.read())
            print(f"{name:9s} {url}  {size} bytes")
            for _ in range(50):  # warm every worker's caches
                urllib.request.urlopen(url, timeout=10).read()  # noqa: S310
        results: dict[str, list[float]] = {name: [] for name in pages}
        print(
            f"wrk: 1 thread, {args.connections} connections, {args.duration}s per run, "
            f"{args.rounds} alternating rounds; gunicorn 2 sync workers, PostgreSQL, "
            f"cache {'Redis' if env.get('REDIS_URL') else 'in-process memory'}"
        )
        for round_no in range(1, args.rounds + 1):
            order = list(pages) if round_no % 2 else list(reversed(pages))
            for name in order:
                rps = wrk_rps(wrk, pages[name], args.duration, args.connections)
                results[name].append(rps)
                print(f"  round {round_no}  {name:9s} {rps:8.1f} req/s")
                time.sleep(1)

    print()
    for name, values in results.items():
        print(f"{name:9s} {summary(values)}")
    medians = {name: statistics.median(values) for name, values in results.items()}
    print(
        f"ratio explainer/floor (medians): {medians['explainer'] / medians['floor']:.2f}x"
        "  (target >= 0.5x)"
    )
    print(
        f"ratio explainer/stock (medians): {medians['explainer'] / medians['stock']:.2f}x"
        "  (target >= 3x)"
    )


if __name__ == "__main__":
    main()
