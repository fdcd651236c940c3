"""Separation of duties, the Person link and the stage 3 registry checks, on every path.

Paths: the task's own get_actions/on_action (what every admin view relies on), the
dashboard's workflow-action view (modal GET and POST) and the page editor's action menu.
Deny cases first; each denial also asserts that nothing changed.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import TaskState

from insights.review.tasks import ReviewRefused
from tests.insights import review_support
from tests.insights.review_support import (
    action_names,
    advance_to_stage,
    approved_states,
    assert_refused_everywhere,
    decide,
    make_explainer,
    make_user,
    open_state,
    post_dashboard_decision,
    post_edit_decision,
    reload,
    stage_names,
    submit,
    workflow_action_url,
)
from trials.models import Trial

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial

GROUP_OF_STAGE = {1: "Research analysts", 2: "Medical reviewers", 3: "Registry verifiers"}
SECONDS = {1: "analyst2", 2: "medical2", 3: "verifier2"}


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_submitter_cannot_approve_any_stage(client, team, fresh_trial, stage):
    submitter = make_user("author", GROUP_OF_STAGE[stage], person_credentials="MD")
    submitter.groups.add(Group.objects.get(name="Editors"))
    page = make_explainer(team["writer"])
    submit(page, submitter)
    for number in range(1, stage):
        decide(page, team[SECONDS[number]])
    assert stage_names(page) == open_state(page).task.name

    # Someone else in the group can.
    assert "approve" in action_names(page, team[SECONDS[stage]])
    assert_refused_everywhere(client, page, submitter, "You submitted this page")


def test_last_editor_of_the_revision_cannot_approve_a_later_stage(client, team, fresh_trial):
    hybrid = make_user("hybrid", "Research analysts", person_credentials="MD, PhD")
    hybrid.groups.add(Group.objects.get(name="Medical reviewers"))
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    # An analyst edits during stage 1 (no approval yet, so stage 1 stays open).
    review_support.save_edit(page, hybrid)
    assert "approve" not in action_names(page, hybrid)
    decide(page, team["analyst2"])
    assert stage_names(page) == "Medical accuracy review"

    assert_refused_everywhere(client, page, hybrid, "You made the latest edit")


def test_one_person_cannot_approve_two_stages_of_the_same_revision(client, team, fresh_trial):
    hybrid = make_user("hybrid", "Medical reviewers", person_credentials="MD")
    hybrid.groups.add(Group.objects.get(name="Registry verifiers"))
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    decide(page, hybrid)
    assert stage_names(page) == "Registry verification"

    assert_refused_everywhere(client, page, hybrid, "You already approved")


def test_approval_by_a_user_without_a_person_is_refused_naming_the_fix(client, team, fresh_trial):
    loner = make_user("loner", "Research analysts")  # no Person
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    assert "approve" in action_names(page, loner)  # offered, so the screen can explain

    client.force_login(loner)
    modal = client.get(
        workflow_action_url(page, state, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    html = modal.json()["html"]
    assert "link your user to a Person in People" in html
    assert 'type="submit"' not in html

    response = post_dashboard_decision(client, page, state, "approve", "Fine")
    assert response.status_code == 403
    with pytest.raises(ReviewRefused, match="link your user to a Person in People"):
        state.task.specific.on_action(state, loner, "approve", comment="Fine")
    assert open_state(page).pk == state.pk
    assert not approved_states(page).exists()

    # Linking a Person is the fix.
    from people.models import Person

    Person.objects.create(name="Lone Analyst", role="research", user=loner)
    assert post_dashboard_decision(client, page, state, "approve", "Fine").status_code == 200
    assert stage_names(page) == "Medical accuracy review"


def _at_stage_3(team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    return page


def _assert_stage_3_blocked(client, team, page, message):
    state = open_state(page)
    client.force_login(team["verifier"])
    modal = client.get(
        workflow_action_url(page, state, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    ).json()["html"]
    assert message in modal
    assert 'data-check-passed="false"' in modal
    assert 'type="submit"' not in modal
    assert post_dashboard_decision(client, page, state, "approve", "ok").status_code == 403
    # From the editor (non-XHR), Wagtail turns the refusal into a redirect with an error.
    response = post_edit_decision(client, page, "approve", "ok")
    assert response.status_code == 302 and response.url == "/admin/"
    assert open_state(page).pk == state.pk
    assert not reload(page).live


def test_stage_3_blocked_by_a_stale_trial(client, team, fresh_trial):
    page = _at_stage_3(team)
    Trial.objects.filter(pk=fresh_trial.pk).update(last_seen=timezone.now() - dt.timedelta(days=8))
    _assert_stage_3_blocked(client, team, page, "Registry data is 8 days old")

    # Once the sync refreshed it, the verifier can approve, which publishes.
    Trial.objects.filter(pk=fresh_trial.pk).update(last_seen=timezone.now())
    assert (
        post_dashboard_decision(client, page, open_state(page), "approve", "ok").status_code == 200
    )
    assert reload(page).live


def test_stage_3_blocked_by_a_trial_missing_from_the_synced_data(client, team, fresh_trial):
    page = _at_stage_3(team)
    Trial.objects.filter(pk=fresh_trial.pk).update(nct_id="NCT09999999")
    _assert_stage_3_blocked(client, team, page, "Not among the synced trials")


def test_stage_3_blocked_when_there_is_no_trial_data_at_all(client, team):
    page = _at_stage_3(team)
    assert not Trial.objects.exists()
    _assert_stage_3_blocked(client, team, page, "No trial data")


def test_stage_3_blocked_when_the_stated_status_disagrees_with_the_registry(
    client, team, fresh_trial
):
    page = _at_stage_3(team)
    Trial.objects.filter(pk=fresh_trial.pk).update(overall_status="TERMINATED")
    _assert_stage_3_blocked(client, team, page, "registry says")


def test_stage_3_blocked_when_the_revision_could_not_be_published(client, team, fresh_trial):
    page = make_explainer(team["writer"], disclaimer=False)
    advance_to_stage(page, 3, team)
    _assert_stage_3_blocked(client, team, page, "disclaimer")


def test_passing_checks_are_shown_and_stored_with_the_approval(client, team, fresh_trial):
    page = _at_stage_3(team)
    state = open_state(page)
    client.force_login(team["verifier"])
    modal = client.get(
        workflow_action_url(page, state, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    ).json()["html"]
    assert "NCT04000001" in modal and "Matches the registry" in modal
    assert 'type="submit"' in modal
    post_dashboard_decision(client, page, state, "approve", "All trials verified")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED
    assert {c["subject"]: c["passed"] for c in state.checks} == {
        "NCT04000001": True,
        "Publishing": True,
    }


def test_an_approval_of_an_older_revision_does_not_bar_another_stage_of_the_new_one(
    team, fresh_trial
):
    """Each stage of the revision that goes live needs a different person; a sign-off
    on a revision that was since edited is not one of them."""
    hybrid = make_user("hybrid", "Research analysts", person_credentials="MD")
    hybrid.groups.add(Group.objects.get(name="Medical reviewers"))
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    decide(page, hybrid)  # stage 1 of the first revision
    assert stage_names(page) == "Medical accuracy review"
    assert "approve" not in action_names(page, hybrid)
    review_support.save_edit(page, team["writer"])  # a new revision: the review restarts
    assert stage_names(page) == "Primary research"
    decide(page, team["analyst2"])
    assert stage_names(page) == "Medical accuracy review"
    assert "approve" in action_names(page, hybrid)
    decide(page, hybrid)
    assert stage_names(page) == "Registry verification"
