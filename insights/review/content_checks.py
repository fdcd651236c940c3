"""Wagtail's accessibility checker (the editor's "Checks" panel and the userbar) on explainers.

The same configuration reaches both places Wagtail runs axe: the editor's Checks panel
(``ChecksSidePanel``) and the preview's userbar, through ``construct_wagtail_userbar``.
"""

from wagtail.admin.userbar import ContentCheckerItem

# Wagtail's rules, plus what a writer can get wrong through the body's rich text and
# images: missing alt text, malformed lists.
EXPLAINER_AXE_RULES = [
    *ContentCheckerItem.axe_run_only,
    "image-alt",
    "list",
    "listitem",
]


class ExplainerContentChecker(ContentCheckerItem):
    """Axe on the whole rendered page (``body``), so the explainer's own body blocks,
    title and summary are checked; only Wagtail's userbar is left out."""

    axe_include = ["body"]
    axe_run_only = EXPLAINER_AXE_RULES
    axe_messages = {
        **ContentCheckerItem.axe_messages,
        "image-alt": {
            "error_name": "Image without alt text",
            "help_text": "Describe the image for readers who cannot see it",
        },
        "list": {
            "error_name": "Malformed list",
            "help_text": "Use the list buttons of the editor",
        },
        "listitem": {
            "error_name": "List item outside a list",
            "help_text": "Use the list buttons of the editor",
        },
    }


def use_explainer_checker(request, items, page):
    """``construct_wagtail_userbar`` hook: explainers get ``ExplainerContentChecker``."""
    from insights.models import ExplainerPage

    if not isinstance(page, ExplainerPage):
        return
    for position, item in enumerate(items):
        if isinstance(item, ContentCheckerItem) and not isinstance(item, ExplainerContentChecker):
            items[position] = ExplainerContentChecker(in_editor=item.in_editor)
