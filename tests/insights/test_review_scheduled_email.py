"""The writer's approval e-mail names the go-live date of a page scheduled by the review."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, decide, make_explainer, reload

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def approval_mails():
    return [m for m in mail.outbox if "has been approved" in m.subject]


def test_approval_of_a_page_with_a_future_go_live_date_says_when(
    team, fresh_trial, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_NOTIFICATION_USE_HTML = True  # both the text and the HTML part
    page = make_explainer(team["writer"])
    go_live = timezone.make_aware(dt.datetime(2031, 3, 14, 9, 30))
    page.go_live_at = go_live
    page.save_revision(user=team["writer"])
    advance_to_stage(page, 3, team)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(page, team["verifier"])
    assert reload(page).scheduled_revision.approved_go_live_at == go_live
    (message,) = approval_mails()
    assert message.to == ["writer@example.org"]
    local = timezone.localtime(go_live)
    expected = f"scheduled for {local.day} March 2031, {local:%H:%M}"
    assert expected in message.body
    assert "goes live then, not before" in message.body
    assert f"Scheduled for {local.day} March 2031" in message.subject
    (html, _mimetype), *_ = message.alternatives
    assert expected in html


def test_approval_that_publishes_at_once_says_nothing_of_a_schedule(
    team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(page, team["verifier"])
    assert reload(page).live
    (message,) = approval_mails()
    assert "scheduled" not in message.body.lower()
    assert "scheduled" not in message.subject.lower()
