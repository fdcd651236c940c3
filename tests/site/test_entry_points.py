"""Every entry point imports the project's ``site`` package, not only the stdlib ``site``.

If site_package.py broke, each of these would fail with "'site' is not a package".
"""

import json
import shutil
import sqlite3
import subprocess
import time

import pytest

from tests.processes import (
    BIN,
    PROJECT_ROOT,
    PYTHON,
    TEST_REDIS_URL,
    gunicorn,
    http_get,
    manage,
    process_env,
    running,
)

pytestmark = pytest.mark.slow


def test_stdlib_site_still_works_beside_the_project_package():
    import site
    import site_package

    assert callable(site.getsitepackages)
    assert site_package.SITE_PACKAGE_DIR in site.__path__
    from site.settings import base

    assert base.ROOT_URLCONF == "site.urls"


def test_manage_py_check():
    result = manage("check", env=process_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "command", [[str(BIN / "django-admin"), "check"], [PYTHON, "-m", "django", "check"]]
)
def test_standard_django_entry_points_find_the_site_package(command, tmp_path):
    """With DJANGO_SETTINGS_MODULE set, from any directory: the venv's .pth file (written
    by `make install`) imports site_package before Django reads the settings."""
    result = subprocess.run(
        command, cwd=tmp_path, env=process_env(), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_parallel_pytest_workers_load_the_project_settings_and_keep_groups(tmp_path):
    """`pytest -n 2 --dist loadgroup` (pytest-xdist, as `make test` runs it): each worker
    inherits the environment and must still import the project's settings, and tests
    marked with one ``xdist_group`` run on one worker (their session fixtures are set up
    once: pytest 9.2 broke that, each worker then built the typed client's server)."""
    seen = tmp_path / "workers.txt"
    (tmp_path / "test_worker.py").write_text(
        "import os\n"
        "import pytest\n\n"
        "def test_settings(settings):\n"
        "    assert settings.SETTINGS_MODULE == 'site.settings.test'\n\n"
        "@pytest.mark.xdist_group('together')\n"
        "@pytest.mark.parametrize('n', range(6))\n"
        "def test_grouped(n):\n"
        f"    with open({str(seen)!r}, 'a') as out:\n"
        "        out.write(os.environ['PYTEST_XDIST_WORKER'] + '\\n')\n"
    )
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "pytest",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            "-q",
            "--no-cov",
            "--rootdir",
            str(PROJECT_ROOT),
            "-c",
            str(PROJECT_ROOT / "pyproject.toml"),
            str(tmp_path / "test_worker.py"),
        ],
        cwd=PROJECT_ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "7 passed" in result.stdout
    workers = seen.read_text().split()
    assert len(workers) == 6 and len(set(workers)) == 1, workers


def test_pytest_loaded_project_settings(settings):
    # This very process is pytest: the settings came from site/settings/test.py.
    assert settings.SETTINGS_MODULE == "site.settings.test"
    assert settings.ROOT_URLCONF == "site.urls"


def test_gunicorn_serves_pages(scratch_db_env, tmp_path):
    # A copy of the scratch database without worker heartbeats: the qcluster test may
    # already have left one in the shared database (tests run in random order).
    db_path = tmp_path / "db.sqlite3"
    shutil.copy(scratch_db_env["SCRATCH_DB_PATH"], db_path)
    with sqlite3.connect(db_path) as db:
        db.execute("DELETE FROM django_q_task WHERE func = 'home.tasks.worker_heartbeat'")
    env = {**scratch_db_env, "DATABASE_URL": f"sqlite:///{db_path}", "SCRATCH_DB_PATH": ""}
    with gunicorn(env) as base:
        status, body = http_get(base + "/")
        assert status == 200
        assert "ClinicalMetric" in body
        status, body = http_get(base + "/admin/login/")
        assert status == 200
        assert 'name="password"' in body
        # No worker runs beside this server: the site serves, but says it is degraded.
        status, body = http_get(base + "/healthz")
        assert status == 503
        assert json.loads(body) == {"status": "degraded"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    env = process_env(DATABASE_URL="postgres://postgres@127.0.0.1:1/unreachable")
    with gunicorn(env) as base:
        status, body = http_get(base + "/healthz")
    assert status == 503
    # The status alone: the error text names the database host and port.
    assert json.loads(body) == {"status": "unavailable"}
    assert "127.0.0.1" not in body


@pytest.mark.parametrize("broker", ["orm", "redis"])
def test_qcluster_worker_executes_a_task(scratch_db_env, broker):
    env = dict(scratch_db_env)
    if broker == "redis":
        # The tests' own Redis database (never the application's 0).
        env["Q_REDIS_URL"] = TEST_REDIS_URL
    enqueue = manage(
        "shell",
        "-c",
        "from django_q.tasks import async_task; from django_q.brokers import get_broker; "
        "print(type(get_broker()).__name__); print(async_task('home.tasks.worker_heartbeat'))",
        env=env,
    )
    assert enqueue.returncode == 0, enqueue.stderr
    broker_class, task_id = enqueue.stdout.strip().splitlines()[-2:]
    assert broker_class == {"orm": "ORM", "redis": "Redis"}[broker]

    with running([PYTHON, "manage.py", "qcluster"], env) as proc:
        deadline = time.monotonic() + 60
        row = None
        while time.monotonic() < deadline and row is None:
            assert proc.poll() is None, proc.stdout.read()
            with sqlite3.connect(env["SCRATCH_DB_PATH"]) as db:
                row = db.execute(
                    "SELECT func, success FROM django_q_task WHERE id = ?", (task_id,)
                ).fetchone()
            time.sleep(0.5)
    assert row == ("home.tasks.worker_heartbeat", 1)

    # /healthz now finds a fresh heartbeat.
    with gunicorn(env) as base:
        status, body = http_get(base + "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


def test_wsgi_module_imports_standalone():
    # What any WSGI server does: import site.wsgi after the shim.
    code = "import site_package, site.wsgi; print(type(site.wsgi.application).__name__)"
    result = subprocess.run(
        [str(BIN / "python"), "-c", code],
        cwd=PROJECT_ROOT,
        env=process_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "WSGIHandler"
