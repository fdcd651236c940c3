"""Whole-page cache for anonymous readers of explainers and the explainers index.

A cookie-less anonymous GET is answered from Django's cache before any routing or
database work. Entries are keyed by the request's scheme, host and full path, under two
generation tokens: one for the page's path and one for the whole site. The serving
events (``insights.serving.events``) replace a token to forget every entry under it, so
nothing is ever served after the change that made it stale, on any process sharing the
cache. Tokens are read before the page is routed: a render that began before a change is
stored under the old token, where no one will read it.

What is stored: 200 responses of pages whose class sets ``cache_for_anonymous_readers``,
without a view restriction, not previews, setting no cookie. Signed-in editors, anyone
with a session, and every other method go through Wagtail untouched.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

KEY_PREFIX = "serving:page"
SITE_GENERATION_KEY = "serving:generation:site"
# Long queries are not worth a cache entry (and would let anyone fill the cache).
MAX_QUERY_LENGTH = 200
# Cookies that mean "this reader may see something personal".
PERSONAL_COOKIES = ("messages",)


def path_token_key(path: str) -> str:
    return f"serving:generation:path:{hashlib.md5(path.encode()).hexdigest()}"  # noqa: S324


def _new_token() -> str:
    return secrets.token_hex(8)


def forget_paths(paths) -> None:
    """Forget every cached response for PATHS (site-relative, e.g. ``/insights/x/``)."""
    paths = set(paths)
    if paths:
        # New tokens rather than deletions: a missing token means "never cached".
        cache.set_many({path_token_key(p): _new_token() for p in paths}, timeout=None)


def forget_everything() -> None:
    """Forget every cached page (site settings or the site's address changed)."""
    cache.set(SITE_GENERATION_KEY, _new_token(), timeout=None)


def is_cacheable_request(request) -> bool:
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.path.startswith("/api/"):  # no page there: the API cache answers
        return False
    if getattr(request, "is_dummy", False):  # Wagtail's preview requests
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or any(c in cookies for c in PERSONAL_COOKIES):
        return False
    return len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH


def _entry_key(request, tokens) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.md5(where.encode()).hexdigest()  # noqa: S324 (a key, not a secret)
    return f"{KEY_PREFIX}:{tokens[0]}:{tokens[1]}:{digest}"


def mark_cacheable(page, request) -> None:
    """Wagtail's ``before_serve_page`` hook: PAGE may be stored for this request.

    Makes sure both tokens exist (a path seen for the first time has none).
    """
    if not getattr(request, "_serving_lookup", False):
        return
    if not getattr(page, "cache_for_anonymous_readers", False):
        return
    if getattr(request, "is_preview", False) or not page.live:
        return
    if page.get_view_restrictions().exists():
        return
    site_token, path_token = request._serving_tokens
    if site_token is None:
        cache.add(SITE_GENERATION_KEY, _new_token(), timeout=None)
        site_token = cache.get(SITE_GENERATION_KEY)
    if path_token is None:
        key = path_token_key(request.path)
        cache.add(key, _new_token(), timeout=None)
        path_token = cache.get(key)
    if site_token and path_token:
        request._serving_store_under = (site_token, path_token)


def _stored(response) -> tuple:
    return (response.status_code, list(response.items()), response.content)


def _response(stored) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response


class AnonymousPageCacheMiddleware:
    """Answer anonymous readers from the page cache; store what Wagtail rendered for them.

    Place it right after the security and static-file middleware: a hit skips sessions,
    authentication and routing; what is stored carries the headers the inner middleware
    set (content security policy, frame options).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        path_key = path_token_key(request.path)
        found = cache.get_many([SITE_GENERATION_KEY, path_key])
        tokens = (found.get(SITE_GENERATION_KEY), found.get(path_key))
        if None not in tokens:
            stored = cache.get(_entry_key(request, tokens))
            if stored is not None:
                return _response(stored)
        request._serving_lookup = True
        request._serving_tokens = tokens
        response = self.get_response(request)
        store_under = getattr(request, "_serving_store_under", None)
        if store_under is not None and self._storable(request, response):
            cache.set(
                _entry_key(request, store_under), _stored(response), settings.PAGE_CACHE_SECONDS
            )
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _storable(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "")
        return "private" not in cache_control and "no-store" not in cache_control
