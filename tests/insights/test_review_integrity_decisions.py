"""Issue 10: decisions are bound to what the reviewer saw and never void approvals silently.

Holes 4 (the version shown) and 3 (content-equal versions, autosaves, comments, edits
posted with a decision), through the page editor and the dashboard's modal.
"""

import json

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests.insights import review_support
from tests.insights.integrity_support import (
    make_imported_explainer,
    review_history,
    snapshot,
)
from tests.insights.review_support import (
    advance_to_stage,
    approved_states,
    make_explainer,
    open_state,
    post_dashboard_decision,
    post_edit_decision,
    reload,
    submit,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


# 4. A decision is bound to the version the reviewer was shown -----------------------------


def test_hole4_dashboard_decision_on_a_version_since_replaced_is_refused(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    shown = open_state(page)
    client.force_login(team["analyst"])
    modal = client.get(
        workflow_action_url(page, shown, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert f'name="revision" value="{shown.revision_id}"' in modal.json()["html"]

    # Meanwhile another analyst saves an edit: stage 1 (nothing approved) moves onto it.
    review_support.save_edit(page, team["analyst2"])
    moved = open_state(page)
    assert moved.pk == shown.pk and moved.revision_id != shown.revision_id
    before = snapshot(page)

    response = post_dashboard_decision(client, page, moved, "approve", revision=shown.revision_id)
    assert response.status_code == 403
    assert snapshot(page) == before
    assert not approved_states(page).exists()
    entry = PageLogEntry.objects.get(page=page, action="insights.review.refused")
    assert entry.data["reason"].startswith(
        f"This page changed since you opened it: you were shown version {shown.revision_id}"
    )
    compare = reverse(
        "wagtailadmin_pages:revisions_compare", args=[page.pk, shown.revision_id, moved.revision_id]
    )
    assert compare in entry.data["reason"]
    # Deciding on what the page says now works.
    assert post_dashboard_decision(client, page, moved, "approve").status_code == 200
    assert approved_states(page).get().revision_id == moved.revision_id


def test_hole4_editor_decision_on_a_version_since_replaced_is_refused(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    shown = open_state(page).revision_id
    review_support.save_edit(page, team["analyst2"])
    before = snapshot(page)

    client.force_login(team["analyst"])
    response = post_edit_decision(client, page, "approve", "Sources checked.", shown=shown)
    assert response.status_code == 409
    assert "This page changed since you opened it" in response.content.decode()
    assert snapshot(page) == before  # no revision saved, nothing approved
    assert not approved_states(page).exists()


def test_hole4_a_decision_that_names_no_version_is_a_form_error(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    before = snapshot(page)
    client.force_login(team["analyst"])
    response = client.post(
        workflow_action_url(page, state, "approve"),
        {"comment": "ok"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert "does not say which version of the page you reviewed" in response.json()["html"]
    assert snapshot(page) == before


# 3. No silent voids: content-equal versions, autosaves and comments change nothing -------


def test_hole3a_approving_from_the_editor_saves_no_revision_and_voids_nothing(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    revisions, approvals, restarts = review_history(page)
    assert len(approvals) == 1 and restarts == 0

    client.force_login(team["medical"])
    response = post_edit_decision(client, page, "approve", "Clinically accurate.")
    assert response.status_code == 302
    assert review_support.stage_names(page) == "Registry verification"
    after_revisions, after_approvals, after_restarts = review_history(page)
    assert after_revisions == revisions  # the form's round trip saved no revision
    assert after_approvals[0] == approvals[0]  # stage 1's approval stands
    assert after_restarts == 0
    stage_2 = approved_states(page).get(task__name="Medical accuracy review")
    assert stage_2.finished_by == team["medical"] and stage_2.comment == "Clinically accurate."


def test_hole3b_a_reviewers_autosave_with_nothing_changed_is_no_edit(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    response = review_support.post_edit(client, page, extra={"loaded_revision_id": str(before[0])})
    assert response.status_code == 302
    response = client.post(
        review_support.edit_url(page),
        review_support.edit_form_data(page),
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["revision_id"] == before[0]
    assert review_history(page) == before
    # They did not become the "last editor": they may still approve.
    assert "approve" in review_support.action_names(page, team["medical"])
    assert post_dashboard_decision(client, page, open_state(page), "approve").status_code == 200


def test_hole3c_a_field_comment_is_not_an_edit(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    data = review_support.edit_form_data(page)
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "",
            "comments-0-DELETE": "",
            "comments-0-resolved": "",
            "comments-0-id": "",
            "comments-0-contentpath": "subtitle",
            "comments-0-text": "Is this the approved indication?",
            "comments-0-position": "",
            "comments-0-replies-TOTAL_FORMS": "0",
            "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0",
            "comments-0-replies-MAX_NUM_FORMS": "0",
        }
    )
    response = client.post(review_support.edit_url(page), data)
    assert response.status_code == 302
    comment = reload(page).wagtail_admin_comments.get()
    assert comment.text == "Is this the approved indication?" and comment.user == team["medical"]
    assert review_history(page) == before  # no revision, no restart, approvals kept
    assert "approve" in review_support.action_names(page, team["medical"])


def test_hole3_a_real_edit_by_a_reviewer_still_restarts_the_review(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    revisions, _approvals, _restarts = review_history(page)
    client.force_login(team["medical"])
    review_support.post_edit(client, page, subtitle="Changed by the reviewer")
    after_revisions, _after_approvals, after_restarts = review_history(page)
    assert after_revisions != revisions and after_restarts == 1
    assert review_support.stage_names(page) == "Primary research"


def test_hole3a_a_decision_posted_with_real_edits_is_refused_before_anything_is_saved(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    data = review_support.edit_form_data(page, subtitle="Changed while approving")
    data.update(
        {
            "action-workflow-action": "1",
            "loaded_revision_id": str(before[0]),
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps(
                {"comment": "Looks right.", "revision": before[0]}
            ),
        }
    )
    response = client.post(review_support.edit_url(page), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "You changed the page in the editor" in html and "nothing was saved" in html
    assert "Your comment was: “Looks right.”" in html
    assert review_history(page) == before  # stage 1's approval stands, no restart
    assert review_support.stage_names(page) == "Medical accuracy review"
    assert reload(page).get_latest_revision_as_object().subtitle == "Made by a script"


@pytest.mark.parametrize("stored", ["<p></p>", '<p data-block-key="a1"></p>', "<p><br/></p>"])
def test_an_empty_rich_text_field_saying_nothing_either_way_is_no_change(stored):
    """The editor posts "" for an empty summary stored as an empty paragraph (and back):
    a reviewer deciding from the editor made no edit (found by the browser walk)."""
    from insights.review.editing import same_content

    assert same_content({"summary": ""}, {"summary": stored})
    assert not same_content({"summary": ""}, {"summary": "<p>Short version.</p>"})
