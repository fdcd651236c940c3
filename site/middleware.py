"""Security headers Django 5.2 does not set by itself."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Add a Content-Security-Policy header; the admin gets its own, looser policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public_policy = settings.CONTENT_SECURITY_POLICY
        self.admin_policy = settings.CONTENT_SECURITY_POLICY_ADMIN

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(("/admin/", "/django-admin/"))
            response["Content-Security-Policy"] = self.admin_policy if admin else self.public_policy
        return response
