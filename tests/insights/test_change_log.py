"""What changed: the dated change log generated from an explainer's reviewed versions."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from insights.change_log import change_log_for, describe_changes
from insights.review.flags import on_trial_status_changed
from tests.insights import review_support
from tests.insights.factories import paragraph, risk, risks_block
from tests.insights.review_support import NCT, advance_to_stage, make_explainer, reload

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def edit(page, user, change):
    """Save a new revision of PAGE as USER, its raw body passed through CHANGE."""
    draft = reload(page).get_latest_revision_as_object()
    draft.body = change(list(draft.body.raw_data))
    draft.save_revision(user=user)


def add_infections_and_revise_text(raw):
    raw[0] = {**raw[0], "value": f'<p data-block-key="k1">How it works, now clearer. {NCT}.</p>'}
    return [*raw, risks_block(risk("Infections"))]


@pytest.fixture
def twice_reviewed(team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 4, team)
    edit(page, team["writer"], add_infections_and_revise_text)
    on_trial_status_changed(None, nct_id=NCT, old_status="RECRUITING", new_status="COMPLETED")
    advance_to_stage(page, 4, team)
    return reload(page)


def test_each_reviewed_version_lists_its_changes_and_reviewers(twice_reviewed):
    newest, first = change_log_for(twice_reviewed)
    assert first.first and first.changes == ["First reviewed version"]
    assert newest.changes == [
        "Text: revised",
        "Risks: added “Infections”",
        f"Trial {NCT} now Completed",
    ]
    assert [name for _, name in newest.reviewers] == [
        "Analyst2 Tester",
        "Medical2 Tester",
        "Verifier2 Tester",
    ]
    assert newest.reviewed_on >= first.reviewed_on


def test_the_explainer_shows_what_changed(client, twice_reviewed):
    soup = BeautifulSoup(client.get(twice_reviewed.url).content, "html.parser")
    log = soup.find("section", id="what-changed")
    items = log.find("ol").find_all("li", recursive=False)
    assert len(items) == 2
    newest = items[0].get_text(" ", strip=True)
    assert "Risks: added “Infections”" in newest and f"Trial {NCT} now Completed" in newest
    assert "Signed off by Analyst2 Tester" in newest
    assert (
        items[0].find("time")["datetime"]
        == change_log_for(twice_reviewed)[0].reviewed_on.isoformat()
    )
    assert "First reviewed version" in items[1].get_text()


def test_the_api_detail_carries_the_change_log(client, twice_reviewed):
    detail = client.get(f"/api/v2/pages/{twice_reviewed.pk}/").json()
    assert [entry["changes"][-1] for entry in detail["change_log"]] == [
        f"Trial {NCT} now Completed",
        "First reviewed version",
    ]
    assert detail["change_log"][0]["reviewers"][1] == {
        "stage": "Medical accuracy review",
        "name": "Medical2 Tester",
    }
    listing = client.get("/api/v2/pages/", {"type": "insights.ExplainerPage"}).json()
    assert "change_log" not in listing["items"][0]


def test_a_page_never_reviewed_has_no_change_log(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    page.save_revision(user=team["writer"]).publish()
    assert change_log_for(page) == []
    assert 'id="what-changed"' not in client.get(reload(page).url).content.decode()


def test_the_log_costs_three_queries_whatever_the_history(
    twice_reviewed, django_assert_num_queries
):
    with django_assert_num_queries(3):
        change_log_for(twice_reviewed)


def content(*blocks, title="T", summary=""):
    return {"title": title, "summary": summary, "body": list(blocks)}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            content({"id": "h", "type": "heading", "value": "Risks"}),
            content({"id": "h", "type": "heading", "value": "Side effects"}),
            ["Renamed the section “Risks” to “Side effects”"],
        ),
        (
            content({"id": "r", **risks_block(risk("Fever"))}),
            content({"id": "r", **risks_block(risk("Fever"), risk("Infections"))}),
            ["Risks: added “Infections”"],
        ),
        (
            content({"id": "r", **risks_block(risk("Fever"))}),
            content({"id": "r", **risks_block({**risk("Fever"), "severity": "life_threatening"})}),
            ["Risks: “Fever” now rated life-threatening"],
        ),
        (
            content({"id": "t", "type": "trial_list", "value": {"nct_ids": ["NCT00000001"]}}),
            content({"id": "t", "type": "trial_list", "value": {"nct_ids": ["NCT00000002"]}}),
            ["Trials: added NCT00000002", "Trials: removed NCT00000001"],
        ),
        (
            content({"id": "h", "type": "heading", "value": "How"}, {"id": "p", **paragraph("a")}),
            content(
                {"id": "h", "type": "heading", "value": "How"}, {"id": "p", **paragraph("b")}
            ),
            ["Text: revised in “How”"],
        ),
        (content(title="Old"), content(title="New", summary="<p>s</p>"), [
            "Title: now “New”", "The short version: revised"
        ]),
        (content({"id": "p", **paragraph("a")}), content(), ["Text: removed"]),
    ],
)  # fmt: skip
def test_changes_are_described_in_plain_words(old, new, expected):
    assert describe_changes(old, new) == expected
