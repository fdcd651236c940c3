"""Per-client rate limits on anonymous API requests (v2 and v3): 429 with ``Retry-After``.

A fixed window per client address in Django's cache: with ``REDIS_URL`` set every web
worker shares the counts; otherwise each process counts its own. ``API_RATE_LIMIT``
(e.g. ``600/min``; empty turns limits off) applies to requests without a valid API token;
v2 and v3 requests of one client share one count.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle
from rest_framework.throttling import BaseThrottle as DRFBaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"600/min"`` -> (600, 60); empty -> None (no limit)."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not count.strip().isdigit() or period.strip() not in PERIODS:
        raise ValueError(f"API_RATE_LIMIT: expected e.g. 600/min, got {rate!r}")
    return int(count), PERIODS[period.strip()]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def seconds_to_wait(request) -> float | None:
    """Count REQUEST against its client's window: None if allowed, else seconds to wait."""
    rate = parse_rate(settings.API_RATE_LIMIT)
    user = getattr(request, "user", None)
    if rate is None or (user is not None and user.is_authenticated):
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{client_address(request)}:{period}:{window}"
    # add() then incr(): atomic on Redis and in the local-memory cache.
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1.0, (window + 1) * period - now)


def too_many_requests(request, wait: float):
    """The 429 each API answers (v3 ``detail``, v2 ``message``), for requests refused
    before reaching a view (a cached response: ``insights.serving.api_cache``)."""
    from django.http import JsonResponse

    seconds = math.ceil(wait)
    message = f"Too many requests from this client; retry in {seconds} seconds."
    key = "detail" if request.path.startswith("/api/v3/") else "message"
    response = JsonResponse({key: message}, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


class AnonymousRateLimit(BaseThrottle):
    """API v3 (django-ninja): at most N anonymous requests per client per window."""

    def allow_request(self, request) -> bool:
        # ninja asks wait() right after a refusal (sync workers: one request at a time).
        self._last = seconds_to_wait(request)
        return self._last is None

    def wait(self):
        return self._last


class AnonymousRateLimitV2(DRFBaseThrottle):
    """API v2 (DRF): the same limit, the same counts."""

    def allow_request(self, request, view) -> bool:
        self._wait = seconds_to_wait(request)
        return self._wait is None

    def wait(self):
        return self._wait


def anonymous_throttle() -> AnonymousRateLimit:
    return AnonymousRateLimit()
