"""The headless API at /api/v2/: Wagtail's API v2 router with the apps' endpoints.

Each app owns its endpoint in its own ``api.py``; this module wires them together and
adds what every public endpoint shares (see ``public_endpoint`` and ``PublicAPIRouter``):

- anonymous only: no session or basic authentication, so a response never depends on
  who is logged in to the admin and a CDN may cache it;
- per-client rate limits (``API_RATE_LIMIT``, shared with v3: ``site/api_v3/limits.py``);
- bounded pagination: ``limit`` up to ``WAGTAILAPI_LIMIT_MAX``, ``offset`` up to
  ``API_MAX_OFFSET`` (a huge offset is a 400, not a database overflow);
- ``Cache-Control`` and an ``ETag`` on successful reads, 304 on a matching
  ``If-None-Match``; ``no-store`` on errors; responses cached until a serving event
  (``insights.serving.api_cache``: the ETag comes from the events, not the body);
- a JSON 404 for unknown paths under /api/v2/, a 400 for an unknown ``search_operator``
  or a ``search`` of blanks only (the SQLite search backend cannot take it);
- JSON errors, not HTML, when the server fails (``site.errors``: 503 when the database
  is unreachable).
"""

import hashlib

from django.conf import settings
from django.http import JsonResponse
from django.urls import get_script_prefix, re_path
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from rest_framework.permissions import AllowAny
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from insights.api import PagesAPIViewSet
from insights.api.links import restricted_collection_ids
from insights.serving import api_cache
from people.api import PeopleAPIViewSet
from site.api_v3.limits import AnonymousRateLimitV2
from trials.api import TrialsAPIViewSet


class BoundedPagination(WagtailPagination):
    """Wagtail's limit/offset pagination with an upper bound on ``offset`` too."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.GET.get("offset", "0")
        if raw.isascii() and raw.isdigit() and int(raw) > settings.API_MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {settings.API_MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class PublicEndpointMixin:
    """What every public endpoint shares: anonymous, bounded, strict about ``find/?id=``."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Per-client limit on anonymous requests, shared with v3 (429 with Retry-After).
    throttle_classes = (AnonymousRateLimitV2,)
    pagination_class = BoundedPagination

    def get_renderer_context(self):
        # Wagtail pretty-prints (indent=4), which also forces Python's slow pure-Python
        # JSON encoder; compact JSON is several times faster and smaller. Clients can
        # still ask for "Accept: application/json; indent=2".
        context = super().get_renderer_context()
        context["indent"] = None
        return context

    def check_query_parameters(self, queryset):
        # Wagtail passes search_operator to the search backend unchecked (a ValueError).
        operator = self.request.GET.get("search_operator")
        if operator is not None and operator not in ("and", "or"):
            raise BadRequestError("search_operator: expected 'and' or 'or'")
        if any(issubclass(backend, SearchFilter) for backend in self.filter_backends):
            check_search_terms(self.request.GET.get("search"))
        super().check_query_parameters(queryset)

    def find_object(self, queryset, request):
        raw = request.GET.get("id")
        if raw is not None and not (raw.isascii() and raw.isdigit()):
            raise BadRequestError("id: expected a positive integer")
        return super().find_object(queryset, request)


def check_search_terms(search: str | None) -> None:
    """Wagtail's search filter hands ``search`` to the search backend as it comes, and a
    query of blanks only fails the SQLite backend. (A null character never gets here:
    ``site.middleware.RejectNulBytesMiddleware`` refuses it for every parameter.)"""
    if search and not search.strip():
        raise BadRequestError("search: expected at least one word")


def public_endpoint(viewset):
    """VIEWSET as a public endpoint (see PublicEndpointMixin)."""
    attrs = {"__doc__": viewset.__doc__, "__module__": viewset.__module__}
    return type(viewset.__name__, (PublicEndpointMixin, viewset), attrs)


def with_cache_headers(request, response, etag=None):
    """Cache-Control, ETag and conditional GET for one API response.

    ETAG, when given, comes from the serving events' generation (insights/serving/
    api_cache.py); without one it is hashed from the body.
    """
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    # The browsable API and JSON share URLs: caches must key on Accept.
    patch_vary_headers(response, ["Accept"])
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
    if not response.has_header("Cache-Control"):
        api_cache.public_cache_headers(response)
    if "no-store" in response["Cache-Control"]:
        return response
    if etag is None:
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response)


class PublicImagesAPIViewSet(ImagesAPIViewSet):
    """Wagtail's images endpoint, without images of private collections (for anyone)."""

    def get_queryset(self):
        return self.model.objects.exclude(collection__in=restricted_collection_ids()).order_by("id")


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Wagtail's documents endpoint, without documents of private collections (for anyone)."""

    def get_queryset(self):
        return self.model.objects.exclude(collection__in=restricted_collection_ids()).order_by("id")


class PublicAPIRouter(WagtailAPIRouter):
    """Wagtail's router; every endpoint view also gets cache headers and ETags.

    Detail URL paths are built from a per-model template instead of a ``reverse()`` per
    object: a list of 50 explainers links to some 1,500 objects (people, trials, pages).
    """

    _PK_PLACEHOLDER = 8_675_309_042

    def __init__(self, url_namespace):
        super().__init__(url_namespace)
        self._detail_path_templates = {}

    def get_object_detail_urlpath(self, model, pk):
        key = (model, get_script_prefix())
        if key not in self._detail_path_templates:
            path = super().get_object_detail_urlpath(model, self._PK_PLACEHOLDER)
            self._detail_path_templates[key] = (
                None if path is None else path.split(str(self._PK_PLACEHOLDER))
            )
        parts = self._detail_path_templates[key]
        if parts is None:
            return None
        return f"{parts[0]}{pk}{parts[1]}"

    def wrap_view(self, func):
        wrapped = super().wrap_view(func)

        # decorate_urlpatterns() copies the view's attributes (csrf_exempt...) onto this.
        def view(request, *args, **kwargs):
            def render(etag):
                return with_cache_headers(request, wrapped(request, *args, **kwargs), etag)

            # Cached until a serving event; a matching ETag skips rendering altogether.
            return api_cache.serve(request, render)

        return view

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [re_path(r"", api_not_found)]


def api_not_found(request, *args, **kwargs):
    """Unknown paths under /api/v2/ answer in JSON like the rest of the API."""
    response = JsonResponse({"message": "not found"}, status=404)
    patch_cache_control(response, no_store=True)
    return response


api_router = PublicAPIRouter("wagtailapi")
api_router.register_endpoint("pages", public_endpoint(PagesAPIViewSet))
api_router.register_endpoint("images", public_endpoint(PublicImagesAPIViewSet))
api_router.register_endpoint("documents", public_endpoint(PublicDocumentsAPIViewSet))
api_router.register_endpoint("people", public_endpoint(PeopleAPIViewSet))
api_router.register_endpoint("trials", public_endpoint(TrialsAPIViewSet))
