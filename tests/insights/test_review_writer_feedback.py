"""After "Request changes": the writer's banner and a resubmit button that tells the truth."""

import pytest
from bs4 import BeautifulSoup

from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    decide,
    edit_url,
    make_explainer,
    post_edit,
    save_edit,
    stage_names,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def editor(client, page, user):
    client.force_login(user)
    response = client.get(edit_url(page))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    banners = [
        " ".join(li.get_text(" ").split())
        for li in soup.select(".messages li")
        if "Changes requested" in li.get_text()
    ]
    submit = soup.select_one("button[name=action-submit]")
    return banners, " ".join(submit.get_text(" ").split()) if submit else None


def send_back_at_stage_two(page, team):
    advance_to_stage(page, 2, team)
    decide(page, team["medical"], "reject", comment="Say which dose was studied.")


def test_no_banner_while_the_review_runs_or_before_it(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    banners, button = editor(client, page, team["writer"])
    assert banners == [] and button == "Submit to Editorial review"
    advance_to_stage(page, 2, team)
    banners, _button = editor(client, page, team["writer"])
    assert banners == []


def test_the_banner_names_stage_reviewer_and_comment(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    send_back_at_stage_two(page, team)
    (banner,), button = editor(client, page, team["writer"])
    assert "Changes requested at stage 2 (“Medical accuracy review”) by Medical Tester" in banner
    assert "“Say which dose was studied.”" in banner
    assert "the review restarts at stage 1 (“Primary research”)" in banner
    # Wagtail would say "Resubmit to Medical accuracy review"; the editor's resubmission
    # saves a new version, which starts at stage 1 even unchanged.
    assert button == "Resubmit to Primary research"
    response = post_edit(client, page, action="action-submit")
    assert response.status_code == 302
    assert stage_names(page) == "Primary research"


def test_after_an_edit_the_button_names_stage_one_and_resubmitting_starts_there(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    send_back_at_stage_two(page, team)
    save_edit(page, team["writer"], subtitle="Now with the dose")
    (banner,), button = editor(client, page, team["writer"])
    assert "restarts at stage 1 (“Primary research”)" in banner
    assert button == "Resubmit to Primary research"
    response = post_edit(client, page, action="action-submit")
    assert response.status_code == 302
    assert stage_names(page) == "Primary research"
