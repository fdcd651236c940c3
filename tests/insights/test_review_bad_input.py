"""Bad input to the review: a clear refusal, no change of state, nothing lost, a log entry."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, TaskState

from insights.review.tasks import ReviewRefused
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    approved_states,
    decide,
    edit_form_data,
    edit_url,
    make_explainer,
    make_user,
    open_state,
    post_dashboard_decision,
    post_edit,
    reload,
    stage_names,
    submit,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial
XHR = {"x-requested-with": "XMLHttpRequest"}


def snapshot(page):
    page = reload(page)
    return (
        page.live,
        page.latest_revision_id,
        list(
            TaskState.objects.filter(revision__object_id=str(page.pk)).values_list("pk", "status")
        ),
    )


def test_approve_a_page_not_in_review(client, team):
    in_review = make_explainer(team["writer"], title="In review")
    submit(in_review, team["writer"])
    idle = make_explainer(team["writer"], title="Idle draft")
    before = snapshot(in_review), snapshot(idle)
    client.force_login(team["analyst"])
    response = client.post(
        workflow_action_url(idle, open_state(in_review), "approve"), {"comment": "x"}
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("not currently awaiting moderation" in m for m in messages)
    assert (snapshot(in_review), snapshot(idle)) == before


def test_approve_twice(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    client.force_login(team["analyst"])
    assert post_dashboard_decision(client, page, state, "approve", "ok").status_code == 200
    before = snapshot(page)
    assert post_dashboard_decision(client, page, state, "approve", "again").status_code == 403
    with pytest.raises(ReviewRefused, match="no longer open"):
        state.task.specific.on_action(state, team["analyst"], "approve", comment="again")
    assert snapshot(page) == before
    assert approved_states(page).count() == 1
    refusal = PageLogEntry.objects.filter(page=page, action="insights.review.refused").get()
    assert refusal.user == team["analyst"] and "no longer open" in refusal.data["reason"]


def test_approve_a_stale_step_after_the_page_was_edited(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    stale = advance_to_stage(page, 2, team)
    # Another medical reviewer edits: review restarts at stage 1.
    review_support.save_edit(page, team["medical2"])
    assert stage_names(page) == "Primary research"
    before = snapshot(page)

    client.force_login(team["medical"])
    assert post_dashboard_decision(client, page, stale, "approve", "ok").status_code == 403
    with pytest.raises(ReviewRefused, match="no longer open"):
        stale.task.specific.on_action(stale, team["medical"], "approve", comment="ok")
    assert snapshot(page) == before


def test_approve_when_the_step_does_not_review_the_latest_revision(team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    # A revision written behind every signal's back (bulk_create sends no post_save, so
    # the review does not follow it): the decision's own guard must still refuse.
    (newer,) = Revision.objects.bulk_create(
        [
            Revision(
                content_object=reload(page),
                base_content_type=reload(page).get_base_content_type(),
                user=team["writer"],
                content=reload(page).serializable_data(),
                object_str="x",
                created_at=timezone.now(),
            )
        ]
    )
    type(page).objects.filter(pk=page.pk).update(latest_revision=newer)
    with pytest.raises(ReviewRefused, match="edited after this step started"):
        state.task.specific.on_action(state, team["analyst"], "approve", comment="ok")
    assert open_state(page).status == TaskState.STATUS_IN_PROGRESS


def test_forged_post_for_another_groups_task(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)  # stage 1: Research analysts
    before = snapshot(page)
    for intruder in ("medical", "verifier", "writer"):
        client.force_login(team[intruder])
        assert post_dashboard_decision(client, page, state, "approve").status_code == 403
        assert post_dashboard_decision(client, page, state, "reject", "no").status_code == 403
        with pytest.raises(ReviewRefused, match="Only members of"):
            state.task.specific.on_action(state, team[intruder], "approve", comment="x")
    assert snapshot(page) == before


def test_unknown_task_state_is_a_404(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", 999999])
    assert client.post(url, {"comment": "x"}).status_code == 404


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_empty_comment_is_a_form_error_in_the_modal(client, team, decision):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    before = snapshot(page)
    client.force_login(team["analyst"])
    response = post_dashboard_decision(client, page, open_state(page), decision, comment="  ")
    assert response.status_code == 200
    assert response.json()["step"] == "action"
    assert "Every decision needs a comment" in response.json()["html"]
    assert snapshot(page) == before


def test_empty_comment_forged_through_the_editor_is_refused_and_logged(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    before = snapshot(page)
    client.force_login(team["analyst"])
    response = post_edit(
        client,
        page,
        action="action-workflow-action",
        extra={
            "workflow-action-name": "reject",
            "workflow-action-extra-data": json.dumps({"comment": ""}),
        },
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert snapshot(page) == before
    entry = PageLogEntry.objects.filter(page=page, action="insights.review.refused").get()
    assert "Every decision needs a comment" in entry.data["reason"]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"'])
def test_malformed_decision_data_from_the_editor_is_refused_not_a_500(client, team, raw):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    before = snapshot(page)
    client.force_login(team["analyst"])
    data = edit_form_data(page)
    data.update(
        {
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": raw,
        }
    )
    response = client.post(edit_url(page), data)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert snapshot(page) == before
    response = client.post(edit_url(page), data, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "could not be read" in response.json()["error_message"]


@pytest.mark.parametrize("key", ["user", "task_state", "action_name"])
def test_hole9_decision_data_naming_an_argument_is_a_400_not_a_500(client, team, key):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    before = snapshot(page)
    client.force_login(team["analyst"])
    data = edit_form_data(page)
    data.update(
        {
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps({"comment": "ok", key: 1}),
        }
    )
    response = client.post(edit_url(page), data)
    assert response.status_code == 400
    assert f"it sets “{key}”, which a decision cannot set" in response.content.decode()
    assert snapshot(page) == before
    response = client.post(edit_url(page), data, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error_message"] == (
        f"The review decision could not be read (it sets “{key}”, which a decision cannot "
        "set); nothing was changed."
    )
    assert snapshot(page) == before


@pytest.mark.parametrize(
    "extra", [{"comment": ["a", "list"]}, {"comment": "ok", "revision": "R20; drop"}]
)
def test_hole9_decision_data_of_the_wrong_type_is_a_400(client, team, extra):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    before = snapshot(page)
    client.force_login(team["analyst"])
    data = edit_form_data(page)
    data.update(
        {
            "action-workflow-action": "1",
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps(extra),
        }
    )
    response = client.post(edit_url(page), data, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "could not be read" in response.json()["error_message"]
    assert snapshot(page) == before


def test_extra_decision_data_cannot_change_how_the_decision_is_applied(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    post_edit(
        client,
        page,
        action="action-workflow-action",
        extra={
            "workflow-action-name": "approve",
            # "update": False would approve without moving the review on.
            "workflow-action-extra-data": json.dumps({"comment": "ok", "update": False}),
        },
    )
    assert stage_names(page) == "Medical accuracy review"


def test_overwriting_an_approved_revision_in_place_is_refused(client, team):
    hybrid = make_user("hybrid", "Research analysts", person_credentials="MD")
    hybrid.groups.add(Group.objects.get(name="Medical reviewers"))
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    revision = review_support.save_edit(page, hybrid)
    decide(page, team["analyst2"])  # stage 1 approves hybrid's revision
    assert stage_names(page) == "Medical accuracy review"
    content = Revision.objects.get(pk=revision.pk).content

    client.force_login(hybrid)  # the autosave of the revision's own author
    data = edit_form_data(page, subtitle="Changed under the approval")
    data.update({"overwrite_revision_id": str(revision.pk)})
    response = client.post(edit_url(page), data, headers={"accept": "application/json"})
    assert response.status_code == 400
    assert "has been approved at a review stage" in response.json()["error_message"]
    assert Revision.objects.get(pk=revision.pk).content == content
    assert stage_names(page) == "Medical accuracy review"
