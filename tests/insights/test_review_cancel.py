"""Cancelling a review: the editor asks first, naming the reviewers already e-mailed, who are
then told it was cancelled (once each, never the one who cancelled)."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from wagtail.models import WorkflowState

from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    edit_url,
    make_explainer,
    post_edit,
    reload,
)

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]
team, fresh_trial = review_support.team, review_support.fresh_trial


def cancel_button(client, page, user):
    client.force_login(user)
    soup = BeautifulSoup(client.get(edit_url(page)).content.decode(), "html.parser")
    return soup.select_one("button[name=action-cancel-workflow]")


def test_cancel_asks_first_and_names_the_reviewers_already_notified(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    button = cancel_button(client, page, team["writer"])
    assert button.has_attr("data-review-cancel")
    assert "window.confirm" in button["onclick"]
    text = button["data-confirm"]
    for name in ("Analyst Tester", "Analyst2 Tester", "Medical Tester", "Medical2 Tester"):
        assert name in text
    assert "Writer Tester" not in text  # the submitter is never asked to approve
    assert "e-mailed that it was cancelled" in text


def test_no_cancel_button_for_who_may_not_cancel(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    assert cancel_button(client, page, team["verifier"]) is None


def test_cancelling_tells_each_notified_reviewer_once(
    client, team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    client.force_login(team["writer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_edit(client, page, action="action-cancel-workflow")
    # Wagtail 8 answers the editor's cancel with the editor again, and its message.
    assert response.status_code == 200
    assert any("has been cancelled" in str(m) for m in response.context["messages"])
    assert reload(page).current_workflow_state is None
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_CANCELLED
    cancelled = [m for m in mail.outbox if m.subject.startswith("Review cancelled")]
    assert sorted(address for m in cancelled for address in m.to) == [
        "analyst2@example.org",
        "analyst@example.org",
        "medical2@example.org",
        "medical@example.org",
    ]
    assert all("was cancelled by Writer Tester" in m.body for m in cancelled)


def test_the_canceller_is_not_mailed(client, team, fresh_trial, django_capture_on_commit_callbacks):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    state = reload(page).current_workflow_state
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        state.cancel(user=team["medical"])  # a stage-2 reviewer may cancel too
    cancelled = [m for m in mail.outbox if m.subject.startswith("Review cancelled")]
    recipients = sorted(address for m in cancelled for address in m.to)
    assert "medical@example.org" not in recipients
    assert "medical2@example.org" in recipients
