"""Helpers of the issue 10 tests (test_review_integrity_*.py): pages in known states."""

from django.core.files.base import ContentFile
from wagtail.models import PageLogEntry, TaskState

from insights.models import CompletedReview
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, approved_states, make_explainer, reload


def snapshot(page):
    """What a refused decision must leave as it was."""
    page = reload(page)
    return (
        page.live,
        page.latest_revision_id,
        list(
            TaskState.objects.filter(revision__object_id=str(page.pk))
            .order_by("pk")
            .values_list("pk", "status", "revision_id")
        ),
    )


def reviewed_page(team, title="CAR-T cell therapy"):
    page = make_explainer(team["writer"], title=title)
    advance_to_stage(page, 4, team)
    page = reload(page)
    assert page.live and CompletedReview.objects.filter(page=page, is_current=True).exists()
    return page


def make_imported_explainer(author, title="Imported explainer"):
    """A draft made outside the admin form (as the demo and imports do): rich text without
    the editor's block keys, so the edit form round-trips it differently."""
    from insights.models import (
        ExplainerPage,
        ExplainerPageAuthor,
        ExplainerTrialCitation,
        InsightsIndexPage,
    )

    index = InsightsIndexPage.objects.get(slug="insights")
    page = ExplainerPage(
        title=title,
        slug="imported-explainer",
        subtitle="Made by a script",
        owner=author,
        live=False,
        body=[
            {"type": "paragraph", "value": f"<p>Imported words. See {review_support.NCT}.</p>"},
            {"type": "disclaimer", "value": {"kind": "medical", "extra": ""}},
        ],
        summary="<p>Short version.</p>",
    )
    page.authors = [ExplainerPageAuthor(person=Person.objects.get(user=author))]
    page.trial_citations = [
        ExplainerTrialCitation(
            nct_id=review_support.NCT, stated_status="RECRUITING", stated_phase="PHASE2"
        )
    ]
    index.add_child(instance=page)
    page.save_revision(user=author)
    return reload(page)


def review_history(page):
    return (
        reload(page).latest_revision_id,
        list(approved_states(page).order_by("pk").values_list("pk", "revision_id")),
        PageLogEntry.objects.filter(page=page, action="insights.review.restart").count(),
    )


def live_page_with_media(team):
    from tests.api.factories import DocumentFactory, ImageFactory

    image = ImageFactory(description="A CAR-T cell")
    document = DocumentFactory(
        file=ContentFile(b"Dose: 1 mg/kg", name="dosing.txt"), title="Dosing leaflet"
    )
    page = make_explainer(team["writer"])
    draft = reload(page)
    draft.hero_image = image
    draft.summary = f'<p>Dosing: <a linktype="document" id="{document.pk}">leaflet</a>.</p>'
    draft.save()
    draft.save_revision(user=team["writer"])
    advance_to_stage(page, 4, team)
    return reload(page), image, document
