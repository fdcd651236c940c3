"""Full paths through the editorial review, as reviewers walk them in the admin."""

import pytest
from django.core import mail
from wagtail.models import PageLogEntry, Revision, WorkflowState

from insights.review_record import review_record_for
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    decide,
    make_explainer,
    open_state,
    post_dashboard_decision,
    post_edit,
    post_edit_decision,
    reload,
    stage_names,
    submit,
    workflow_states,
)

team, fresh_trial = review_support.team, review_support.fresh_trial

pytestmark = pytest.mark.django_db


def test_submit_then_each_stage_approved_by_its_group_publishes_with_review_record(
    client, team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])

    client.force_login(team["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(client, page, action="action-submit")
    assert response.status_code == 302
    assert stage_names(page) == "Primary research"

    # Stage 1 from the dashboard's modal.
    client.force_login(team["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_dashboard_decision(client, page, open_state(page), "approve", "Sources ok")
    assert response.status_code == 200, response.content
    assert response.json()["step"] == "success"
    assert stage_names(page) == "Medical accuracy review"

    # Stage 2 from the page editor's action menu.
    client.force_login(team["medical"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit_decision(client, page, "approve", "Clinically accurate")
    assert response.status_code == 302
    assert stage_names(page) == "Registry verification"
    assert not reload(page).live

    client.force_login(team["verifier"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_dashboard_decision(client, page, open_state(page), "approve", "Registry ok")
    assert response.status_code == 200, response.content

    page = reload(page)
    assert page.live
    assert page.live_revision_id == page.latest_revision_id
    assert workflow_states(page).last().status == WorkflowState.STATUS_APPROVED
    publish = PageLogEntry.objects.filter(page=page, action="wagtail.publish").get()
    assert publish.user == team["verifier"]

    record = review_record_for(page)
    assert [(s.stage_name, s.reviewer.profile.user) for s in record.stages] == [
        ("Primary research", team["analyst"]),
        ("Medical accuracy review", team["medical"]),
        ("Registry verification", team["verifier"]),
    ]
    assert record.medically_reviewed_by.profile.user == team["medical"]
    assert record.medically_reviewed_by.credentials == "MD, Oncology"
    assert record.registry_verified_at is not None
    assert record.last_reviewed is not None
    assert (record.next_review_due - record.last_reviewed).days == 90

    # One e-mail per reviewer per stage, and Wagtail's one "approved" e-mail to the writer.
    recipients = sorted((m.to[0].split("@")[0], _stage_of(m.subject)) for m in mail.outbox)
    assert recipients == [
        ("analyst", "Primary research"),
        ("analyst2", "Primary research"),
        ("medical", "Medical accuracy review"),
        ("medical2", "Medical accuracy review"),
        ("verifier", "Registry verification"),
        ("verifier2", "Registry verification"),
        ("writer", "approved"),
    ]


def _stage_of(subject):
    for name in ("Primary research", "Medical accuracy review", "Registry verification"):
        if name in subject:
            return name
    return "approved" if "approved" in subject.lower() else subject


def test_rejected_at_stage_2_goes_back_to_writer_and_resubmission_starts_at_stage_1(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)

    client.force_login(team["medical"])
    response = post_dashboard_decision(
        client, page, open_state(page), "reject", "Dosing section is wrong."
    )
    assert response.status_code == 200
    state = workflow_states(page).last()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Dosing section is wrong."

    # The writer edits and resubmits from the editor ("Resubmit to ...").
    client.force_login(team["writer"])
    response = post_edit(
        client, page, action="action-submit", paragraph="<p>Fixed dosing. NCT04000001.</p>"
    )
    assert response.status_code == 302
    assert stage_names(page) == "Primary research"
    assert workflow_states(page).last().status == WorkflowState.STATUS_IN_PROGRESS
    restart = PageLogEntry.objects.filter(page=page, action="insights.review.restart").get()
    assert "Primary research" in restart.data["reason"]

    # All three stages are needed again, on the new revision.
    decide(page, team["analyst"])
    assert stage_names(page) == "Medical accuracy review"
    decide(page, team["medical"])
    decide(page, team["verifier"])
    assert reload(page).live


def test_edit_after_stage_2_approval_restarts_at_stage_1_with_reason_in_history(
    client, team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)  # stages 1 and 2 approved
    mail.outbox.clear()

    client.force_login(team["verifier"])  # stage 3's group may edit the page
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(client, page, paragraph="<p>A late change. NCT04000001.</p>")
    assert response.status_code == 302

    assert stage_names(page) == "Primary research"
    page = reload(page)
    assert open_state(page).revision_id == page.latest_revision_id
    entry = PageLogEntry.objects.filter(page=page, action="insights.review.restart").get()
    assert entry.user == team["verifier"]
    assert "Primary research" in entry.data["reason"]
    assert "Medical accuracy review" in entry.data["reason"]
    assert entry.revision_id == page.latest_revision_id
    # The history view shows the reason.
    client.force_login(team["boss"])
    history = client.get(f"/admin/pages/{page.pk}/history/")
    assert history.status_code == 200
    assert "Approvals belong to the revision they approved" in history.content.decode()
    # Analysts are told the page is back at their stage (the verifier edited it).
    assert sorted(m.to[0] for m in mail.outbox) == ["analyst2@example.org", "analyst@example.org"]

    # The earlier approvers may approve again, the editor may not approve any stage.
    decide(page, team["analyst2"])
    decide(page, team["medical2"])
    assert "approve" not in [
        a[0] for a in open_state(page).task.specific.get_actions(page, team["verifier"])
    ]
    decide(page, team["verifier2"])
    assert reload(page).live


def test_edit_at_stage_1_before_any_approval_keeps_stage_1_on_the_new_revision(team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    first = open_state(page)
    page = reload(page)
    review_support.save_edit(page, team["analyst"])
    state = open_state(page)
    assert state.pk == first.pk  # same stage, no restart and no new e-mails
    assert state.revision_id == reload(page).latest_revision_id
    assert not PageLogEntry.objects.filter(page=page, action="insights.review.restart").exists()


def test_the_restart_follows_revision_creation_not_a_page_save_naming_latest_revision(team):
    page = make_explainer(team["writer"])
    earlier = reload(page).latest_revision
    review_support.save_edit(page, team["writer"])
    advance_to_stage(page, 3, team)  # stages 1 and 2 approved the revision under review
    under_review = open_state(page)
    assert earlier.pk != under_review.revision_id

    # A data fix pointing latest_revision elsewhere creates no version: nothing restarts.
    page = reload(page)
    page.latest_revision = earlier
    page.save(update_fields=["latest_revision"], clean=False)
    assert open_state(page).pk == under_review.pk
    assert stage_names(page) == "Registry verification"
    assert not PageLogEntry.objects.filter(page=page, action="insights.review.restart").exists()


def test_a_revision_created_outside_the_editor_restarts_the_review_on_it(team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    page = reload(page)
    draft = page.get_latest_revision_as_object()
    draft.subtitle = "Changed by an import script"
    # What an import or a shell session may do: create the revision row directly.
    revision = Revision.objects.create(
        content_object=page,
        base_content_type=page.get_base_content_type(),
        user=team["verifier"],
        content=draft.serializable_data(),
        object_str=str(draft),
    )
    assert stage_names(page) == "Primary research"
    assert open_state(page).revision_id == revision.pk
    assert reload(page).latest_revision_id == revision.pk
    entry = PageLogEntry.objects.get(page=page, action="insights.review.restart")
    assert entry.revision_id == revision.pk
