"""Cached fragments of the public explainer page.

The expensive part of an explainer page (head metadata, the article with its body blocks,
the people boxes) is rendered once and cached in Django's cache under a key derived from
what it shows: the live revision, the people, the cited trials' registry rows, the topics,
the previous/next explainers and the site's URLs. Those inputs are read in ONE query per
request (``dependency_stamp``), so an edit anywhere shows at once, on every process and
host, with nothing to invalidate. The page shell (``base.html``: title, navigation, user
bar) is rendered on every request; this is a fragment cache, not a page cache.
Previews are never cached.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Page, PageViewRestriction, Site

from people.models import Person
from trials.models import Trial

# Bump when the fragment templates change shape, so old fragments are never served.
FRAGMENT_VERSION = 3
FRAGMENT_SECONDS = 24 * 60 * 60


# Identifiers come from model metadata; every value is a query parameter.
STAMP_SQL = """
SELECT 'people', CAST(COUNT(*) AS TEXT), CAST(MAX(updated_at) AS TEXT) FROM {person}
UNION ALL
SELECT 'trials', CAST(COUNT(*) AS TEXT),
       CAST(MAX(last_changed) AS TEXT) || '|' || CAST(SUM(id) AS TEXT)
  FROM {trial} WHERE nct_id IN (SELECT nct_id FROM {citation} WHERE page_id = %s)
UNION ALL
SELECT 'topics', CAST(COUNT(*) AS TEXT), CAST(SUM(tag_id) AS TEXT)
  FROM {topic} WHERE content_object_id = %s
UNION ALL
SELECT 'restricted', CAST(COUNT(*) AS TEXT), ''
  FROM {restriction} r JOIN {page} a ON a.id = r.page_id WHERE %s LIKE a.path || '%%'
UNION ALL
SELECT * FROM (
  SELECT 'prev', CAST(p.id AS TEXT), p.title || '|' || p.url_path
    FROM {page} p JOIN {explainer} e ON e.page_ptr_id = p.id
   WHERE p.path LIKE %s AND p.depth = %s AND p.live AND p.path < %s
     AND NOT EXISTS (SELECT 1 FROM {restriction} r WHERE r.page_id = p.id)
   ORDER BY p.path DESC LIMIT 1) AS prev_row
UNION ALL
SELECT * FROM (
  SELECT 'next', CAST(p.id AS TEXT), p.title || '|' || p.url_path
    FROM {page} p JOIN {explainer} e ON e.page_ptr_id = p.id
   WHERE p.path LIKE %s AND p.depth = %s AND p.live AND p.path > %s
     AND NOT EXISTS (SELECT 1 FROM {restriction} r WHERE r.page_id = p.id)
   ORDER BY p.path ASC LIMIT 1) AS next_row
"""


def _stamp_sql() -> str:
    from insights.models import ExplainerPage, ExplainerPageTopic, ExplainerTrialCitation

    return STAMP_SQL.format(
        person=Person._meta.db_table,
        trial=Trial._meta.db_table,
        citation=ExplainerTrialCitation._meta.db_table,
        topic=ExplainerPageTopic._meta.db_table,
        restriction=PageViewRestriction._meta.db_table,
        page=Page._meta.db_table,
        explainer=ExplainerPage._meta.db_table,
    )


def dependency_stamp(page) -> dict[str, tuple[str, str]]:
    """Everything the cached fragments of PAGE depend on, read in one query.

    Returns {kind: (ref, marker)} for people, trials, topics, restricted (count of view
    restrictions on the page or its ancestors), prev and next.
    """
    parent_path = page.path[: -Page.steplen]
    params = [
        page.pk,
        page.pk,
        page.path,
        parent_path + "%",
        page.depth,
        page.path,
        parent_path + "%",
        page.depth,
        page.path,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(), params)
        rows = cursor.fetchall()
    return {kind: (ref or "", marker or "") for kind, ref, marker in rows}


def fragment_key(page, stamp) -> str:
    parts = [
        FRAGMENT_VERSION,
        page.pk,
        page.live_revision_id,
        page.last_published_at.isoformat() if page.last_published_at else "",
        page.url_path,
        settings.REVIEW_INTERVAL_DAYS,
        sorted(stamp.items()),
        # Absolute URLs (canonical, Open Graph, JSON-LD) follow the sites' configuration.
        [tuple(root) for root in Site.get_site_root_paths()],
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"insights:explainer:{page.pk}:{digest}"


def is_cacheable(page, request) -> bool:
    return (
        not getattr(request, "is_preview", False)
        and page.live
        and page.live_revision_id is not None
    )


def render_fragments(page, request) -> dict:
    """Render the head and main fragments of PAGE from its full context (the slow path)."""
    context = page.explainer_context(request)
    return {
        "title": page.seo_title or page.title,
        "description": context["meta_description"],
        "canonical": page.full_url,
        "head": render_to_string("insights/includes/explainer_head.html", context, request),
        "main": render_to_string("insights/includes/explainer_main.html", context, request),
    }


def explainer_fragments(page, request, stamp=None) -> dict:
    """The page's fragments, from the cache when its inputs are unchanged."""
    if not is_cacheable(page, request):
        fragments = render_fragments(page, request)
    else:
        stamp = stamp if stamp is not None else dependency_stamp(page)
        key = fragment_key(page, stamp)
        fragments = cache.get(key)
        if fragments is None:
            fragments = render_fragments(page, request)
            cache.set(key, fragments, FRAGMENT_SECONDS)
    return {
        name: mark_safe(value) if name in ("head", "main") else value  # noqa: S308
        for name, value in fragments.items()
    }


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


def insights_index_url(request) -> str | None:
    from insights.models import InsightsIndexPage

    index_page = InsightsIndexPage.objects.live().order_by("path").first()
    return index_page.get_url(request) if index_page else None
