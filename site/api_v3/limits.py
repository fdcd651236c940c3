"""Per-client rate limits on anonymous API requests (v2 and v3): 429 with ``Retry-After``.

A fixed window per client address in Django's cache: with ``REDIS_URL`` set every web
worker shares the counts; otherwise each process counts its own. ``API_RATE_LIMIT``
(e.g. ``600/min``; empty turns limits off) applies to requests without a valid API token;
v2 and v3 requests of one client share one count. A request is counted once: before
routing, in the same trip to the cache as its cached response (``get_many_and_count``,
from ``insights.serving.api_cache``: hits, 304s and misses alike), else by the API's
throttle (requests with an ``Authorization`` header, other methods).
"""

import math
import time

from django.conf import settings
from ninja.throttling import BaseThrottle
from rest_framework.throttling import BaseThrottle as DRFBaseThrottle

from accounts.lockout import client_ip
from insights.serving import round_trip

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
    """The client a count belongs to: the sign-in lockout's one rule (behind our proxy the
    hop it appended last to X-Forwarded-For, else REMOTE_ADDR)."""
    return client_ip(request) or "unknown"


def _window(request):
    """(limit, counter key, seconds the counter lives, seconds to the next window), or
    None when REQUEST is not limited."""
    rate = parse_rate(settings.API_RATE_LIMIT)
    user = getattr(request, "user", None)
    if rate is None or (user is not None and user.is_authenticated):
        return None
    limit, period = rate
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{client_address(request)}:{period}:{window}"
    return limit, key, period + 1, max(1.0, (window + 1) * period - now)


def get_many_and_count(request, keys) -> dict:
    """The cached values of KEYS; counts REQUEST against its client's window in the same
    trip to the cache (once per request: ``seconds_to_wait`` then answers from it)."""
    window = None if hasattr(request, "_api_rate_wait") else _window(request)
    if window is None:
        return round_trip.get_many_and_count(keys)[0]
    limit, key, timeout, wait = window
    values, count = round_trip.get_many_and_count(keys, counter=key, timeout=timeout)
    request._api_rate_wait = None if count <= limit else wait
    return values


def seconds_to_wait(request) -> float | None:
    """Count REQUEST against its client's window: None if allowed, else seconds to wait.

    A request counted already (by the API cache, before routing) is not counted again.
    """
    if not hasattr(request, "_api_rate_wait"):
        get_many_and_count(request, [])
    return getattr(request, "_api_rate_wait", None)


def too_many_requests(request, wait: float):
    """The 429 each API answers (v3: an RFC 7807 problem, v2: ``message``), for requests
    refused before reaching a view (``insights.serving.api_cache`` counts them there)."""
    from django.http import JsonResponse
    from wagtail.api.v3.errors import problem_response

    seconds = math.ceil(wait)
    message = f"Too many requests from this client; retry in {seconds} seconds."
    if request.path.startswith("/api/v3/"):
        response = problem_response(status=429, detail=message)
    else:
        response = JsonResponse({"message": message}, status=429)
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
