"""Per-client rate limits on anonymous API requests (v3 and v2): 429 with Retry-After."""

import time
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from site.api_v3 import limits
from site.api_v3.limits import parse_rate
from tests.insights.review_support import make_user
from tests.trials.factories import TrialFactory

from .conftest import token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, monkeypatch):
    """Three anonymous requests a minute, counted on a clock held one second into a
    window: a test whose requests straddled a minute boundary (the counts starting
    again) failed now and then."""
    settings.API_RATE_LIMIT = "3/min"
    held = time.time() // 60 * 60 + 1
    monkeypatch.setattr(limits, "time", SimpleNamespace(time=lambda: held))


def test_the_fourth_anonymous_request_in_a_minute_is_429_with_retry_after(v3, limited):
    for _ in range(3):
        assert v3.get("trials/").status_code == 200
    response = v3.get("trials/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"]


def test_cached_hits_and_304s_count_against_the_rate_limit(v3, client, limited):
    TrialFactory(nct_id="NCT00000116")
    first = v3.get("trials/")
    with CaptureQueriesContext(connection) as queries:
        hit = v3.get("trials/")
    assert hit.status_code == 200 and len(queries) == 0  # answered from the cache
    conditional = client.get("/api/v3/trials/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert conditional.status_code == 304
    refused = v3.get("trials/")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "no-store" in refused["Cache-Control"]


def test_a_rendered_request_is_counted_once(v3, limited):
    """Counted before routing (with the cache look-up), not again by the API's throttle."""
    for offset in range(3):  # three URLs: three renders
        assert v3.get("trials/", offset=offset).status_code == 200
    assert v3.get("trials/", offset=9).status_code == 429


def test_clients_are_counted_apart(client, limited):
    for _ in range(3):
        assert client.get("/api/v3/trials/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get("/api/v3/trials/", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v3/trials/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_behind_the_proxy_clients_are_counted_by_the_hop_it_appended(client, limited, settings):
    """Behind our proxy every request comes from the proxy's address: the client is the
    last X-Forwarded-For hop (earlier hops are whatever the client claimed)."""
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "10.0.0.254"}
    for claimed in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):  # a client rotating its claims
        forwarded = f"{claimed}, 203.0.113.7"
        response = client.get("/api/v3/trials/", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
        assert response.status_code == 200
    refused = client.get("/api/v3/trials/", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **proxy)
    assert refused.status_code == 429
    other = client.get("/api/v3/trials/", HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 200


def test_a_token_holder_is_not_limited(v3, limited):
    key = token_for(make_user("partner"))
    for _ in range(5):
        assert v3.get("explainers/1/", bearer=key).status_code == 404


def test_no_limit_when_the_setting_is_empty(v3, settings):
    settings.API_RATE_LIMIT = ""
    for _ in range(5):
        assert v3.get("trials/").status_code == 200


@pytest.mark.parametrize("rate", ["lots", "10/fortnight", "x/min"])
def test_a_malformed_rate_is_an_error_naming_the_setting(rate):
    with pytest.raises(ValueError, match="API_RATE_LIMIT"):
        parse_rate(rate)


def test_v2_is_limited_too_and_shares_the_count(client, limited):
    for _ in range(2):
        assert client.get("/api/v2/trials/").status_code == 200
    assert client.get("/api/v3/trials/").status_code == 200
    response = client.get("/api/v2/trials/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "no-store" in response["Cache-Control"]


def test_with_redis_two_processes_share_one_count(settings):
    """Counts live in the shared cache: a second process (a fresh connection) sees them."""
    import subprocess

    from tests.processes import PROJECT_ROOT, PYTHON, TEST_REDIS_URL, process_env

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
        }
    }
    from django.core.cache import caches
    from django.test import RequestFactory

    from site.api_v3.limits import seconds_to_wait

    def forget_counts():
        # Only this client's counts: other workers' tests share the Redis database.
        client = caches["default"]._cache.get_client(write=True)
        for key in client.scan_iter(match="*api-rate:10.9.9.9:*"):
            client.delete(key)

    forget_counts()
    settings.API_RATE_LIMIT = "3/min"

    def request():
        return RequestFactory().get("/api/v3/trials/", REMOTE_ADDR="10.9.9.9")

    # The other process starts (Django's set-up takes seconds) and waits for "go": the four
    # requests then take milliseconds, so they fall in one minute's window; a run that
    # crossed a minute boundary anyway (the counts start again) is made once more.
    script = (
        "import sys, django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from site.api_v3.limits import seconds_to_wait\n"
        "r = lambda: RequestFactory().get('/api/v3/trials/', REMOTE_ADDR='10.9.9.9')\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "print(seconds_to_wait(r()) is None, seconds_to_wait(r()) is None, flush=True)\n"
    )
    env = process_env(REDIS_URL=TEST_REDIS_URL, API_RATE_LIMIT="3/min")
    for _attempt in range(3):
        other = subprocess.Popen(
            [PYTHON, "-c", "import site_package\n" + script],
            cwd=PROJECT_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert other.stdout.readline().strip() == "ready"
            forget_counts()
            window = int(time.time() // 60)
            assert seconds_to_wait(request()) is None
            assert seconds_to_wait(request()) is None
            other.stdin.write("go\n")
            other.stdin.flush()
            answer = other.stdout.readline().split()
            same_window = int(time.time() // 60) == window
        finally:
            other.communicate(timeout=60)
        forget_counts()
        if same_window:
            break
    assert other.returncode == 0
    # The other process makes the 3rd request (allowed) and the 4th (refused).
    assert answer == ["True", "False"]
