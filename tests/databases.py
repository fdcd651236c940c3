"""Test databases from one migrated template instead of a ``migrate`` per xdist worker.

Applying every migration (Wagtail's and ours, about 250) costs ~40 s of CPU on this
machine; a run used to pay it once per worker and database, and again for each SQLite
template child processes copy. Here it is paid once:

- **SQLite**: each worker's in-memory test database is filled from the ``migrated``
  scratch template (``tests.processes.ScratchDatabases``), itself built once per code
  fingerprint by a real ``manage.py migrate``.
- **PostgreSQL**: the first worker creates and migrates ``<test name>_template``
  (Django's ``create_test_db``); every worker then gets a copy of it by
  ``CREATE DATABASE … TEMPLATE`` (Django's ``clone_test_db``), as Django's own parallel
  runner does. ``--reuse-db`` keeps (and migrates forward) the template across runs;
  ``--create-db`` rebuilds it.
"""

import fcntl
import hashlib
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What a migration or the demo loader can read: the project's code and data, not its tests.
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "node_modules",
    "tests",
    "docs",
    "benchmarks",
    "static",
    "media",
    "screenshots",
    "__pycache__",
}
FINGERPRINTED = {".py", ".json", ".txt", ".html", ".yaml", ".yml", ".csv"}
STALE_AFTER_S = 2 * 24 * 60 * 60


def code_fingerprint() -> str:
    """A hash of everything that decides what ``migrate`` and the demo loader build."""
    digest = hashlib.sha256(sys.version.encode())
    for directory, dirs, files in os.walk(PROJECT_ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(directory, name)
            if path.suffix in FINGERPRINTED:
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def template_root() -> Path:
    """The folder of SQLite templates for this code, shared by every run on the machine.

    Keyed by the code's fingerprint, a template can never be stale: changed code gets a
    folder of its own. CI's two passes (side by side, same checkout) share one build.
    """
    base = Path(tempfile.gettempdir()) / f"clinicalmetric-test-templates-{os.getuid()}"
    root = base / code_fingerprint()
    root.mkdir(parents=True, exist_ok=True)
    for other in base.iterdir():  # forget templates of code long gone
        if other != root and time.time() - other.stat().st_mtime > STALE_AFTER_S:
            shutil.rmtree(other, ignore_errors=True)
    os.utime(root)
    return root


@contextmanager
def file_lock(path: Path):
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def fill_sqlite_from(connection, template: Path) -> None:
    """Point CONNECTION at its in-memory test database, filled with TEMPLATE's contents."""
    from django.conf import settings

    name = connection.creation._get_test_db_name()
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


# The migrated PostgreSQL template of each database alias in this run, by alias.
POSTGRES_TEMPLATES: dict[str, str] = {}


def clone_postgres_template(connection, run_dir: Path, suffix: str, keepdb: bool) -> str:
    """Give this worker a copy of the run's migrated template; return the copy's name."""
    from django.conf import settings

    template = POSTGRES_TEMPLATES.setdefault(
        connection.alias, f"test_{connection.settings_dict['NAME']}_template"
    )
    with file_lock(run_dir / f"{template}.lock"):
        built = run_dir / f"{template}.built"
        if not built.exists():
            connection.settings_dict["TEST"]["NAME"] = template
            connection.creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False, keepdb=keepdb
            )
            built.touch()
        connection.settings_dict["NAME"] = template
        # CREATE DATABASE … TEMPLATE needs the template without connections: clone_test_db
        # closes ours, and every other worker is on its own copy.
        connection.creation.clone_test_db(suffix=suffix, verbosity=0, keepdb=False)
    clone = connection.creation.get_test_db_clone_settings(suffix)
    connection.close()
    connection.settings_dict.update(clone)
    settings.DATABASES[connection.alias]["NAME"] = clone["NAME"]
    return clone["NAME"]


def drop_postgres_clone(connection, name: str) -> None:
    connection.close()
    connection.creation._destroy_test_db(name, verbosity=0)


def copy_postgres_template(connection, name: str) -> None:
    """Create database NAME as a copy of the run's migrated template (for child processes)."""
    template = POSTGRES_TEMPLATES[connection.alias]
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
