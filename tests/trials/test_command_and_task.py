"""``manage.py sync_trials``, the django-q2 task and its schedule."""

import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.processes import PROJECT_ROOT, PYTHON, manage, process_env
from trials.models import Trial, TrialSyncRun
from trials.sync import lease as sync_lease

from .factories import TrialFactory, TrialQueryFactory
from .fake_registry import Fault, nct_id_of, served_studies

pytestmark = pytest.mark.django_db


def sync(*args):
    out, err = StringIO(), StringIO()
    call_command("sync_trials", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_syncs_and_prints_a_summary_and_a_progress_bar(registry):
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    out, err = sync("--full")
    run = TrialSyncRun.objects.get()
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert run.trigger == "command"
    assert run.kind == TrialSyncRun.Kind.FULL
    assert Trial.objects.count() == run.created > 0
    assert f"Sync #{run.pk} succeeded" in out
    assert f"{run.created} created" in out
    assert "studies" in err and "100%" in err  # the tqdm bar, on stderr


def test_ids_option_accepts_lower_case_and_commas(registry):
    sync("--ids", "nct99000009,NCT99000002", "NCT99000004", "--no-progress")
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {
        "NCT99000009",
        "NCT99000002",
        "NCT99000004",
    }
    assert TrialSyncRun.objects.get().parameters["ids"] == [
        "NCT99000002",
        "NCT99000004",
        "NCT99000009",
    ]


def test_query_option_syncs_only_that_query(registry):
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    TrialQueryFactory(name="Coronary", condition="coronary")
    sync("--query", "Coronary", "--no-progress")
    run = TrialSyncRun.objects.get()
    assert run.parameters == {"full": False, "since": None, "scope": "query", "query": "Coronary"}
    assert [r.params["query.cond"] for r in registry.studies_requests()] == ["coronary"]


def test_since_option(registry):
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    sync("--since", "2020-02-29", "--no-progress")
    params = registry.studies_requests()[0].params
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2020-02-29,MAX]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-02-30"], "--since must be a date like 2026-01-31"),
        (["--since", "yesterday"], "--since must be a date"),
        (["--ids", "NCT123", "12345678"], "Not an NCT ID: NCT123, 12345678"),
        (["--query", "No such query"], "No registry query named 'No such query'"),
        (["--full", "--since", "2026-01-01"], "--full and --since contradict"),
        (["--ids", "NCT99000009", "--query", "X"], "do not combine"),
    ],
)
def test_bad_input_is_a_clear_error_and_runs_nothing(registry, args, message):
    with pytest.raises(CommandError, match=message):
        sync(*args)
    assert TrialSyncRun.objects.count() == 0
    assert registry.requests == []


def test_failed_run_exits_non_zero_with_the_error(registry, settings):
    settings.CTGOV_MAX_RETRIES = 1
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    registry.add_fault(Fault.http(503, "Service Unavailable", times=5))
    with pytest.raises(CommandError, match=r"failed: .*HTTP 503") as excinfo:
        sync("--no-progress")
    assert excinfo.value.returncode == 1
    assert TrialSyncRun.objects.get().status == TrialSyncRun.Status.FAILED


def test_partial_run_exits_with_code_2(registry):
    TrialQueryFactory(name="Broken", condition="lymphoma (")
    with pytest.raises(CommandError, match="finished with failures") as excinfo:
        sync("--no-progress")
    assert excinfo.value.returncode == 2


def test_command_refuses_while_another_run_holds_the_lease(registry):
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    assert sync_lease.acquire("worker-2:42:abc")
    with pytest.raises(CommandError, match=r"Another registry sync is running.*worker-2"):
        sync("--no-progress")
    assert TrialSyncRun.objects.count() == 0


def test_task_runs_the_same_sync(registry):
    from trials.tasks import refresh_trials

    TrialQueryFactory(name="Melanoma", condition="melanoma")
    result = refresh_trials()
    run = TrialSyncRun.objects.get()
    assert run.trigger == "schedule"
    assert run.kind == TrialSyncRun.Kind.INCREMENTAL
    assert result == run.summary()


def test_task_raises_on_a_failed_run_and_skips_when_locked(registry, settings):
    from trials.tasks import refresh_trials

    settings.CTGOV_MAX_RETRIES = 0
    TrialQueryFactory(name="Melanoma", condition="melanoma")
    registry.add_fault(Fault.http(500))
    with pytest.raises(RuntimeError, match="failed"):
        refresh_trials()
    assert sync_lease.acquire("someone-else")
    assert refresh_trials().startswith("Skipped: Another registry sync is running")


def test_task_runs_through_django_q(registry):
    from django_q.tasks import async_task, result

    TrialQueryFactory(name="Melanoma", condition="melanoma")
    task_id = async_task("trials.tasks.refresh_trials", sync=True)
    assert result(task_id).startswith("Sync #")
    assert TrialSyncRun.objects.get().status == TrialSyncRun.Status.SUCCEEDED


def test_daily_schedule_is_created_by_migration():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Refresh trials")
    assert schedule.func == "trials.tasks.refresh_trials"
    assert schedule.schedule_type == Schedule.DAILY
    assert schedule.repeats == -1


def test_schedule_migration_is_idempotent():
    import importlib

    from django.apps import apps
    from django_q.models import Schedule

    migration = importlib.import_module("trials.migrations.0003_refresh_trials_schedule")
    Schedule.objects.filter(name="Refresh trials").update(func="old.path", minutes=5)
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    schedule = Schedule.objects.get(name="Refresh trials")
    assert schedule.func == "trials.tasks.refresh_trials"


# -- real processes against a scratch database (the test database is not visible to them) --


@pytest.fixture(scope="session")
def migrated_db(scratch_databases):
    return scratch_databases.template("migrated")


@pytest.fixture
def scratch_env(migrated_db, tmp_path, registry):
    path = tmp_path / "db.sqlite3"
    shutil.copy(migrated_db, path)
    env = process_env(
        DATABASE_URL=f"sqlite:///{path}",
        CTGOV_API_URL=registry.url,
        CTGOV_MAX_RETRIES="1",
        CTGOV_BACKOFF_BASE="0.01",
        CTGOV_TIMEOUT_READ="10",
    )
    env["SCRATCH_DB"] = str(path)
    return env


def scratch_query(env, sql):
    with sqlite3.connect(env["SCRATCH_DB"]) as db:
        return db.execute(sql).fetchall()


@pytest.mark.slow
def test_manage_py_exit_codes_in_a_real_process(registry, scratch_env):
    """The real command in its own process: exit code 0 with a summary, then non-zero
    when the registry is down."""
    ok = manage("sync_trials", "--ids", "NCT99000009", env=scratch_env)
    assert ok.returncode == 0, ok.stderr
    assert "succeeded" in ok.stdout and "1 created" in ok.stdout
    registry.add_fault(Fault.http(503, times=10))
    down = manage("sync_trials", "--ids", "NCT99000009", "--no-progress", env=scratch_env)
    assert down.returncode == 1
    assert "HTTP 503" in down.stderr


@pytest.mark.slow
def test_two_processes_never_sync_at_once(registry, scratch_env):
    """Two workers start the sync at the same time: the second is refused while the
    first holds the lease, and nothing is stored twice."""
    ids = sorted(nct_id_of(s) for s in served_studies())
    # The first worker's only request hangs until the second worker has been refused,
    # however slowly the second process starts on a busy machine.
    second_done = threading.Event()
    registry.add_fault(Fault.stall(120.0, release=second_done))
    first = subprocess.Popen(
        [PYTHON, "manage.py", "sync_trials", "--no-progress", "--ids", *ids],
        cwd=PROJECT_ROOT,
        env={**scratch_env, "CTGOV_TIMEOUT_READ": "180"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not scratch_query(
            scratch_env, "SELECT holder FROM trials_synclease WHERE holder != ''"
        ):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first worker never took the lease"
            time.sleep(0.1)
        second = manage("sync_trials", "--no-progress", "--ids", *ids, env=scratch_env)
        second_done.set()
        _, err = first.communicate(timeout=120)
    finally:
        second_done.set()
        if first.poll() is None:
            first.kill()
    assert second.returncode == 1
    assert "Another registry sync is running" in second.stderr
    assert first.returncode == 0, err
    assert scratch_query(
        scratch_env, "SELECT COUNT(*), COUNT(DISTINCT nct_id) FROM trials_trial"
    ) == [(len(ids), len(ids))]
    assert scratch_query(scratch_env, "SELECT status FROM trials_trialsyncrun") == [("succeeded",)]


def _wait_for_holder(env, worker, timeout=60):
    """The lease's holder and expiry once WORKER has taken it."""
    deadline = time.monotonic() + timeout
    while True:
        rows = scratch_query(env, "SELECT holder, expires FROM trials_synclease WHERE holder != ''")
        if rows:
            return rows[0]
        assert worker.poll() is None, worker.communicate()
        assert time.monotonic() < deadline, "the worker never took the lease"
        time.sleep(0.05)


def _lease_expiry(env):
    (expires,) = scratch_query(env, "SELECT expires FROM trials_synclease")[0]
    return datetime.fromisoformat(expires).replace(tzinfo=UTC)


@contextmanager
def stalled_worker(registry, scratch_env, lease_seconds):
    """A real ``sync_trials`` process holding a short lease while its only registry
    request hangs (until the yielded event is set, or 90 s). Yields the process, its
    environment and the event; the process is gone afterwards."""
    env = {
        **scratch_env,
        "TRIALS_SYNC_LEASE_SECONDS": str(lease_seconds),
        "CTGOV_TIMEOUT_READ": "120",
    }
    release = threading.Event()
    registry.add_fault(Fault.stall(90.0, release=release))
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "sync_trials", "--no-progress", "--ids", "NCT99000009"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_holder(env, worker)
        yield worker, env, release
    finally:
        release.set()
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.slow
def test_a_stalled_request_keeps_the_lease_while_its_worker_lives(registry, scratch_env):
    """The heartbeat renews the lease off the page loop: a registry request that hangs
    for three lease periods does not let a second worker in."""
    with stalled_worker(registry, scratch_env, lease_seconds=2) as (first, lease_env, release):
        taken_at = _lease_expiry(lease_env)
        time.sleep(6)  # three lease periods, the first worker still waiting on the registry
        assert _lease_expiry(lease_env) > taken_at + timedelta(seconds=3)
        second = manage("sync_trials", "--no-progress", "--ids", "NCT99000009", env=lease_env)
        release.set()
        _, err = first.communicate(timeout=120)
    assert second.returncode == 1
    assert "Another registry sync is running" in second.stderr
    assert first.returncode == 0, err


@pytest.mark.slow
def test_a_killed_worker_is_taken_over_once_its_short_lease_lapses(registry, scratch_env):
    """SIGKILL leaves no chance to release: the lease stops moving, lapses within one
    period, and the next run takes over and closes the dead run."""
    with stalled_worker(registry, scratch_env, lease_seconds=3) as (first, lease_env, _):
        time.sleep(1)  # a beat or more
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        killed_at = datetime.now(UTC)
    assert _lease_expiry(lease_env) <= killed_at + timedelta(seconds=3)
    time.sleep(max(0.0, (_lease_expiry(lease_env) - datetime.now(UTC)).total_seconds()) + 0.2)
    second = manage("sync_trials", "--no-progress", "--ids", "NCT99000009", env=lease_env)
    assert second.returncode == 0, second.stderr
    assert scratch_query(
        lease_env, "SELECT status, error FROM trials_trialsyncrun ORDER BY id"
    ) == [
        ("failed", "Interrupted: the process stopped before the run finished (its lease expired)."),
        ("succeeded", ""),
    ]


def test_the_default_lease_lets_a_dead_worker_be_taken_over_within_two_minutes(settings):
    beat = sync_lease.Heartbeat("me")
    assert sync_lease.lease_duration() <= timedelta(seconds=60)
    # the lease lapses one period after the last beat at the latest
    assert beat.interval + sync_lease.lease_duration().total_seconds() <= 120
    assert beat.interval <= sync_lease.lease_duration().total_seconds() / 3


@pytest.mark.slow
def test_a_worker_whose_lease_was_taken_stops_without_writing(registry, scratch_env):
    """Someone else holds the lease when the stalled request returns: the worker stops,
    stores nothing and leaves the other holder's lease alone."""
    with stalled_worker(registry, scratch_env, lease_seconds=2) as (first, lease_env, release):
        with sqlite3.connect(lease_env["SCRATCH_DB"], timeout=20) as db:
            db.execute(
                "UPDATE trials_synclease SET holder = 'thief', expires = ?",
                [(datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S.%f")],
            )
        time.sleep(1)  # beats find the lease taken
        release.set()
        _, err = first.communicate(timeout=120)
    assert first.returncode == 1
    assert "no longer held" in err
    assert scratch_query(lease_env, "SELECT holder FROM trials_synclease") == [("thief",)]
    assert scratch_query(lease_env, "SELECT COUNT(*) FROM trials_trial") == [(0,)]


def test_weekly_full_refresh_schedule_is_created_by_migration():
    import importlib

    from django.apps import apps
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Refresh trials (full)")
    assert schedule.func == "trials.tasks.refresh_all_trials"
    assert schedule.schedule_type == Schedule.WEEKLY
    assert schedule.repeats == -1
    migration = importlib.import_module("trials.migrations.0007_full_refresh_schedule")
    Schedule.objects.filter(pk=schedule.pk).update(func="old.path", schedule_type="D")
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    schedule = Schedule.objects.get(name="Refresh trials (full)")
    assert (schedule.func, schedule.schedule_type) == ("trials.tasks.refresh_all_trials", "W")


def test_full_refresh_task_refetches_every_stored_trial(registry):
    from trials.tasks import refresh_all_trials

    TrialFactory(nct_id="NCT00184067", overall_status="RECRUITING")
    result = refresh_all_trials()
    run = TrialSyncRun.objects.get()
    assert (run.trigger, run.parameters["scope"]) == ("schedule", "stored")
    assert result == run.summary()
    assert Trial.objects.get().overall_status == "TERMINATED"


def test_all_stored_option_and_its_contradictions(registry):
    TrialFactory(nct_id="NCT00184067", overall_status="RECRUITING")
    with pytest.raises(CommandError, match="use it alone"):
        sync("--all-stored", "--full", "--no-progress")
    sync("--all-stored", "--no-progress")
    assert TrialSyncRun.objects.get().parameters["scope"] == "stored"


def test_default_pace_is_under_50_requests_a_minute():
    import importlib

    base = importlib.import_module("site.settings.base")
    assert 0 < base.CTGOV_REQUESTS_PER_SECOND * 60 < 50
