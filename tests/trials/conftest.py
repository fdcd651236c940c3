"""Fixtures of the trials tests: a fake registry on 127.0.0.1 and a client pointed at it."""

import pytest

from tests.insights.conftest import browser  # noqa: F401  (the shared Chromium fixture)

# Models cannot be imported before pytest-django has set Django up: import in fixtures.


class SleepRecorder:
    """Stands in for time.sleep: records the waits instead of waiting."""

    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def registry(settings):
    """The fake registry serving our example records and the reference records (when
    present); settings point at it."""
    from .fake_registry import FakeRegistry, StudyStore, served_studies

    server = FakeRegistry(StudyStore(served_studies())).start()
    settings.CTGOV_API_URL = server.url
    settings.CTGOV_REQUESTS_PER_SECOND = 0
    settings.CTGOV_BACKOFF_BASE = 0.001
    settings.CTGOV_BACKOFF_MAX = 0.01
    settings.CTGOV_TIMEOUT_CONNECT = 2.0
    settings.CTGOV_TIMEOUT_READ = 2.0
    settings.CTGOV_MAX_RETRIES = 3
    yield server
    server.stop()


@pytest.fixture
def sleeps():
    return SleepRecorder()


@pytest.fixture
def registry_client(registry, sleeps):
    """A client of the fake registry whose backoff waits are recorded, not slept."""
    from trials.registry.client import RegistryClient

    from .fake_registry import CLIENT_READ_TIMEOUT

    with RegistryClient(registry.url, sleep=sleeps, timeout=(2.0, CLIENT_READ_TIMEOUT)) as c:
        yield c


@pytest.fixture(autouse=True)
def trials_app_alone(monkeypatch):
    """Test the trials app by itself: hide the providers other apps (insights) register.

    Tests that need a provider register their own; the real insights providers are
    tested in tests/insights/test_registry_links.py.
    """
    from trials import citations

    monkeypatch.setattr(citations, "_cited_ids_providers", [])
    monkeypatch.setattr(citations, "_citing_pages_providers", [])
