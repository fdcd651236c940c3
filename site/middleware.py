"""Security headers Django 5.2 does not set by itself."""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse


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
