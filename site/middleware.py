"""Security headers Django 5.2 does not set by itself."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


class ContentSecurityPolicyMiddleware:
    """Add a Content-Security-Policy header; the admin gets its own, looser policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = settings.CONTENT_SECURITY_POLICY
        self.admin_policy = settings.CONTENT_SECURITY_POLICY_ADMIN
        # Wagtail renders previews through a dummy request to the page's public URL; the
        # admin frames them (preview panel, review screen), so only they may be framed.
        self.preview_policy = self.public_policy.replace(
            "frame-ancestors 'none'", "frame-ancestors 'self'"
        )

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(("/admin/", "/django-admin/"))
            if getattr(request, "is_preview", False):
                policy = self.preview_policy
                response.setdefault("X-Frame-Options", "SAMEORIGIN")
            else:
                policy = self.admin_policy if admin else self.public_policy
            response["Content-Security-Policy"] = policy
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


class PublicCacheControlMiddleware:
    """``Cache-Control`` on public pages: shared caches may keep an anonymous reader's
    page for a few minutes; anything personal is ``private, no-cache``.

    Personal means: the request carries a session (a signed-in editor), the response sets
    a cookie, or the page holds a CSRF token (a form). Responses that already say how to
    cache (the API, /healthz, errors) are left alone, as are the admin and the API.
    """

    SKIPPED_PREFIXES = ("/admin/", "/django-admin/", "/api/", "/documents/")

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_age = settings.PUBLIC_PAGE_MAX_AGE

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.has_header("Cache-Control")
            or request.path.startswith(self.SKIPPED_PREFIXES)
        ):
            return response
        personal = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or bool(response.cookies)
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
        )
        if personal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=self.max_age)
        patch_vary_headers(response, ["Cookie"])
        return response


class RejectNulBytesMiddleware:
    """Answer 400 to query strings or form fields containing NUL characters; ignore
    cookies containing one.

    PostgreSQL text cannot hold NUL (0x00), so such a value reaching a filter, a search
    or a session lookup would end as a 500; no legitimate request carries one. The site
    never sets such a cookie, so it is dropped (the request goes on as if it were
    absent) rather than refused: a visitor is not locked out by a cookie they cannot see.
    """

    MESSAGE = "Request parameters must not contain null characters (NUL, 0x00)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad_cookies = [name for name, value in request.COOKIES.items() if "\x00" in name + value]
        for name in bad_cookies:
            del request.COOKIES[name]
        if self._has_nul(request):
            if request.path.startswith("/api/v3/"):
                # v3 errors are RFC 7807 problem details, as its OpenAPI document says.
                from wagtail.api.v3.errors import problem_response

                return problem_response(status=400, detail=self.MESSAGE)
            if request.path.startswith("/api/"):
                return JsonResponse({"message": self.MESSAGE}, status=400)
            return HttpResponseBadRequest(self.MESSAGE, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        params = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            params.append(request.POST)
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for query in params
            for key, values in query.lists()
        )
