"""Per-client rate limits on anonymous API v3 requests (429 with ``Retry-After``).

A fixed window per client address in Django's cache: with ``REDIS_URL`` set every web
worker shares the counts; otherwise each process counts its own. ``API_RATE_LIMIT``
(e.g. ``600/min``; empty turns limits off) applies to requests without a valid API token.
"""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"600/min"`` -> (600, 60); empty -> None (no limit)."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not count.strip().isdigit() or period.strip() not in PERIODS:
        raise ValueError(f"API_RATE_LIMIT: expected e.g. 600/min, got {rate!r}")
    return int(count), PERIODS[period.strip()]


class AnonymousRateLimit(BaseThrottle):
    """At most N anonymous requests per client address per window."""

    def allow_request(self, request) -> bool:
        rate = parse_rate(settings.API_RATE_LIMIT)
        user = getattr(request, "user", None)
        if rate is None or (user is not None and user.is_authenticated):
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        self.retry_after = (window + 1) * period - now
        key = f"api-rate:{self.client(request)}:{period}:{window}"
        # add() then incr(): atomic on Redis and in the local-memory cache.
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
        return count <= limit

    @staticmethod
    def client(request) -> str:
        return request.META.get("REMOTE_ADDR") or "unknown"

    def wait(self):
        return max(1.0, self.retry_after)


def anonymous_throttle() -> AnonymousRateLimit:
    return AnonymousRateLimit()
