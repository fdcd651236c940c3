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


def pytest_xdist_make_scheduler(config, log):
    """Under ``--dist loadgroup`` (``make test``), a module at a time (tests/scheduling.py)."""
    if config.getvalue("dist") == "loadgroup":
        from tests.scheduling import ModuleScheduling

        return ModuleScheduling(config, log)
    return None


def refuse_transactional_tests_under_module_scheduling(config, items) -> None:
    """A transactional test ends by emptying every table (Django's flush), the rows of the
    data migrations too (groups, the site's pages, schedules). pytest-django runs such
    tests after all others for that reason; under ``make test``'s module-at-a-time
    scheduling (tests/scheduling.py) the modules after one on its worker would find those
    rows gone. ``django_capture_on_commit_callbacks`` runs on-commit work inside a
    test's transaction instead."""
    if not hasattr(config, "workerinput") or config.getvalue("dist") != "loadgroup":
        return
    transactional = [item.nodeid for item in items if _transactional(item)]
    if transactional:
        raise pytest.UsageError(
            "Transactional tests would empty the database for the modules after them on "
            f"their worker (tests/conftest.py): {', '.join(transactional)}"
        )


def pytest_collection_modifyitems(config, items):
    """Tests marked ``reference_records`` read the registry's reference responses where
    they lie (../shared/ctgov); they are skipped, saying why, only where the folder is
    absent. CI checks that it is present, so there they always run."""
    refuse_transactional_tests_under_module_scheduling(config, items)
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


def _auto_updating(backends: dict) -> bool:
    return any(config.get("AUTO_UPDATE", True) for config in backends.values())


def _search_signals(connect: bool) -> None:
    """Connect modelsearch's save and delete handlers with its own registration, or
    disconnect the same ones (modelsearch has no unregistering of its own)."""
    from django.db.models.signals import post_delete, post_save
    from modelsearch import index
    from modelsearch.signal_handlers import (
        post_delete_signal_handler,
        post_save_signal_handler,
        register_signal_handlers,
    )

    if connect:
        register_signal_handlers()
        return
    for model in index.get_indexed_models():
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)


@pytest.fixture(scope="session", autouse=True)
def _search_handlers_follow_auto_update(django_test_environment):
    """With no backend auto-updating (the test settings), modelsearch's handlers still
    ran a task per save that fetched the object again to index it nowhere (~3 % of the
    review tests): they are off in-process unless a test asks for ``search_index``."""
    from django.conf import settings

    if _auto_updating(settings.WAGTAILSEARCH_BACKENDS):
        yield
        return
    _search_signals(connect=False)
    yield
    _search_signals(connect=True)


@pytest.fixture
def search_index(settings):
    """Saved pages and snippets are indexed for search as in production (the test
    settings turn that off for every other test: it was ~8 % of the suite)."""
    backends = settings.WAGTAILSEARCH_BACKENDS
    handlers_off = not _auto_updating(backends)
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**config, "AUTO_UPDATE": True} for name, config in backends.items()
    }
    if handlers_off:
        _search_signals(connect=True)
    yield
    if handlers_off:
        _search_signals(connect=False)


@pytest.fixture(autouse=True)
def _reference_index_as_marked(request):
    """Wagtail updates its reference index on every save of a page, snippet, image or
    document, as in production. A module none of whose tests read the index (nothing
    there finds usages, invalidates cached pages or restarts reviews through it) may opt
    out with ``pytest.mark.reference_index(False)``, ~5-10 % of its time; a test in it
    that does read the index says ``pytest.mark.reference_index(True)``."""
    marker = request.node.get_closest_marker("reference_index")
    if marker is None or marker.args[0]:
        yield
        return
    from wagtail.signal_handlers import disable_reference_index_auto_update

    with disable_reference_index_auto_update():
        yield


@pytest.fixture(autouse=True)
def _template_context_as_marked(request, django_test_environment):
    """Django's test environment sends ``template_rendered`` for every template and the
    test client copies each one's context into the response: ~10 % of the suite's time
    (the admin's pages render hundreds of templates). Only a test that reads
    ``response.context`` or ``response.templates`` needs it; its module (or the test)
    says ``pytest.mark.template_context``. Elsewhere ``response.context`` is None (reading
    it raises) and ``response.templates`` is empty (``assertTemplateUsed`` fails, but
    ``assertTemplateNotUsed`` would pass on nothing: it needs the marker too)."""
    if request.node.get_closest_marker("template_context") is not None:
        yield
        return
    from django.template import Template
    from django.test.utils import _TestState

    instrumented = Template._render
    # Django keeps the renderer its test environment replaced there, to restore it.
    Template._render = _TestState.saved_data.template_render
    yield
    Template._render = instrumented


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Whole pages are cached by URL (insights/serving); rolled-back tests reuse URLs."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _uses_db(item) -> bool:
    names = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or "db" in names


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in getattr(item, "fixturenames", ()) or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(scope="module")
def module_transaction(request, django_db_setup, django_db_blocker):
    """Rows a module's tests share, built once per module as Django's
    ``TestCase.setUpTestData`` builds them per class: inside a transaction rolled back
    after the module's last test. Each test's own transaction is a savepoint inside it,
    so whatever a test changes is undone before the next one starts. Yields False (and
    opens nothing) in a module with transactional tests: those must really commit."""
    from django.db import transaction

    if any(_transactional(i) for i in request.session.items if i.module is request.module):
        yield False
        return
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
    yield True
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture(scope="module", autouse=True)
def team_rows(request, django_db_blocker):
    """The review team (tests/insights/review_support.py), built once for each module
    using the ``team`` fixture and before its first test, so every test of the module
    sees the same rows whatever the order; None where the module shares no rows."""
    # pytest-django runs a module's database tests before its others: the rows are built
    # for the first of them (the test whose set-up this is) and seen by all of them.
    first = getattr(request, "_pyfuncitem", None)
    if "team" not in vars(request.module) or first is None or not _uses_db(first):
        return None
    if not request.getfixturevalue("module_transaction"):
        return None
    from tests.insights.review_support import build_team

    with django_db_blocker.unblock():
        return {name: user.pk for name, user in build_team().items()}
