"""Rendering helpers of the public explainer page.

The body fragment is cached in Django's cache under a key made of the page, its live
revision and the registry rows it shows, so a new publication or a trial update
renders afresh and nothing needs invalidating (safe across processes and hosts with a
shared cache). Previews and drafts are never cached.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

BODY_CACHE_SECONDS = 24 * 60 * 60
BODY_CACHE_VERSION = 1


def _trials_fingerprint(context) -> str:
    trials = context.get("trials_by_nct") or {}
    parts = sorted(
        f"{nct_id}:{getattr(trial, 'last_changed', '')}:{getattr(trial, 'pk', '')}"
        for nct_id, trial in trials.items()
    )
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def body_cache_key(page, context, part: str) -> str | None:
    """Cache key of PAGE's body fragment, or None when it must not be cached."""
    request = context.get("request")
    if getattr(request, "is_preview", False) or not page.live or not page.live_revision_id:
        return None
    published = page.last_published_at.timestamp() if page.last_published_at else ""
    return (
        f"insights:body:v{BODY_CACHE_VERSION}:{page.pk}:{page.live_revision_id}:{published}:"
        f"{part}:{_trials_fingerprint(context)}"
    )


def render_blocks(page, context, exclude=(), only=None) -> str:
    flat = context.flatten() if hasattr(context, "flatten") else dict(context)
    blocks = [
        block
        for block in page.body
        if block.block_type not in exclude and (only is None or block.block_type in only)
    ]
    return render_to_string("insights/includes/body_blocks.html", {**flat, "blocks": blocks})


def body_html(page, context, exclude=(), only=None) -> str:
    part = "only-" + "-".join(only) if only else "without-" + "-".join(exclude)
    key = body_cache_key(page, context, part)
    if key is not None:
        html = cache.get(key)
        if html is not None:
            return mark_safe(html)  # noqa: S308 (our own rendered template output)
    html = render_blocks(page, context, exclude=exclude, only=only)
    if key is not None:
        cache.set(key, str(html), BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308


def insights_index_url(request) -> str | None:
    from insights.models import InsightsIndexPage

    index_page = InsightsIndexPage.objects.live().order_by("path").first()
    return index_page.get_url(request) if index_page else None
