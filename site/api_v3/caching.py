"""API v3's public reads cached like v2's (``insights.serving.api_cache``).

The content endpoints (explainers, people, trials and Wagtail's pages, images and
documents: what the serving events cover) store anonymous ``200`` responses until the
next serving event, with an ETag from the event's generation and ``304`` on a matching
``If-None-Match``, answered before any rendering. Never stored nor served from the
cache: requests with an ``Authorization`` header (tokens: drafts and whatever their
user may see, answered ``private, no-store``), responses a view marked private
(previews, drafts), errors (``no-store``) and other methods. Endpoints whose data no
serving event covers (redirects, snippets, sites, schema) are not cached at all.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.utils.urlpatterns import decorate_urlpatterns

from insights.serving import api_cache

# URL prefixes (under /api/v3/) of the endpoints the serving events keep true.
CACHED_ENDPOINTS = ("explainers/", "people/", "trials/", "pages/", "images/", "documents/")


def with_cache_headers(request, response, etag):
    """Cache-Control (and the ETag, for a public 200) of one v3 response."""
    patch_vary_headers(response, ["Accept"])  # as v2: the ETag and cache key include it
    if response.has_header("Cache-Control"):  # the view's own (private drafts, previews)
        return response
    if "HTTP_AUTHORIZATION" in request.META:
        patch_cache_control(response, private=True, no_store=True)
    elif response.status_code != 200 or request.method not in ("GET", "HEAD"):
        patch_cache_control(response, no_store=True)
    else:
        api_cache.public_cache_headers(response)
        if etag is not None:
            response["ETag"] = etag
    return response


def cached(view):
    """VIEW (one of ninja's path views) answered through the API cache."""

    def cached_view(request, *args, **kwargs):
        def render(etag):
            return with_cache_headers(request, view(request, *args, **kwargs), etag)

        return api_cache.serve(request, render)

    return cached_view


def cached_urls(api):
    """API's ``urls`` with its content endpoints answered through the API cache."""
    patterns, app_name, namespace = api.urls
    content = [p for p in patterns if str(p.pattern).startswith(CACHED_ENDPOINTS)]
    decorate_urlpatterns(content, cached)
    return patterns, app_name, namespace
