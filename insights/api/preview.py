"""Headless preview: a signed, expiring token lets a front-end fetch one draft revision.

Editors get a token from the page's header menu in the admin ("Headless preview") or
from ``manage.py api_preview_token PAGE_ID``; the front-end then calls
``GET /api/v2/pages/preview/?token=...`` and receives the revision exactly as the
detail view would show the page once published. The token names the page and the
revision (later edits need a new token) and expires after
``API_PREVIEW_TOKEN_MAX_AGE`` seconds. It is signed with ``SECRET_KEY`` (Django's
signing), so it cannot be forged or pointed at another revision.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from wagtail.api.utils import get_full_url
from wagtail.models import Page, Revision

SALT = "insights.api.preview"


class PreviewTokenError(Exception):
    """The token is missing, forged, expired, or its revision is gone."""


def preview_token(revision: Revision) -> str:
    """A signed token for REVISION (a page revision)."""
    return signing.dumps({"page": int(revision.object_id), "revision": revision.pk}, salt=SALT)


def page_for_preview_token(token: str) -> Page:
    """The page as of the token's revision; PreviewTokenError if the token is not valid."""
    if not token:
        raise PreviewTokenError("a preview token is required (?token=...)")
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.API_PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise PreviewTokenError("the preview token has expired; ask for a new one") from None
    except signing.BadSignature:
        raise PreviewTokenError("the preview token is not valid") from None
    revision = (
        Revision.page_revisions.filter(pk=data["revision"], object_id=str(data["page"]))
        .select_related("content_type")
        .first()
    )
    if revision is None:
        raise PreviewTokenError("the previewed revision no longer exists")
    return revision.as_object()


def preview_url(request, revision: Revision, token: str | None = None) -> str:
    """Where to preview REVISION: the front-end's preview URL, or the API's own."""
    token = token or preview_token(revision)
    if settings.HEADLESS_PREVIEW_URL:
        return settings.HEADLESS_PREVIEW_URL.replace("{token}", token)
    return get_full_url(request, reverse("wagtailapi:pages:preview") + f"?token={token}")
