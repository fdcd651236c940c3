"""Scheduled publishing: a django-q2 schedule runs Wagtail's publish_scheduled every
minute, so an explainer approved before its go-live date goes live on that date."""

import datetime as dt
import shutil
import sqlite3
import time

import pytest
from django.utils import timezone
from django_q.models import Schedule

from home.tasks import publish_scheduled_pages
from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, decide, make_explainer, reload
from tests.processes import PYTHON, manage, running

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def test_the_schedule_is_created_by_migration():
    schedule = Schedule.objects.get(name="Publish scheduled pages")
    assert schedule.func == "home.tasks.publish_scheduled_pages"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        Schedule.MINUTES,
        1,
        -1,
    )


def test_an_explainer_approved_before_its_go_live_date_goes_live_on_that_date(team, fresh_trial):
    page = make_explainer(team["writer"])
    # A few seconds ahead: the review finishes before it, then the test waits for it.
    go_live = (timezone.now() + dt.timedelta(seconds=6)).replace(microsecond=0)
    page.go_live_at = go_live
    page.save_revision(user=team["writer"])
    advance_to_stage(page, 3, team)
    decide(page, team["verifier"])
    page = reload(page)
    # The review finished: approved and scheduled, not live yet.
    assert (page.live, page.approved_schedule) == (False, True)
    assert page.scheduled_revision.approved_go_live_at == go_live
    assert publish_scheduled_pages() == ""  # nothing is due
    assert reload(page).live is False

    # The date comes.
    revision = page.scheduled_revision
    time.sleep(max(0.0, (go_live - timezone.now()).total_seconds()) + 0.5)
    publish_scheduled_pages()
    page = reload(page)
    assert page.live and page.live_revision_id == revision.pk
    assert not page.approved_schedule


@pytest.mark.slow
def test_a_real_worker_publishes_a_page_whose_date_has_come(scratch_db_env, tmp_path):
    db_path = tmp_path / "db.sqlite3"
    shutil.copy(scratch_db_env["SCRATCH_DB_PATH"], db_path)
    env = {**scratch_db_env, "DATABASE_URL": f"sqlite:///{db_path}", "SCRATCH_DB_PATH": ""}
    # django-q2's scheduler looks at due schedules once its guard cycles add up to 30 s:
    # a cycle of 30 s has it look at once, not half a minute after the worker starts.
    env["Q_GUARD_CYCLE"] = "30"
    create = manage(
        "shell",
        "-c",
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from django_q.models import Schedule\n"
        "from home.models import HomePage, StandardPage\n"
        "page = StandardPage(title='Scheduled', slug='scheduled', live=False)\n"
        "HomePage.objects.get().add_child(instance=page)\n"
        "page.save_revision(approved_go_live_at=timezone.now() - dt.timedelta(seconds=1))\n"
        # Only this schedule: the registry syncs would keep both workers busy retrying.
        "Schedule.objects.exclude(name='Publish scheduled pages').delete()\n"
        "Schedule.objects.filter(name='Publish scheduled pages').update(next_run=timezone.now())\n"
        "print(page.pk)",
        env=env,
    )
    assert create.returncode == 0, create.stderr
    page_id = int(create.stdout.strip().splitlines()[-1])

    with running([PYTHON, "manage.py", "qcluster"], env) as proc:
        deadline = time.monotonic() + 120
        state = 0
        while time.monotonic() < deadline and not state:
            assert proc.poll() is None, proc.stdout.read()
            with sqlite3.connect(db_path) as db:
                (state,) = db.execute(
                    "SELECT live FROM wagtailcore_page WHERE id = ?", (page_id,)
                ).fetchone()
            time.sleep(1)
    assert state == 1
