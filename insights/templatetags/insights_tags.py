"""Template tags of the public site: JSON-LD, explainer body fragments, the nav link."""

import json

from django import template
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from insights import fragments

register = template.Library()

# Same escapes as Django's json_script: the JSON cannot close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """A ``<script type="application/ld+json">`` data block with DATA, escaped for HTML."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def explainer_body(context, page) -> str:
    """The body blocks of PAGE except disclaimers (the disclaimer comes after the summary)."""
    return fragments.render_blocks(page, context, exclude=("disclaimer",))


@register.simple_tag(takes_context=True)
def explainer_disclaimers(context, page) -> str:
    return fragments.render_blocks(page, context, only=("disclaimer",))


@register.simple_tag(takes_context=True)
def insights_index_url(context) -> str:
    """URL of the explainers index (cached briefly: it is in every page's navigation)."""
    request = context.get("request")
    site_id = getattr(getattr(request, "site", None), "pk", "default")
    key = f"insights:index-url:{site_id}"
    url = cache.get(key)
    if url is None:
        url = fragments.insights_index_url(request) or ""
        cache.set(key, url, 300)
    return url
