"""API responses for anonymous readers, cached until a serving event, with ETags that
come from that event's generation instead of the rendered body.

Every public API read (v2, and v3's content endpoints: ``site.api_v3.caching``) is
keyed by its host, full URL, ``Accept`` header and content coding, and stored with the
API generation token it was rendered under. Any serving event
(``insights.serving.events``: a page, person, image, document, topic, trial or setting
changed) replaces the token, so the next read of any endpoint renders afresh; the
representation of an explainer is therefore cached per live revision and per state of
everything it shows. The ETag is a digest of the token and the request, known before any
rendering: a conditional GET that matches is answered ``304`` without a query or a
serializer.

A hit costs one trip to the cache (token, stored response and the client's rate-limit
count together: ``round_trip``) and is answered by ``EarlyAPICacheMiddleware``, before
sessions, authentication and routing, with the headers the inner middleware gave the
rendered response (content security policy, frame options). A client that accepts gzip
gets the body compressed once, when it was stored.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.text import compress_string

API_GENERATION_KEY = "serving:generation:api"
KEY_PREFIX = "serving:api"
# As django.middleware.gzip: compress from 200 bytes, when the client accepts gzip.
MIN_COMPRESSED_LENGTH = 200
ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def forget_everything() -> None:
    """Every cached API response and ETag is stale (called by the serving events)."""
    cache.set(API_GENERATION_KEY, secrets.token_hex(8), timeout=None)


def _generation() -> str:
    token = cache.get(API_GENERATION_KEY)
    if token is None:
        cache.add(API_GENERATION_KEY, secrets.token_hex(8), timeout=None)
        token = cache.get(API_GENERATION_KEY)
    return token or ""


def _where(request) -> str:
    return "|".join(
        [request.get_host(), request.get_full_path(), request.META.get("HTTP_ACCEPT", "")]
    )


def etag_for(request, token: str) -> str:
    """The ETag of REQUEST's response under generation TOKEN (strong; ``W/`` when gzipped)."""
    return quote_etag(hashlib.sha256(f"{token}|{_where(request)}".encode()).hexdigest()[:32])


def _gzipped(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def _key(request) -> str:
    coding = "gzip" if _gzipped(request) else "identity"
    digest = hashlib.sha256(f"{_where(request)}|{coding}".encode()).hexdigest()[:32]
    return f"{KEY_PREFIX}:{digest}"


def public_cache_headers(response) -> None:
    """The Cache-Control of a public API read (both versions, rendered or not)."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.API_CACHE_MAX_AGE,
        stale_while_revalidate=settings.API_CACHE_STALE_WHILE_REVALIDATE,
    )


def _readable(request) -> bool:
    return request.method in ("GET", "HEAD") and "HTTP_AUTHORIZATION" not in request.META


def _client_holds(request, etag: str) -> bool:
    # If-None-Match compares weakly (RFC 9110): W/"x" (what GZipMiddleware sends) is "x".
    held = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    return etag in {tag.removeprefix("W/") for tag in held}


def _not_modified(request, etag: str):
    response = HttpResponseNotModified()
    response["ETag"] = f"W/{etag}" if _gzipped(request) else etag
    # The 200's Vary (both APIs vary on Accept; GZipMiddleware adds Accept-Encoding).
    response["Vary"] = "Accept, Accept-Encoding"
    public_cache_headers(response)
    return response


def lookup(request):
    """The 429, the 304 or the stored response for REQUEST, or None (render it).

    Counts REQUEST against its client's rate limit, hit or miss (the API's throttles then
    read that count instead of counting again).
    """
    from site.api_v3.limits import get_many_and_count, too_many_requests

    request._api_cache_looked_up = True
    key = _key(request)
    found = get_many_and_count(request, [API_GENERATION_KEY, key])
    wait = getattr(request, "_api_rate_wait", None)
    if wait is not None:
        return too_many_requests(request, wait)
    token = found.get(API_GENERATION_KEY)
    stored = found.get(key)
    if not token:
        return None
    etag = etag_for(request, token)
    if _client_holds(request, etag):
        return _not_modified(request, etag)
    if stored is None or stored[0] != token:
        return None
    _token, status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _store(request, response, token: str):
    """Keep RESPONSE (gzipped once for a client that accepts it) under REQUEST's key."""
    if _gzipped(request) and len(response.content) >= MIN_COMPRESSED_LENGTH:
        # Public content and no secret in it: one compression serves every client (the
        # random padding GZipMiddleware adds against BREACH protects secrets in pages).
        compressed = compress_string(response.content)
        if len(compressed) < len(response.content):
            response.content = compressed
            response["Content-Length"] = str(len(compressed))
            response["Content-Encoding"] = "gzip"
            patch_vary_headers(response, ("Accept-Encoding",))
            if response.get("ETag", "").startswith('"'):
                response["ETag"] = "W/" + response["ETag"]
    # CORS headers belong to the caller (its Origin): the CORS middleware adds them.
    headers = [
        (name, value)
        for name, value in response.items()
        if not name.lower().startswith("access-control-")
    ]
    cache.set(
        _key(request),
        (token, response.status_code, headers, response.content),
        settings.PAGE_CACHE_SECONDS,
    )
    return response


class EarlyAPICacheMiddleware:
    """Answer cached API reads before sessions, authentication and URL routing; store
    what the API marked storable (``serve``) with the headers the inner middleware set.

    Only paths under ``API_CACHE_PATHS``; what is stored is decided by ``serve``
    (inside the API's views), so this only ever returns what the API itself rendered.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.API_CACHE_PATHS)

    def __call__(self, request):
        if not (_readable(request) and request.path.startswith(self.prefixes)):
            return self.get_response(request)
        response = lookup(request)
        if response is not None:
            return response
        response = self.get_response(request)
        token = getattr(request, "_api_cache_store", None)
        if (
            token is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Content-Encoding")
        ):
            response = _store(request, response, token)
        return response


def serve(request, render):
    """RENDER(etag) unless the cache or the client already holds this response.

    RENDER returns the response with its cache headers; a public 200 carrying the ETag
    is marked for ``EarlyAPICacheMiddleware`` to store on its way out.
    """
    if not _readable(request):
        return render(None)
    token = _generation()
    if not token:
        return render(None)
    if not getattr(request, "_api_cache_looked_up", False):
        response = lookup(request)
        if response is not None:
            return response
    etag = etag_for(request, token)
    response = render(etag)
    cache_control = response.get("Cache-Control", "")
    if (
        request.method == "GET"
        and response.status_code == 200
        and response.get("ETag") == etag
        and "public" in cache_control
        and not response.cookies
    ):
        request._api_cache_store = token
    return response
