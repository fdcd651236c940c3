"""Reading cache keys and counting a request in one trip to the shared cache.

A cached API read needs three things from the cache: the API generation token, the
stored response and the client's rate-limit count. Through Django's cache API that is
five Redis commands (``get_many``, then ``add``, ``exists`` and ``incr`` for the count),
each on a newly built client; on Redis this sends them as one pipeline instead. Any
other backend (the in-process cache of ``make run`` and the tests) goes through Django's
cache API, with the same results.
"""

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache


def _redis(backend):
    """(client, serializer) of Django's Redis backend, the client built once per backend
    (Django builds one per command); None for any other backend."""
    if not isinstance(backend, RedisCache):
        return None
    found = getattr(backend, "_serving_client", None)
    if found is None:
        inner = backend._cache
        found = (inner.get_client(write=True), inner._serializer)
        backend._serving_client = found
    return found


def _backend():
    from django.core.cache import caches

    return caches["default"]


def get_many_and_count(keys, counter=None, timeout=60) -> tuple[dict, int | None]:
    """(the values of KEYS found, COUNTER's value after adding one, or None if no COUNTER).

    COUNTER starts at 1 and expires TIMEOUT seconds after its first count.
    """
    backend = _backend()
    redis = _redis(backend)
    if redis is None:
        return _generic(keys, counter, timeout)
    if not keys and counter is None:
        return {}, None
    client, serializer = redis
    made = [backend.make_and_validate_key(key) for key in keys]
    pipe = client.pipeline(transaction=False)
    pipe.mget(made or ["serving:none"])
    if counter is not None:
        counter_key = backend.make_and_validate_key(counter)
        pipe.set(counter_key, 0, ex=timeout, nx=True)
        pipe.incr(counter_key)
    results = pipe.execute()
    found = zip(keys, results[0][: len(keys)], strict=True)
    values = {key: serializer.loads(value) for key, value in found if value is not None}
    return values, (int(results[2]) if counter is not None else None)


def _generic(keys, counter, timeout) -> tuple[dict, int | None]:
    values = cache.get_many(keys) if keys else {}
    if counter is None:
        return values, None
    # add() then incr(): atomic on Redis and in the local-memory cache.
    cache.add(counter, 0, timeout=timeout)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.add(counter, 1, timeout=timeout)
        count = 1
    return values, count
