import pytest

from tests.processes import manage, process_env


@pytest.fixture(scope="session")
def scratch_db_env(tmp_path_factory):
    """Environment for child processes: a freshly migrated SQLite file of their own.

    Child processes cannot see the test database's transaction, so they get a
    database of their own, migrated by a real ``manage.py migrate``.
    """
    db_path = tmp_path_factory.mktemp("scratch") / "db.sqlite3"
    env = process_env(DATABASE_URL=f"sqlite:///{db_path}")
    result = manage("migrate", "--no-input", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    env["SCRATCH_DB_PATH"] = str(db_path)
    return env
