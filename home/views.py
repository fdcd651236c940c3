"""Views of the site root that are not Wagtail pages."""

from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import health_report


def _is_staff(request) -> bool:
    # The session lives in the database, which may be the very thing that is down.
    try:
        return request.user.is_active and request.user.is_staff
    except DatabaseError:
        return False


@never_cache
@require_safe
def healthz(request):
    """200 ``{"status": "ok"}`` when all is well, else 503 ``degraded`` or ``unavailable``.

    Staff signed in to the admin also get the detail (database error, pending migrations,
    last worker heartbeat); anyone else gets the status alone.
    """
    status, report = health_report()
    body = report if _is_staff(request) else {"status": status}
    return JsonResponse(body, status=200 if status == "ok" else 503)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /django-admin/",
        "Disallow: /api/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
