"""The weekly review digest to Editors (django-q2 schedule "Weekly review digest")."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task
from wagtail.models import TaskState

from insights.review.digest import send_weekly_digest
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, make_explainer, make_user, open_state

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def _wait(page, days, hours=1):
    TaskState.objects.filter(pk=open_state(page).pk).update(
        started_at=timezone.now() - dt.timedelta(days=days, hours=hours)
    )


def _review_link(page):
    return f"http://testserver/admin/review/{page.pk}/"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    settings.REVIEW_OVERDUE_DAYS = 7


def test_the_schedule_is_created_by_migration_and_names_the_task():
    schedule = Schedule.objects.get(name="Weekly review digest")
    assert schedule.func == "insights.review.digest.send_weekly_digest"
    assert schedule.schedule_type == Schedule.WEEKLY and schedule.repeats == -1
    migration = importlib.import_module("insights.migrations.0009_weekly_review_digest_schedule")
    Schedule.objects.filter(pk=schedule.pk).update(func="old.path", schedule_type="D")
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    assert Schedule.objects.filter(name="Weekly review digest").count() == 1
    schedule = Schedule.objects.get(name="Weekly review digest")
    assert (schedule.func, schedule.schedule_type) == (
        "insights.review.digest.send_weekly_digest",
        "W",
    )


def test_nothing_is_sent_when_there_is_nothing_to_say(team, fresh_trial):
    recent = make_explainer(team["writer"], title="Waiting a little")
    advance_to_stage(recent, 2, team)
    _wait(recent, 6, hours=23)  # not longer than the 7 days
    mail.outbox.clear()
    assert send_weekly_digest() == "Nothing overdue or flagged: no digest sent."
    assert mail.outbox == []


def test_overdue_and_flagged_pages_are_mailed_to_each_editor_with_links(team, fresh_trial):
    late = make_explainer(team["writer"], title="Waiting too long")
    advance_to_stage(late, 2, team)
    _wait(late, 9)
    stuck = make_explainer(team["writer"], title="No one may approve")
    advance_to_stage(stuck, 3, team)
    Person.objects.filter(user__in=[team["verifier"], team["verifier2"]]).update(user=None)
    on_time = make_explainer(team["writer"], title="Just arrived")
    advance_to_stage(on_time, 1, team)
    second_editor = make_user("editor2", "Editors")
    second_editor.email = "editor2@example.org"
    second_editor.save()
    quiet = make_user("former", "Editors")
    quiet.is_active = False
    quiet.save()
    mail.outbox.clear()

    result = send_weekly_digest()

    assert result == "Digest sent to 2 editor(s): 1 overdue, 1 flagged."
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [team["writer"].email, "editor2@example.org"]
    )
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert message.subject == "Weekly review digest: 1 overdue, 1 with no eligible reviewer"
    overdue, flagged = message.body.split("No eligible reviewer (", 1)
    assert "Waiting too long: Medical accuracy review, waiting 9 days" in overdue
    assert _review_link(late) in overdue
    assert "more than 7 days" in overdue
    assert "No one may approve: Registry verification" in flagged
    assert "has no linked Person" in flagged and _review_link(stuck) in flagged
    assert "Just arrived" not in message.body
    assert "&" not in message.body.replace("&amp;", "")  # plain text, nothing escaped


def test_the_overdue_limit_is_a_setting(team, fresh_trial, settings):
    page = make_explainer(team["writer"], title="Three days in")
    advance_to_stage(page, 1, team)
    _wait(page, 3)
    settings.REVIEW_OVERDUE_DAYS = 2
    mail.outbox.clear()
    assert send_weekly_digest().endswith("1 overdue, 0 flagged.")
    assert "waiting 3 days" in mail.outbox[0].body
    assert "more than 2 days" in mail.outbox[0].body


def test_reviewers_outside_editors_get_no_digest(team, fresh_trial):
    page = make_explainer(team["writer"], title="Late")
    advance_to_stage(page, 1, team)
    _wait(page, 30)
    Group.objects.get(name="Editors").user_set.clear()
    mail.outbox.clear()
    assert send_weekly_digest() == "No Editor has an e-mail address: no digest sent."
    assert mail.outbox == []


def test_the_task_runs_through_django_q(team, fresh_trial, settings):
    # Synchronous django-q2: the schedule's func string is resolved and run as the worker would.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    page = make_explainer(team["writer"], title="Late")
    advance_to_stage(page, 1, team)
    _wait(page, 10)
    mail.outbox.clear()
    schedule = Schedule.objects.get(name="Weekly review digest")
    async_task(schedule.func, sync=True)
    assert len(mail.outbox) == 1 and "Late: Primary research" in mail.outbox[0].body
