"""Wagtail hooks of the insights app (Wagtail imports this module by name)."""

from insights.api import wagtail_hooks  # noqa: F401  (headless API: link handlers, preview)
