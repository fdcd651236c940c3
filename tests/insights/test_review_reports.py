"""Review queues and reports in the admin, and the "registry check needed" flag."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState

from insights.models import CompletedReview, ExplainerTrialCitation, RegistryCheckFlag
from insights.review.flags import (
    flag_explainers_citing,
    on_trial_status_changed,
    registry_check_needed,
)
from tests.insights import review_support
from tests.insights.review_support import (
    NCT,
    advance_to_stage,
    make_explainer,
    open_state,
    reload,
)
from trials.models import Trial

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial

QUEUE = reverse("insights_review_queue")
OVERDUE = reverse("insights_overdue_reviews")
FLAGS = reverse("insights_registry_checks")


@pytest.mark.parametrize("url", [QUEUE, OVERDUE, FLAGS])
@pytest.mark.parametrize(
    "role,allowed",
    [("analyst", False), ("medical", False), ("verifier", False), ("writer", True), ("boss", True)],
)
def test_reports_are_for_editors_and_superusers(client, team, url, role, allowed):
    client.force_login(team[role])
    response = client.get(url)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url == "/admin/"
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (url in menu) is allowed


def test_reports_refuse_anonymous(client):
    for url in (QUEUE, OVERDUE, FLAGS):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def test_queue_lists_pages_per_stage_with_their_age_in_fixed_queries(client, team, fresh_trial):
    client.force_login(team["writer"])
    pages = {}
    for stage in (1, 2, 3):
        pages[stage] = make_explainer(team["writer"], title=f"Waiting at {stage}")
        advance_to_stage(pages[stage], stage, team)
        TaskState.objects.filter(pk=open_state(pages[stage]).pk).update(
            started_at=timezone.now() - dt.timedelta(days=stage + 1, hours=1)
        )
    with CaptureQueriesContext(connection) as three:
        response = client.get(QUEUE)
    html = response.content.decode()
    sections = html.split("<h2")
    for stage, name in (
        (1, "Primary research"),
        (2, "Medical accuracy review"),
        (3, "Registry verification"),
    ):
        section = next(s for s in sections if name in s.split("</h2>")[0])
        assert f"Waiting at {stage}" in section
        assert f"<td data-age-days>{stage + 1}</td>" in section

    for extra in range(3):
        advance_to_stage(make_explainer(team["writer"], title=f"More {extra}"), 2, team)
    with CaptureQueriesContext(connection) as six:
        client.get(QUEUE)
    assert len(six) == len(three)


def test_overdue_lists_live_pages_past_their_next_review(client, team, fresh_trial, settings):
    settings.REVIEW_INTERVAL_DAYS = 90
    old = make_explainer(team["writer"], title="Reviewed long ago")
    advance_to_stage(old, 4, team)
    CompletedReview.objects.filter(page=old).update(
        completed_at=timezone.now() - dt.timedelta(days=100)
    )
    recent = make_explainer(team["writer"], title="Reviewed recently")
    advance_to_stage(recent, 4, team)
    never = make_explainer(team["writer"], title="Published directly")
    reload(never).get_latest_revision().publish(user=team["boss"])
    make_explainer(team["writer"], title="Draft only")

    client.force_login(team["writer"])
    html = client.get(OVERDUE).content.decode()
    assert "Reviewed long ago" in html and "<td>10</td>" in html
    assert "Published directly" in html and "Never" in html
    assert "Reviewed recently" not in html
    assert "Draft only" not in html


def test_flagging_explainers_citing_a_changed_trial(client, team, fresh_trial):
    live = make_explainer(team["writer"], title="Live citing")
    reload(live).get_latest_revision().publish(user=team["boss"])
    make_explainer(team["writer"], title="Draft citing")  # not published: not flagged
    other = make_explainer(team["writer"], title="Other trial", nct="NCT04000002")
    reload(other).get_latest_revision().publish(user=team["boss"])

    assert flag_explainers_citing(NCT.lower(), "Status changed to TERMINATED.") == 1
    assert flag_explainers_citing(NCT, "Status changed again.") == 1  # still one open flag
    flag = RegistryCheckFlag.objects.get()
    assert flag.page_id == live.pk and flag.reason == "Status changed again."
    assert registry_check_needed(live) and not registry_check_needed(other)

    client.force_login(team["writer"])
    html = client.get(FLAGS).content.decode()
    assert "Live citing" in html and NCT in html and "Status changed again." in html


def test_trials_signal_receiver_and_a_completed_verification_clear_the_flag(team, fresh_trial):
    page = make_explainer(team["writer"])
    reload(page).get_latest_revision().publish(user=team["boss"])
    Trial.objects.filter(pk=fresh_trial.pk).update(overall_status="TERMINATED")
    fresh_trial.refresh_from_db()
    assert on_trial_status_changed(None, trial=fresh_trial, old_status="RECRUITING") == 1
    flag = RegistryCheckFlag.objects.get(page=page)
    assert flag.reason == "Registry status changed from RECRUITING to TERMINATED."
    # The sync also reports phase changes through the same signal.
    on_trial_status_changed(
        Trial,
        trial=fresh_trial,
        old_status="TERMINATED",
        new_status="TERMINATED",
        old_phases=["PHASE2"],
        new_phases=["PHASE2", "PHASE3"],
    )
    flag.refresh_from_db()
    assert flag.reason == "Registry phases changed from PHASE2 to PHASE2, PHASE3."

    # Re-review: the page must now state the new status to pass stage 3.
    revision_page = reload(page).get_latest_revision_as_object()
    revision_page.trial_citations = [
        ExplainerTrialCitation(nct_id=NCT, stated_status="TERMINATED", stated_phase="PHASE2")
    ]
    revision_page.save_revision(user=team["writer"])
    advance_to_stage(page, 4, team)
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolved_by == team["verifier2"]
    assert not registry_check_needed(page)
