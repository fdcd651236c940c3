"""/healthz: ok, degraded (stale worker heartbeat) or unavailable; detail for staff only."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError
from django.utils import timezone
from django_q.models import Success

from home.health import HEARTBEAT_FUNC

pytestmark = pytest.mark.django_db


def heartbeat(minutes_ago: float):
    stopped = timezone.now() - timedelta(minutes=minutes_ago)
    Success.objects.create(
        id=f"hb{minutes_ago}".replace(".", "")[:32],
        name=f"heartbeat {minutes_ago}",
        func=HEARTBEAT_FUNC,
        started=stopped,
        stopped=stopped,
        success=True,
    )


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("ops", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def database_refused(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)


# Anonymous: the status, nothing else ---------------------------------------------------


def test_no_worker_at_all_is_degraded(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


def test_a_heartbeat_older_than_five_minutes_is_degraded(client):
    heartbeat(minutes_ago=6)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}


def test_a_recent_heartbeat_is_ok(client):
    heartbeat(minutes_ago=6)
    heartbeat(minutes_ago=1)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_threshold_is_a_setting(client, settings):
    settings.HEALTHZ_WORKER_MAX_AGE_SECONDS = 30
    heartbeat(minutes_ago=1)
    assert client.get("/healthz").status_code == 503


def test_an_unreachable_database_shows_no_error_text_to_anonymous(client, database_refused):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert b"10.0.0.5" not in response.content


def test_pending_migrations_are_unavailable(client, monkeypatch):
    monkeypatch.setattr("home.health.migrations_status", lambda: {"ok": False, "pending": 2})
    heartbeat(minutes_ago=0)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_a_non_staff_user_gets_no_detail(client):
    client.force_login(get_user_model().objects.create_user("reader"))
    assert client.get("/healthz").json() == {"status": "degraded"}


# Staff: the detail -------------------------------------------------------------------


def test_staff_see_the_detail(staff_client):
    heartbeat(minutes_ago=7)
    data = staff_client.get("/healthz").json()
    assert data["status"] == "degraded"
    assert data["database"] == {"ok": True}
    assert data["migrations"] == {"ok": True, "pending": 0}
    assert data["worker"]["ok"] is False
    assert data["worker"]["last_heartbeat"] is not None
    assert data["worker"]["max_age_seconds"] == 300


def test_staff_see_the_database_error(staff_client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    execute = CursorWrapper.execute

    def refuse_the_probe(self, sql, params=None):
        # The session still loads; the health probe's own query fails.
        if sql == "SELECT 1":
            raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')
        return execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", refuse_the_probe)
    data = staff_client.get("/healthz").json()
    assert data["status"] == "unavailable"
    assert "10.0.0.5" in data["database"]["error"]
