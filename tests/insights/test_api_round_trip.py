"""One trip to the shared cache for a cached API read (insights/serving/round_trip.py):
Redis gets the keys and the rate-limit count in one pipeline, with the results Django's
cache API gives on any other backend."""

import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.serving import round_trip
from tests.processes import TEST_REDIS_URL

# Keys of their own: the Redis database is shared with tests in other workers (a flush
# would empty their cache under them).
PREFIX = f"round-trip-{uuid.uuid4().hex[:8]}"
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": TEST_REDIS_URL,
        "KEY_PREFIX": PREFIX,
    }
}


def forget_our_keys():
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{PREFIX}:*"):
        client.delete(key)


@pytest.fixture
def redis(settings):
    settings.CACHES = REDIS
    forget_our_keys()
    yield
    forget_our_keys()


LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(params=["redis", "locmem"])
def backend(request, settings):
    settings.CACHES = REDIS if request.param == "redis" else LOCAL
    forget = forget_our_keys if request.param == "redis" else caches["default"].clear
    forget()
    yield request.param
    forget()


def test_values_and_count_are_those_of_djangos_cache_api(backend):
    cache = caches["default"]
    cache.set("token", "abc")
    cache.set("entry", ("abc", 200, [("Vary", "Accept")], b"body"))
    values, count = round_trip.get_many_and_count(["token", "entry", "missing"], "rate", 60)
    assert values == {"token": "abc", "entry": ("abc", 200, [("Vary", "Accept")], b"body")}
    assert count == 1
    assert round_trip.get_many_and_count(["token"], "rate", 60)[1] == 2
    assert cache.get("rate") == 2  # Django's cache API reads the same counter
    assert round_trip.get_many_and_count([], None) == ({}, None)
    assert round_trip.get_many_and_count(["missing"], None) == ({}, None)


def test_the_counter_expires_with_its_window(backend):
    round_trip.get_many_and_count([], "window", 1)
    cache = caches["default"]
    if backend == "redis":
        ttl = cache._cache.get_client().ttl(cache.make_and_validate_key("window"))
        assert 0 < ttl <= 1
    else:
        assert cache.get("window") == 1


def test_redis_sends_one_pipeline_per_read(redis, monkeypatch):
    from redis.client import Pipeline

    executed = []
    original = Pipeline.execute
    monkeypatch.setattr(Pipeline, "execute", lambda self, *a: executed.append(1) or original(self))
    round_trip.get_many_and_count(["a", "b"], "rate", 60)
    assert executed == [1]


@pytest.mark.django_db
def test_a_cached_api_read_on_redis_is_one_pipeline_and_no_query(
    client, redis, settings, monkeypatch
):
    settings.API_RATE_LIMIT = "100/min"
    from redis.client import Pipeline, Redis

    first = client.get("/api/v3/trials/")
    assert first.status_code == 200
    commands = []
    command = Redis.execute_command
    monkeypatch.setattr(
        Redis,
        "execute_command",
        lambda self, *a, **k: commands.append(a[0]) or command(self, *a, **k),
    )
    executed = []
    original = Pipeline.execute
    monkeypatch.setattr(Pipeline, "execute", lambda self, *a: executed.append(1) or original(self))
    with CaptureQueriesContext(connection) as queries:
        hit = client.get("/api/v3/trials/")
    assert hit.content == first.content and len(queries) == 0
    assert executed == [1] and commands == []  # nothing outside the one pipeline
