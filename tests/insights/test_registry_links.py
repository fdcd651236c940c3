"""Explainers and the trials app: cited IDs for the sync, citing pages, status-change flags."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Workflow

from insights.registry_links import cited_nct_ids, citing_pages
from insights.review.flags import registry_check_needed
from tests.insights.factories import ExplainerPageFactory, paragraph
from tests.trials.factories import TrialFactory
from trials import citations
from trials.models import Trial, TrialSyncRun
from trials.signals import trial_status_changed

pytestmark = pytest.mark.django_db


def cite(page, *nct_ids):
    from insights.models import ExplainerTrialCitation

    for nct_id in nct_ids:
        ExplainerTrialCitation.objects.create(page=page, nct_id=nct_id)


def test_sync_keeps_fresh_every_cited_trial_including_revisions_in_review():
    live = ExplainerPageFactory()
    cite(live, "NCT00000001")
    draft = ExplainerPageFactory(publish=False)
    draft.body = [paragraph("A new study, NCT00000002, is recruiting.")]
    revision = draft.save_revision()
    submitter = get_user_model().objects.create_user("writer", password="x")
    Workflow.objects.get(name="Editorial review").start(draft, submitter)
    assert draft.current_workflow_state.current_task_state.revision == revision

    ids = cited_nct_ids()
    assert {"NCT00000001", "NCT00000002"} <= ids
    # The trials app sees the same through its extension point.
    assert {"NCT00000001", "NCT00000002"} <= citations.cited_nct_ids()


def test_citing_pages_lists_only_live_explainers():
    live = ExplainerPageFactory(title="Live explainer")
    unpublished = ExplainerPageFactory(title="Taken down explainer")
    cite(live, "NCT00000003")
    cite(unpublished, "NCT00000003")
    unpublished.unpublish()
    pages = citing_pages(["NCT00000003", "NCT00000004"])
    assert [p.title for p in pages["NCT00000003"]] == ["Live explainer"]
    assert pages["NCT00000003"][0].url == live.url
    assert "NCT00000004" not in pages


def test_citing_pages_queries_do_not_grow_with_pages():
    def queries_for(nct_id):
        with CaptureQueriesContext(connection) as ctx:
            citing_pages([nct_id])
        return len(ctx.captured_queries)

    cite(ExplainerPageFactory(), "NCT00000007")
    for _ in range(4):
        cite(ExplainerPageFactory(), "NCT00000008")
    citing_pages(["NCT00000007"])  # warm the site root paths cache
    assert queries_for("NCT00000008") == queries_for("NCT00000007")


def test_public_trial_page_links_back_to_citing_explainers(client):
    trial = TrialFactory(nct_id="NCT00000005")
    page = ExplainerPageFactory(title="Explainer citing five")
    cite(page, trial.nct_id)
    html = client.get(f"/trials/{trial.nct_id}/").content.decode()
    assert "Explainer citing five" in html
    assert page.url in html


def test_status_change_of_a_cited_trial_flags_its_explainers():
    trial = TrialFactory(nct_id="NCT00000006", overall_status="RECRUITING")
    page = ExplainerPageFactory()
    other = ExplainerPageFactory()
    cite(page, trial.nct_id)
    run = TrialSyncRun.objects.create()
    trial_status_changed.send_robust(
        sender=Trial,
        trial=trial,
        old_status="RECRUITING",
        new_status="TERMINATED",
        old_phases=["PHASE2"],
        new_phases=["PHASE2"],
        run=run,
    )
    assert registry_check_needed(page)
    assert not registry_check_needed(other)
