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
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Page, PageViewRestriction, Site

from people.models import Person
from trials.models import Trial

# Bump when the fragment templates change shape, so old fragments are never served.
FRAGMENT_VERSION = 5
FRAGMENT_SECONDS = 24 * 60 * 60


# Fields read when a page's fragments come from the cache (the short route loads only these).
SHELL_FIELDS = (
    "id",
    "path",
    "depth",
    "url_path",
    "slug",
    "title",
    "live",
    "live_revision_id",
    "last_published_at",
    "locale_id",
    "content_type_id",
)
STAMP_KINDS = ("people", "trials", "topics", "restricted", "prev", "next")

# One row: the page's shell fields plus, as correlated subqueries, everything its cached
# fragments depend on. Identifiers come from model metadata; values are query parameters.
PAGE_WITH_STAMP_SQL = """
SELECT e.page_ptr_id, {columns},
  (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(CAST(MAX(pp.updated_at) AS TEXT), '')
     FROM {person} pp) AS stamp_people,
  (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(CAST(MAX(t.last_changed) AS TEXT), '')
          || '|' || COALESCE(CAST(SUM(t.id) AS TEXT), '')
     FROM {trial} t
    WHERE t.nct_id IN (SELECT c.nct_id FROM {citation} c WHERE c.page_id = p.id)
  ) AS stamp_trials,
  (SELECT CAST(COUNT(*) AS TEXT) || '|' || COALESCE(CAST(SUM(g.tag_id) AS TEXT), '')
     FROM {topic} g WHERE g.content_object_id = p.id) AS stamp_topics,
  (SELECT CAST(COUNT(*) AS TEXT) FROM {restriction} r JOIN {page} a ON a.id = r.page_id
    WHERE p.path LIKE a.path || '%%') AS stamp_restricted,
  (SELECT CAST(x.id AS TEXT) || '|' || x.title || '|' || x.url_path
     FROM {page} x JOIN {explainer} xe ON xe.page_ptr_id = x.id
    WHERE x.path LIKE SUBSTR(p.path, 1, LENGTH(p.path) - {steplen}) || '%%'
      AND x.depth = p.depth AND x.live AND x.path < p.path
      AND NOT EXISTS (SELECT 1 FROM {restriction} rx WHERE rx.page_id = x.id)
    ORDER BY x.path DESC LIMIT 1) AS stamp_prev,
  (SELECT CAST(x.id AS TEXT) || '|' || x.title || '|' || x.url_path
     FROM {page} x JOIN {explainer} xe ON xe.page_ptr_id = x.id
    WHERE x.path LIKE SUBSTR(p.path, 1, LENGTH(p.path) - {steplen}) || '%%'
      AND x.depth = p.depth AND x.live AND x.path > p.path
      AND NOT EXISTS (SELECT 1 FROM {restriction} rx WHERE rx.page_id = x.id)
    ORDER BY x.path ASC LIMIT 1) AS stamp_next
FROM {page} p JOIN {explainer} e ON e.page_ptr_id = p.id
WHERE {where}
"""


def _page_with_stamp_sql(where: str) -> str:
    from insights.models import ExplainerPage, ExplainerPageTopic, ExplainerTrialCitation

    return PAGE_WITH_STAMP_SQL.format(
        columns=", ".join(f"p.{name}" for name in SHELL_FIELDS),
        person=Person._meta.db_table,
        trial=Trial._meta.db_table,
        citation=ExplainerTrialCitation._meta.db_table,
        topic=ExplainerPageTopic._meta.db_table,
        restriction=PageViewRestriction._meta.db_table,
        page=Page._meta.db_table,
        explainer=ExplainerPage._meta.db_table,
        steplen=int(Page.steplen),
        where=where,
    )


def live_explainer_with_stamp(url_path: str):
    """The live explainer at URL_PATH (shell fields only) with its stamp, in ONE query."""
    from insights.models import ExplainerPage

    sql = _page_with_stamp_sql("p.url_path = %s AND p.live")
    return next(iter(ExplainerPage.objects.raw(sql, [url_path])), None)


def dependency_stamp(page) -> dict[str, str]:
    """Everything the cached fragments of PAGE depend on (one query unless already loaded).

    {kind: marker} for people (count, last update), trials (the cited trials' count, last
    change, ids), topics, restricted (view restrictions on the page or its ancestors),
    prev and next (the neighbouring explainers' id, title and URL path).
    """
    source = page
    if not hasattr(page, "stamp_people"):
        from insights.models import ExplainerPage

        sql = _page_with_stamp_sql("p.id = %s")
        source = next(iter(ExplainerPage.objects.raw(sql, [page.pk])), None)
        if source is None:  # not saved (or deleted meanwhile): nothing to depend on
            return {kind: "" for kind in STAMP_KINDS}
    return {kind: getattr(source, f"stamp_{kind}") or "" for kind in STAMP_KINDS}


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
        and not getattr(page, "_built_from_revision", False)
        and page.live
        and page.live_revision_id is not None
    )


def render_fragments(page, request) -> dict:
    """Render the head and main fragments of PAGE from its full context (the slow path)."""
    if page.get_deferred_fields():
        # Served from a partial row (the short route): load the whole page once.
        page = type(page).objects.get(pk=page.pk)
    context = page.explainer_context(request)
    return {
        "title": page.seo_title or page.title,
        "description": context["meta_description"],
        "canonical": page.full_url,
        "head": render_to_string("insights/includes/explainer_head.html", context, request),
        "main": render_to_string("insights/includes/explainer_main.html", context, request),
    }


def explainer_fragments(page, request) -> dict:
    """The page's fragments, from the cache when its inputs are unchanged."""
    if not is_cacheable(page, request):
        fragments = render_fragments(page, request)
    else:
        stamp = dependency_stamp(page)
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
