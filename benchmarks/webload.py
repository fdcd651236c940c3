"""What the web benchmarks share: a PostgreSQL database, production-like settings for
gunicorn, manage.py calls, and wrk runs summarised as median and spread."""

import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
GUNICORN = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"]


def ensure_database(url: str) -> None:
    """Create the benchmark's PostgreSQL database if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk not found: installing the Debian package")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def production_env(database_url: str) -> dict:
    """Production settings (DEBUG off), persistent connections, 2 sync workers, quiet logs."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="site.settings.production",
        DATABASE_URL=database_url,
        SECRET_KEY="benchmark-only-" + secrets.token_hex(24),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
        GUNICORN_ACCESSLOG="/dev/null",
        WEB_CONCURRENCY="2",
    )
    return env


def manage(env, *args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def wrk_rps(wrk: str, url: str, duration: int, connections: int, headers=()) -> float:
    """Requests/s wrk reaches on URL; any non-2xx/3xx response aborts the benchmark."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{duration}s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if failed:
        raise SystemExit(f"{url}: {failed.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def summary(values: list[float]) -> str:
    median = statistics.median(values)
    spread = (max(values) - min(values)) / median * 100 if median else 0
    return (
        f"median {median:7.1f} req/s  min {min(values):7.1f}  max {max(values):7.1f}  "
        f"spread {spread:4.1f}%"
    )
