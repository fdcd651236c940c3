"""The "Waiting for you" dashboard panel: what the signed-in reviewer may approve now."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState

from insights.review import queues
from insights.review.dashboard import WaitingForYouPanel
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    credit_author,
    make_explainer,
    make_user,
    open_state,
)

team = review_support.team
fresh_trial = review_support.fresh_trial

pytestmark = pytest.mark.django_db


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.content.decode()


def panel(html: str) -> str | None:
    """The panel's HTML, or None when the dashboard has no such panel."""
    match = re.search(r"<div data-waiting-for-you>(.*?)</div>\s*</div>", html, re.S)
    if match is None:
        assert "Waiting for you" not in html
        return None
    return match.group(1)


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-waiting-page="(\d+)"', panel(html) or "")]


@pytest.fixture
def pages(team, fresh_trial):
    """One explainer waiting at each stage, the oldest at stage 1; written by the writer."""
    result = {}
    for number in (1, 2, 3):
        page = make_explainer(team["writer"], title=f"Waiting at stage {number}")
        advance_to_stage(page, number, team)
        result[number] = page
    return result


# Deny cases first ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["writer", "editor", "boss"])
def test_no_panel_for_who_decides_no_stage(client, team, pages, role):
    if role == "editor":
        team["editor"] = make_user("editor", "Editors", person_credentials="Editor")
    assert panel(dashboard(client, team[role])) is None


def test_a_reviewer_barred_by_separation_of_duties_does_not_see_the_page(client, team, pages):
    # The analyst is credited as an author of the stage-1 page: they may not approve it.
    credit_author(pages[1], team["analyst"], by=team["writer"])
    html = dashboard(client, team["analyst"])
    assert pages[1].pk not in listed(html)
    assert "Nothing is waiting for you" in panel(html)
    # The other analyst, not barred, still sees it.
    assert listed(dashboard(client, team["analyst2"])) == [pages[1].pk]


def test_a_reviewer_who_submitted_the_page_does_not_see_it(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Submitted by an analyst")
    advance_to_stage(page, 1, team, submitter="analyst")
    assert page.pk not in listed(dashboard(client, team["analyst"]))
    assert page.pk in listed(dashboard(client, team["analyst2"]))


def test_an_approver_of_an_earlier_stage_does_not_see_the_page_at_the_next(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"], title="Approved at stage 1 by analyst2")
    advance_to_stage(page, 2, team)  # analyst2 approved stage 1
    team["analyst2"].groups.add(*team["medical"].groups.all())  # also a medical reviewer now
    html = dashboard(client, team["analyst2"])
    assert page.pk not in listed(html)
    assert page.pk in listed(dashboard(client, team["medical"]))


# Allowed: each stage's reviewers see their stage only --------------------------------


@pytest.mark.parametrize(
    ("role", "stage"),
    [("analyst", 1), ("analyst2", 1), ("medical", 2), ("medical2", 2), ("verifier", 3)],
)
def test_each_stage_reviewer_sees_the_pages_at_their_stage_only(client, team, pages, role, stage):
    html = dashboard(client, team[role])
    assert listed(html) == [pages[stage].pk]
    body = panel(html)
    assert f'href="{reverse("insights_review", args=[pages[stage].pk])}"' in body
    assert f"Stage {stage}: " in body


def test_oldest_first_with_how_long_each_waited(client, team, fresh_trial):
    newer = make_explainer(team["writer"], title="Newer")
    older = make_explainer(team["writer"], title="Older")
    for page, days in ((newer, 1), (older, 3)):
        advance_to_stage(page, 1, team)
        TaskState.objects.filter(pk=open_state(page).pk).update(
            started_at=timezone.now() - dt.timedelta(days=days, minutes=5)
        )
    html = dashboard(client, team["analyst"])
    assert listed(html) == [older.pk, newer.pk]
    waited = re.findall(r"<time [^>]*data-waited>([^<]*)</time>", panel(html))
    assert [w.replace("\xa0", " ") for w in waited] == ["3 days", "1 day"]


def test_empty_state_says_nothing_is_waiting(client, team):
    body = panel(dashboard(client, team["verifier"]))
    assert "Nothing is waiting for you: no page is at a stage you may approve." in body
    assert "data-waiting-page" not in body


def test_a_reviewer_without_a_linked_person_is_told_why_they_cannot_approve(client, team, pages):
    Person.objects.filter(user=team["medical"]).update(user=None)
    body = panel(dashboard(client, team["medical"]))
    assert "data-waiting-no-person" in body and "not linked to a person" in body


def test_the_panel_costs_the_same_queries_whatever_the_number_of_pages(team, fresh_trial):
    analyst = team["analyst"]
    stages = queues.reviewer_stages(analyst)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            WaitingForYouPanel(analyst, stages).render_html({})
        return len(queries)

    counts = []
    for number in range(4):
        page = make_explainer(team["writer"], title=f"Counted {number}")
        credit_author(page, team["medical"], by=team["writer"])  # authors to look up
        advance_to_stage(page, 1, team)
        counts.append(count())
    assert len(set(counts)) == 1, counts
    assert counts[0] <= 8
    assert len(queues.waiting_for(analyst)) == 4
