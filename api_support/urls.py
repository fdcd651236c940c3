"""Absolute URLs of API v3 objects, cheaply (a list of 50 explainers links ~1,500 objects)."""

from django.urls import get_script_prefix, reverse
from wagtail.api.utils import get_full_url

_PK_PLACEHOLDER = 8_675_309_042
_templates: dict[tuple[str, str], tuple[str, str]] = {}


def detail_url(request, url_name: str, pk) -> str | None:
    """The absolute URL of object PK at the v3 route URL_NAME (e.g. ``people_detail``)."""
    if pk is None:
        return None
    key = (url_name, get_script_prefix())
    if key not in _templates:
        path = reverse(f"wagtailapi_v3:{url_name}", args=[_PK_PLACEHOLDER])
        _templates[key] = tuple(path.split(str(_PK_PLACEHOLDER)))
    before, after = _templates[key]
    return get_full_url(request, f"{before}{pk}{after}")
