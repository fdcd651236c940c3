"""Wagtail hooks of the insights app (Wagtail imports this module by name)."""

from wagtail import hooks

from insights.api import wagtail_hooks  # noqa: F401  (headless API: link handlers, preview)
from insights.serving import page_cache


@hooks.register("before_serve_page")
def allow_page_cache(page, request, serve_args, serve_kwargs):
    """Anonymous readers' responses of cacheable pages may be stored (insights/serving)."""
    page_cache.mark_cacheable(page, request)
