"""Template tags of the public site: JSON-LD, explainer body fragments, the nav link."""

import json

from django import template
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()
INDEX_URL_KEY = "insights:index-url"

# Same escapes as Django's json_script: the JSON cannot close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data) -> str:
    """A ``<script type="application/ld+json">`` data block with DATA, escaped for HTML."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


def render_blocks(page, context, exclude=(), only=None) -> str:
    """Body blocks of PAGE (all but EXCLUDE, or ONLY those), rendered with CONTEXT."""
    flat = context.flatten() if hasattr(context, "flatten") else dict(context)
    blocks = [
        block
        for block in page.body
        if block.block_type not in exclude and (only is None or block.block_type in only)
    ]
    html = render_to_string("insights/includes/body_blocks.html", {**flat, "blocks": blocks})
    return mark_safe(html)  # noqa: S308 (our own template output)


@register.simple_tag(takes_context=True)
def explainer_body(context, page) -> str:
    """The body blocks of PAGE except disclaimers (the disclaimer comes after the summary)."""
    return render_blocks(page, context, exclude=("disclaimer",))


@register.simple_tag(takes_context=True)
def explainer_disclaimers(context, page) -> str:
    return render_blocks(page, context, only=("disclaimer",))


@register.simple_tag(takes_context=True)
def insights_index_url(context) -> str:
    """URL of the explainers index (cached: it is in every page's navigation; the serving
    events forget it when a page is published, moved or deleted)."""
    request = context.get("request")
    site_id = getattr(getattr(request, "site", None), "pk", "default")
    key = f"{INDEX_URL_KEY}:{site_id}"
    url = cache.get(key)
    if url is None:
        from insights.models import InsightsIndexPage

        index_page = InsightsIndexPage.objects.live().order_by("path").first()
        url = (index_page.get_url(request) if index_page else None) or ""
        cache.set(key, url, 300)
    return url
