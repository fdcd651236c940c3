"""The writer's warning on saving an explainer that cites NCT IDs the registry sync lacks.

Stage 3 would refuse them anyway; saying so at every save, with the way to fix it (the
registry panel's "Refresh from registry"), spares the writer a round trip through review.
"""

from __future__ import annotations

from django.utils.html import format_html
from wagtail.admin import messages

from insights.review.screen.views import review_url
from trials.models import trials_by_nct_id


def unsynced_nct_ids(page) -> list[str]:
    """Cited NCT IDs of PAGE (a revision's object) that no synced trial answers to."""
    cited = [c.nct_id for c in page.trial_citations.all() if c.nct_id]
    known = trials_by_nct_id(set(cited))
    return [nct_id for nct_id in dict.fromkeys(cited) if nct_id not in known]


def warn_about_unsynced_trials(request, page):
    """``after_create_page`` / ``after_edit_page`` hook: warn the writer, offer the refresh."""
    from insights.models import ExplainerPage

    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return None  # autosave and other scripted saves: nobody reads the message
    if not isinstance(page.specific_deferred, ExplainerPage):
        return None
    draft = page.specific.get_latest_revision_as_object()
    missing = unsynced_nct_ids(draft)
    if missing:
        messages.warning(
            request,
            format_html(
                "Not among the synced trials: {}. The registry sync has never fetched "
                "{}, so registry verification (stage 3) would refuse {}. Check the "
                "{}, or refresh {} from the registry.",
                ", ".join(missing),
                "it" if len(missing) == 1 else "them",
                "it" if len(missing) == 1 else "them",
                "ID" if len(missing) == 1 else "IDs",
                "it" if len(missing) == 1 else "them",
            ),
            buttons=[messages.button(review_url(page.pk) + "#registry", "Refresh from registry")],
        )
    return None
