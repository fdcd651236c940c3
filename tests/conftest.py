"""Fixtures and markers shared by every test package."""

import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests import databases
from tests import reference_records as reference
from tests.processes import ScratchDatabases

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
def scratch_databases() -> ScratchDatabases:
    """Templates for child processes' databases, shared by every run of the same code."""
    return ScratchDatabases(databases.template_root())


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    scratch_databases,
    tmp_path_factory,
):
    """The test database, a copy of one migrated template (tests/databases.py) instead of
    a ``migrate`` of its own in every xdist worker (pytest-django's default)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            databases.fill_sqlite_from(connection, scratch_databases.template("migrated"))
            yield
            return
        worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
        base = tmp_path_factory.getbasetemp()
        run_dir = base.parent if worker_id != "master" else base
        keepdb = django_db_keepdb and not django_db_createdb
        clone = databases.clone_postgres_template(connection, run_dir, worker_id, keepdb)
    yield
    with django_db_blocker.unblock():
        databases.drop_postgres_clone(connection, clone)


@pytest.fixture(scope="session")
def scratch_db_env(scratch_databases, tmp_path_factory):
    """Environment for child processes: a freshly migrated SQLite file of their own."""
    path = tmp_path_factory.mktemp("scratch") / "db.sqlite3"
    return scratch_databases.copy("migrated", path)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Whole pages are cached by URL (insights/serving); rolled-back tests reuse URLs."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
