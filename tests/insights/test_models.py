"""ExplainerPage behaviour: derived fields, citations, publishing rules, prev/next, records."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from insights.models import (
    ExplainerPage,
    ExplainerTrialCitation,
    InsightsIndexPage,
)
from insights.review_record import ReviewRecord, review_record_for
from tests.insights.factories import (
    ExplainerPageFactory,
    disclaimer_block,
    paragraph,
    steps_block,
    trial_list_block,
)
from trials.models import Trial

pytestmark = pytest.mark.django_db


def test_migration_creates_one_insights_index_under_the_home_page():
    index_page = InsightsIndexPage.objects.get()
    assert index_page.title == "Treatment explainers"
    assert index_page.slug == "insights"
    assert index_page.get_parent().specific_class.__name__ == "HomePage"
    assert index_page.live
    assert index_page.url == "/insights/"


def test_index_accepts_only_explainers_and_explainers_only_live_under_the_index():
    assert InsightsIndexPage.allowed_subpage_models() == [ExplainerPage]
    assert ExplainerPage.allowed_parent_page_models() == [InsightsIndexPage]


def test_reading_time_is_computed_from_the_body_on_save():
    words = " ".join(["word"] * 450)
    page = ExplainerPageFactory(body=[paragraph(words), disclaimer_block()])
    # 450 words (+ disclaimer label) at 200 words a minute -> 3 minutes, rounded up.
    assert page.reading_time_minutes == 3
    assert ExplainerPage.objects.get(pk=page.pk).reading_time_minutes == 3


def test_reading_time_is_at_least_one_minute():
    page = ExplainerPageFactory(body=[paragraph("Short."), disclaimer_block()])
    assert page.reading_time_minutes == 1


def test_nct_ids_in_the_body_become_citations_without_duplicates():
    page = ExplainerPageFactory(
        body=[
            paragraph("See NCT01234567 and NCT07654321, and NCT01234567 again."),
            trial_list_block("NCT07654321", "NCT01111111"),
            disclaimer_block(),
        ]
    )
    cited = list(page.trial_citations.values_list("nct_id", flat=True))
    assert cited == ["NCT01234567", "NCT07654321", "NCT01111111"]


def test_body_citations_keep_existing_stated_values_and_are_added_on_save_revision():
    page = ExplainerPageFactory(body=[paragraph("Nothing cited."), disclaimer_block()])
    draft = page.get_latest_revision_as_object()
    draft.trial_citations.add(
        ExplainerTrialCitation(
            nct_id="NCT01234567", stated_status="RECRUITING", stated_phase="PHASE2"
        )
    )
    draft.body = [
        (
            "paragraph",
            draft.body.stream_block.child_blocks["paragraph"].to_python(
                "<p>Now NCT01234567 and NCT02222222.</p>"
            ),
        )
    ]
    revision = draft.save_revision()
    in_revision = revision.as_object()
    citations = [
        (c.nct_id, c.stated_status, c.stated_phase) for c in in_revision.trial_citations.all()
    ]
    assert citations == [("NCT01234567", "RECRUITING", "PHASE2"), ("NCT02222222", "", "")]


def test_malformed_nct_id_on_a_citation_is_a_validation_error():
    citation = ExplainerTrialCitation(nct_id="NCT1234")
    with pytest.raises(ValidationError) as excinfo:
        citation.full_clean(exclude=["page"])
    assert "NCT followed by 8 digits" in str(excinfo.value)


def test_citation_trial_lookup_returns_the_row_or_none():
    page = ExplainerPageFactory(body=[paragraph("NCT01234567 NCT07654321"), disclaimer_block()])
    Trial.objects.create(nct_id="NCT01234567", brief_title="A known trial")
    citations = page.citations_with_trials()
    assert [(c.nct_id, c.trial.brief_title if c.trial else None) for c in citations] == [
        ("NCT01234567", "A known trial"),
        ("NCT07654321", None),
    ]
    single = ExplainerTrialCitation.objects.get(page=page, nct_id="NCT01234567")
    assert single.trial.brief_title == "A known trial"


def test_publishing_without_a_disclaimer_is_refused_and_nothing_goes_live():
    page = ExplainerPageFactory(body=[paragraph("No disclaimer here.")], publish=False)
    revision = page.get_latest_revision()
    with pytest.raises(ValidationError) as excinfo:
        revision.publish()
    assert "cannot be published without a disclaimer" in str(excinfo.value)
    page.refresh_from_db()
    assert not page.live
    assert page.live_revision is None


def test_a_draft_without_a_disclaimer_can_be_saved():
    page = ExplainerPageFactory(body=[paragraph("Draft.")], publish=False)
    assert not page.live
    assert page.get_latest_revision() is not None


def test_over_long_title_is_a_validation_error():
    page = ExplainerPageFactory(publish=False)
    page.title = "x" * 256
    with pytest.raises(ValidationError) as excinfo:
        page.full_clean()
    assert "title" in excinfo.value.message_dict


def test_prev_next_are_live_siblings_in_tree_order():
    first = ExplainerPageFactory(title="Alpha")
    ExplainerPageFactory(title="Beta draft", publish=False)
    middle = ExplainerPageFactory(title="Gamma")
    last = ExplainerPageFactory(title="Delta")
    assert first.previous_explainer is None
    assert first.next_explainer.pk == middle.pk  # skips the draft
    middle = ExplainerPage.objects.get(pk=middle.pk)
    assert middle.previous_explainer.pk == first.pk
    assert middle.next_explainer.pk == last.pk
    assert ExplainerPage.objects.get(pk=last.pk).next_explainer is None


def test_risks_collects_every_risk_in_order():
    page = ExplainerPageFactory()
    assert [r["name"] for r in page.risks()] == ["Cytokine release syndrome"]


def test_review_record_of_a_page_published_outside_the_review_is_empty(settings):
    # The record comes only from completed editorial reviews (tests/insights/test_review_*),
    # never from publication dates.
    settings.REVIEW_INTERVAL_DAYS = 30
    page = ExplainerPageFactory()
    page.last_published_at = timezone.make_aware(dt.datetime(2026, 3, 1, 12, 0))
    record = review_record_for(page)
    assert isinstance(record, ReviewRecord)
    assert record.last_reviewed is None
    assert record.next_review_due is None
    assert record.stages == []
    assert record.reviewers == []
    assert record.medically_reviewed_by is None


def test_review_record_of_an_unpublished_page_has_no_dates():
    page = ExplainerPageFactory(publish=False)
    record = review_record_for(page)
    assert record.last_reviewed is None
    assert record.next_review_due is None


def test_review_record_is_frozen():
    record = ReviewRecord()
    with pytest.raises(AttributeError):
        record.last_reviewed = dt.date.today()  # type: ignore[misc]


def test_steps_block_value_survives_a_round_trip():
    page = ExplainerPageFactory(body=[steps_block(5), disclaimer_block()])
    fresh = ExplainerPage.objects.get(pk=page.pk)
    steps = next(b for b in fresh.body if b.block_type == "steps")
    assert [s["short_label"] for s in steps.value["steps"]] == [f"Stage {n}" for n in range(1, 6)]
