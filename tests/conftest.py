"""Fixtures and markers shared by every test package."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests import reference_records as reference
from tests.processes import manage, process_env

# In CI, Hypothesis explores the same examples every run: a red build is reproducible and
# never depends on the draw (locally it keeps searching for new failures).
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_collection_modifyitems(config, items):
    """Tests marked ``reference_records`` read the registry's reference responses where
    they lie (../shared/ctgov); they are skipped, saying why, only where the folder is
    absent. CI checks that it is present, so there they always run."""
    if reference.available():
        return
    skip = pytest.mark.skip(reason=reference.SKIP_REASON)
    for item in items:
        if "reference_records" in item.keywords:
            item.add_marker(skip)


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


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Whole pages are cached by URL (insights/serving); rolled-back tests reuse URLs."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
