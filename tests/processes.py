"""Start real processes (manage.py, gunicorn, qcluster) against a scratch database."""

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.databases import file_lock

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A Redis database of the tests' own, never the application's default 0.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PYTHON = sys.executable
# The demo accounts' password in the ``demo`` template (accounts.demo's default).
DEMO_PASSWORD = "demo-lamp-river-42"
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(**overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "site.settings.test"
    # servers and workers index what they save, as in production (tests in-process don't)
    env["SEARCH_AUTO_UPDATE"] = "true"
    env.update(overrides)
    return env


def python(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the project's ``python ARGS`` from the project root, capturing output."""
    return subprocess.run(
        [PYTHON, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args: str, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python manage.py ARGS`` from the project root, capturing output."""
    return python("manage.py", *args, env=env, timeout=timeout)


def http_get(url: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_for_http(url: str, proc: subprocess.Popen, deadline_s: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ""
            raise AssertionError(f"process exited with {proc.returncode}:\n{out}")
        try:
            http_get(url, timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {deadline_s}s")


@contextmanager
def running(cmd: list[str], env: dict):
    """Run CMD in its own process group; stop the whole group afterwards."""
    proc = subprocess.Popen(
        cmd,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        # SIGTERM to the leader, which stops its own children (gunicorn's workers,
        # django-q2's pusher, workers and monitor) as in production: sent to the whole
        # group at once, django-q2's children died before its sentinel could stop them
        # and it waited for them until killed (15 s per worker cluster). Anything left
        # of the group is killed afterwards.
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def gunicorn(env: dict):
    """Serve site.wsgi with gunicorn (via gunicorn.conf.py) on a free port; yield its base URL."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    with running([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], env) as proc:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz", proc)
        yield base


def copy_sqlite(source_path: Path, dest: Path) -> None:
    """Copy a SQLite database consistently (its backup API), whatever its journal."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


class ScratchDatabases:
    """SQLite files for child processes, copied from templates built once per code.

    Child processes cannot see the test database's transaction, so each gets a database
    of its own. A real ``manage.py migrate`` (and ``load_demo_content``) costs tens of
    seconds; it runs once per template and code fingerprint (``tests.databases``),
    whichever process asks first (the others wait on a file lock), and every user gets a
    copy in milliseconds. Templates: ``migrated`` (every migration applied; also the
    source of the SQLite test databases) and ``demo`` (a copy of it plus the demo content,
    accounts with the default demo password).
    """

    BUILDS = {
        "migrated": (None, ("migrate", "--no-input")),
        "demo": ("migrated", ("load_demo_content",)),
    }

    def __init__(self, root: Path):
        self.root = root

    def template(self, name: str) -> Path:
        path = self.root / f"{name}.sqlite3"
        if path.exists():  # built: templates are never written again
            return path
        base, command = self.BUILDS[name]
        base_path = self.template(base) if base else None
        with file_lock(self.root / f"{name}.lock"):
            if not path.exists():
                building = path.with_suffix(f".building-{os.getpid()}")
                if base_path:
                    copy_sqlite(base_path, building)
                env = process_env(DATABASE_URL=f"sqlite:///{building}")
                env.pop("DEMO_PASSWORD", None)
                result = manage(*command, env=env, timeout=600)
                assert result.returncode == 0, result.stdout + result.stderr
                building.rename(path)
        return path

    def copy(self, name: str, dest: Path, **overrides: str) -> dict:
        """A copy of template NAME at DEST; the environment of a child process using it."""
        copy_sqlite(self.template(name), dest)
        env = process_env(DATABASE_URL=f"sqlite:///{dest}", **overrides)
        env["SCRATCH_DB_PATH"] = str(dest)
        return env
