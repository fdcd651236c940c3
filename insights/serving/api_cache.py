"""API responses for anonymous readers, cached until a serving event, with ETags that
come from that event's generation instead of the rendered body.

Every public API read (v2) is keyed by its full URL, ``Accept`` header and one API
generation token. Any serving event (``insights.serving.events``: a page, person,
image, document, topic, trial or setting changed) replaces the token, so the next read
of any endpoint renders afresh; the representation of an explainer is therefore cached
per live revision and per state of everything it shows. The ETag is a digest of the
token and the request, known before any rendering: a conditional GET that matches is
answered ``304`` without a query or a serializer.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, quote_etag

API_GENERATION_KEY = "serving:generation:api"
KEY_PREFIX = "serving:api"


def forget_everything() -> None:
    """Every cached API response and ETag is stale (called by the serving events)."""
    cache.set(API_GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _generation() -> str:
    token = cache.get(API_GENERATION_KEY)
    if token is None:
        cache.add(API_GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(API_GENERATION_KEY)
    return token or ""


def etag_for(request, token: str) -> str:
    where = "|".join(
        [token, request.get_host(), request.get_full_path(), request.META.get("HTTP_ACCEPT", "")]
    )
    return quote_etag(hashlib.sha256(where.encode()).hexdigest()[:32])


def _cache_headers(response) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.API_CACHE_MAX_AGE,
        stale_while_revalidate=settings.API_CACHE_STALE_WHILE_REVALIDATE,
    )


def _readable(request) -> bool:
    return request.method in ("GET", "HEAD") and "HTTP_AUTHORIZATION" not in request.META


def _key(etag: str) -> str:
    return f"{KEY_PREFIX}:{etag.strip(chr(34))}"


def _rate_limited(request):
    from site.api_v3.limits import seconds_to_wait, too_many_requests

    wait = seconds_to_wait(request)
    return None if wait is None else too_many_requests(request, wait)


def lookup(request, token: str | None = None):
    """The 304 or the stored response for REQUEST, or None (render it). A response
    answered from here never reaches the API's throttle, so it counts against the
    client's rate limit here (a miss is counted by the view)."""
    token = token or cache.get(API_GENERATION_KEY)
    if not token:
        return None
    etag = etag_for(request, token)
    if etag in parse_etags(request.META.get("HTTP_IF_NONE_MATCH", "")):
        refused = _rate_limited(request)
        if refused:
            return refused
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Vary"] = "Accept"
        _cache_headers(response)
        return response
    stored = cache.get(_key(etag))
    if stored is None:
        return None
    refused = _rate_limited(request)
    if refused:
        return refused
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class EarlyAPICacheMiddleware:
    """Answer cached API reads before sessions, authentication and URL routing.

    Only paths under ``API_CACHE_PATH_PREFIXES``; what is stored is decided by ``serve``
    (inside the API router), so this only ever returns what the API itself rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _readable(request) and request.path.startswith(tuple(settings.API_CACHE_PATHS)):
            response = lookup(request)
            if response is not None:
                return response
        return self.get_response(request)


def serve(request, render):
    """RENDER(etag) unless the cache or the client already holds this response.

    RENDER returns the response with its cache headers; only public 200s are stored.
    """
    if not _readable(request):
        return render(None)
    token = _generation()
    if not token:
        return render(None)
    response = lookup(request, token)
    if response is not None:
        return response
    etag = etag_for(request, token)
    response = render(etag)
    cache_control = response.get("Cache-Control", "")
    if (
        response.status_code == 200
        and response.get("ETag") == etag
        and "public" in cache_control
        and not response.cookies
    ):
        # CORS headers belong to the caller (its Origin): the CORS middleware adds them.
        headers = [
            (name, value)
            for name, value in response.items()
            if not name.lower().startswith("access-control-")
        ]
        cache.set(
            _key(etag),
            (response.status_code, headers, response.content),
            settings.PAGE_CACHE_SECONDS,
        )
    return response
