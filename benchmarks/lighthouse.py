"""Lighthouse scores of the public site: home, an explainer, the trial finder, a trial page.

Serves the demo content with gunicorn under production settings (DEBUG off, static files
collected and served compressed by WhiteNoise) and runs npm's ``lighthouse`` with
Debian's Chromium on each page, printing every category's score and the lowest. Target:
>= 95 in every category on every page.

    npm install --prefix /tmp/lighthouse lighthouse     # tooling, not committed
    LIGHTHOUSE=/tmp/lighthouse/node_modules/.bin/lighthouse \\
        .venv/bin/python benchmarks/lighthouse.py [--preset desktop|mobile]

DATABASE_URL defaults to a fresh SQLite file in a temporary folder (PostgreSQL works too).
Exit status 1 when a score is below the target.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.webload import GUNICORN, manage, production_env  # noqa: E402
from tests.processes import free_port, running, wait_for_http  # noqa: E402

TARGET = 95
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "explainer": "/insights/car-t-cell-therapy/",
    "finder": "/trials/",
}


def lighthouse_command() -> list[str]:
    found = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")
    return [found] if found else ["npx", "--yes", "lighthouse"]


def first_trial_path(base: str) -> str:
    with urllib.request.urlopen(base + "/trials/", timeout=10) as response:  # noqa: S310
        html = response.read().decode()
    start = html.index('href="/trials/NCT') + len('href="')
    return html[start : html.index('"', start)]


def scores(url: str, preset: str, out_dir: Path) -> dict[str, int]:
    report = out_dir / "report.json"
    command = [
        *lighthouse_command(),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    subprocess.run(command, check=True, env=env, capture_output=True, timeout=300)
    data = json.loads(report.read_text())
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{work / 'db.sqlite3'}")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(database_url)
    # Canonical URLs name the address Lighthouse visits (SITE_URL sets the Site's host).
    env["SITE_URL"] = base
    print("migrating, loading demo content, collecting static files ...")
    manage(env, "migrate", "--no-input")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    results = {}
    with running(GUNICORN, env) as proc:
        wait_for_http(base + "/healthz", proc, deadline_s=60)
        pages = {**PAGES, "trial": first_trial_path(base)}
        print(f"lighthouse ({args.preset}), Chromium {shutil.which('chromium')}")
        print(f"{'page':10s} " + " ".join(f"{c:>15s}" for c in CATEGORIES))
        for name, path in pages.items():
            results[name] = scores(base + path, args.preset, work)
            row = " ".join(f"{results[name][c]:15d}" for c in CATEGORIES)
            print(f"{name:10s} {row}   {path}")
    lowest = min(min(row.values()) for row in results.values())
    print(f"lowest score: {lowest} (target >= {TARGET})")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if lowest >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
