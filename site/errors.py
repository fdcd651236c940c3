"""What the site answers when a request fails on the server's side.

Django calls ``server_error`` (``handler500``) for any exception a view or a middleware
did not handle. Two causes are not bugs and get their own status: the database being
unreachable (503, try again later) and a full disk (507, nothing was saved). The API
always answers JSON, like its other errors; the rest of the site answers HTML.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import patch_cache_control

from .storage import DiskFullError

DATABASE_UNAVAILABLE = "The service is temporarily unavailable (database). Please retry shortly."
SERVER_ERROR = "Internal server error."
RETRY_AFTER_SECONDS = 30


def _classify(exc) -> tuple[int, str]:
    if isinstance(exc, OperationalError | InterfaceError):
        return 503, DATABASE_UNAVAILABLE
    if isinstance(exc, DiskFullError):
        return 507, DiskFullError.MESSAGE
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return 507, DiskFullError.MESSAGE
    return 500, SERVER_ERROR


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or (
        "application/json" in request.headers.get("Accept", "")
        and request.path.startswith("/admin/")
    )


def server_error(request):
    """handler500: JSON under /api/, HTML elsewhere; 503 and 507 for their causes."""
    status, message = _classify(sys.exc_info()[1])
    if _wants_json(request):
        response = JsonResponse({"message": message}, status=status)
    elif status == 500:
        response = HttpResponse(loader.render_to_string("500.html"), status=500)
    else:
        response = HttpResponse(
            loader.render_to_string("unavailable.html", {"message": message}), status=status
        )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response
