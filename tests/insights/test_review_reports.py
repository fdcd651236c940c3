"""Review queues and reports in the admin, and the "registry check needed" flag."""

import csv
import datetime as dt
import html as html_lib
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import TaskState

from insights.models import CompletedReview, ExplainerTrialCitation, RegistryCheckFlag
from insights.review.flags import (
    flag_explainers_citing,
    flag_for_re_review,
    on_trial_status_changed,
    registry_check_needed,
)
from insights.review.reports import ReviewQueueView
from tests.insights import review_support
from tests.insights.review_support import (
    NCT,
    advance_to_stage,
    decide,
    make_explainer,
    open_state,
    reload,
)
from trials.models import Trial

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial

QUEUE = reverse("insights_review_queue")
OVERDUE = reverse("insights_overdue_reviews")
FLAGS = reverse("insights_registry_checks")
RE_REVIEWS = reverse("insights_re_reviews")


@pytest.mark.parametrize("url", [QUEUE, OVERDUE, FLAGS, RE_REVIEWS])
@pytest.mark.parametrize(
    "role,allowed",
    [("analyst", False), ("medical", False), ("verifier", False), ("writer", True), ("boss", True)],
)
def test_reports_are_for_editors_and_superusers(client, team, url, role, allowed):
    client.force_login(team[role])
    response = client.get(url)
    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302 and response.url == "/admin/"
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert (f'"url": "{url}"' in menu) is allowed


def test_reports_refuse_anonymous(client):
    for url in (QUEUE, OVERDUE, FLAGS, RE_REVIEWS):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url


def _rows(response):
    """The report's table as lists of cell texts (header row first)."""
    html = response.content.decode()
    results = html[html.index('id="listing-results"') :]
    table = results[results.index("<table") : results.index("</table>")]
    rows = []
    for chunk in re.split(r"<tr[^>]*>", table)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", chunk, flags=re.S)
        rows.append(
            [html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", c).split())) for c in cells]
        )
    return rows


def _csv(response):
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize("url", [QUEUE, OVERDUE, FLAGS, RE_REVIEWS])
@pytest.mark.parametrize("role", ["analyst", "medical", "verifier"])
def test_reviewers_get_no_export_either(client, team, url, role, export):
    client.force_login(team[role])
    response = client.get(url, {"export": export})
    assert response.status_code == 302 and response.url == "/admin/"
    assert "Content-Disposition" not in response


@pytest.fixture
def queue(team, fresh_trial):
    """An explainer at each stage (waiting stage + 1 days: oldest at stage 3); one sent back."""
    pages = {}
    for stage in (1, 2, 3):
        pages[stage] = make_explainer(team["writer"], title=f"At stage {stage}")
        advance_to_stage(pages[stage], stage, team)
        TaskState.objects.filter(pk=open_state(pages[stage]).pk).update(
            started_at=timezone.now() - dt.timedelta(days=stage + 1, hours=1)
        )
    back = make_explainer(team["writer"], title="Sent back")
    advance_to_stage(back, 2, team)
    decide(back, team["medical"], "reject", "Needs sources.")
    return {"pages": pages, "back": back}


QUEUE_HEADINGS = [
    "Stage",
    "Page",
    "Submitted by",
    "Waiting since",
    "Days waiting",
    "Days in review",
]


def test_queue_lists_pages_in_stage_order_with_their_age_in_fixed_queries(client, team, queue):
    client.force_login(team["writer"])
    with CaptureQueriesContext(connection) as four:
        response = client.get(QUEUE)
    rows = _rows(response)
    assert rows[0] == QUEUE_HEADINGS
    assert [(row[0], row[1], row[4]) for row in rows[1:]] == [
        ("Primary research", "At stage 1", "2"),
        ("Medical accuracy review", "At stage 2", "3"),
        ("Registry verification", "At stage 3", "4"),
        ("Changes requested (back with the writer)", "Sent back", "0"),
    ]
    writer_name = team["writer"].get_full_name() or team["writer"].get_username()
    assert all(row[2] == writer_name for row in rows[1:])
    # The title opens the review screen, not the editor.
    page = queue["pages"][1]
    assert f'href="{reverse("insights_review", args=[page.pk])}"' in response.content.decode()
    # Both downloads are offered.
    assert "export=xlsx" in response.content.decode()
    assert "export=csv" in response.content.decode()

    for extra in range(3):
        advance_to_stage(make_explainer(team["writer"], title=f"More {extra}"), 2, team)
    with CaptureQueriesContext(connection) as seven:
        client.get(QUEUE)
    assert len(seven) == len(four)


def test_queue_exports_the_table_as_csv_and_xlsx(client, team, queue):
    client.force_login(team["writer"])
    response = client.get(QUEUE, {"export": "csv"})
    assert "review-queue-" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == QUEUE_HEADINGS
    assert [(row[0], row[1], row[4]) for row in rows[1:]] == [
        ("Primary research", "At stage 1", "2"),
        ("Medical accuracy review", "At stage 2", "3"),
        ("Registry verification", "At stage 3", "4"),
        ("Changes requested (back with the writer)", "Sent back", "0"),
    ]
    waited = timezone.localtime(open_state(queue["pages"][3]).started_at)
    assert rows[3][3] == f"{waited:%Y-%m-%d %H:%M}"

    sheet = _xlsx(client.get(QUEUE, {"export": "xlsx"}))
    assert sheet[0] == QUEUE_HEADINGS
    assert [(row[0], row[1], row[4]) for row in sheet[1:]] == [
        ("Primary research", "At stage 1", 2),
        ("Medical accuracy review", "At stage 2", 3),
        ("Registry verification", "At stage 3", 4),
        ("Changes requested (back with the writer)", "Sent back", 0),
    ]
    assert isinstance(sheet[3][3], dt.datetime)  # a real date cell, not text


def test_queue_is_paginated_and_exports_every_row(client, team, queue, monkeypatch):
    monkeypatch.setattr(ReviewQueueView, "paginate_by", 2)
    client.force_login(team["writer"])
    first = _rows(client.get(QUEUE))
    second = _rows(client.get(QUEUE, {"p": 2}))
    assert [row[1] for row in first[1:]] == ["At stage 1", "At stage 2"]
    assert [row[1] for row in second[1:]] == ["At stage 3", "Sent back"]
    assert "Page 1 of 2" in client.get(QUEUE).content.decode()
    assert len(_csv(client.get(QUEUE, {"export": "csv", "p": 2}))) == 5  # heading + all four


def test_an_empty_report_says_so(client, team):
    client.force_login(team["writer"])
    response = client.get(QUEUE)
    html = response.content.decode()
    assert "<table" not in html[html.index('id="listing-results"') :]
    assert "There are no results." in response.content.decode()
    assert _csv(client.get(QUEUE, {"export": "csv"})) == [QUEUE_HEADINGS]


def test_overdue_lists_live_pages_past_their_next_review(client, team, fresh_trial, settings):
    settings.REVIEW_INTERVAL_DAYS = 90
    old = make_explainer(team["writer"], title="Reviewed long ago")
    advance_to_stage(old, 4, team)
    CompletedReview.objects.filter(page=old).update(
        completed_at=timezone.now() - dt.timedelta(days=100)
    )
    recent = make_explainer(team["writer"], title="Reviewed recently")
    advance_to_stage(recent, 4, team)
    never = make_explainer(team["writer"], title="Published directly")
    reload(never).get_latest_revision().publish(user=team["boss"])
    make_explainer(team["writer"], title="Draft only")

    client.force_login(team["writer"])
    rows = _rows(client.get(OVERDUE))
    assert rows[0] == ["Page", "Last reviewed", "Next review due", "Days overdue"]
    by_title = {row[0]: row for row in rows[1:]}
    assert set(by_title) == {"Reviewed long ago", "Published directly"}
    assert by_title["Reviewed long ago"][3] == "10"
    assert by_title["Published directly"][1:3] == ["Never", "Now"]

    exported = _csv(client.get(OVERDUE, {"export": "csv"}))
    assert {row[0]: row[3] for row in exported[1:]} == {
        "Published directly": "",
        "Reviewed long ago": "10",
    }
    sheet = _xlsx(client.get(OVERDUE, {"export": "xlsx"}))
    assert sheet[0] == ["Page", "Last reviewed", "Next review due", "Days overdue"]
    assert {row[0]: row[1] for row in sheet[1:]}["Published directly"] == "Never"


def test_registry_check_report_shows_labels_not_registry_values(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Live citing")
    reload(page).get_latest_revision().publish(user=team["boss"])
    on_trial_status_changed(
        None,
        nct_id=NCT,
        old_status="COMPLETED",
        new_status="TERMINATED",
        old_phases=["EARLY_PHASE1"],
        new_phases=["PHASE1"],
    )
    client.force_login(team["writer"])
    why = (
        "Registry status changed from Completed to Terminated "
        "and phases changed from Early phase 1 to Phase 1."
    )
    rows = _rows(client.get(FLAGS))
    assert rows[0] == ["Page", "Trial", "Why", "Flagged"]
    assert rows[1][:3] == ["Live citing", NCT, why]
    for rows in (
        _csv(client.get(FLAGS, {"export": "csv"})),
        _xlsx(client.get(FLAGS, {"export": "xlsx"})),
    ):
        assert rows[0] == ["Page", "Trial", "Why", "Flagged"]
        assert rows[1][:3] == ["Live citing", NCT, why]
        text = " ".join(str(cell) for row in rows for cell in row)
        assert "COMPLETED" not in text and "TERMINATED" not in text and "PHASE1" not in text


def test_re_review_report_names_what_changed(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Shows an image")
    flag_for_re_review(page, "image:12", "The image's alt text changed after review.")
    client.force_login(team["writer"])
    rows = _rows(client.get(RE_REVIEWS))
    assert rows[0] == ["Page", "What changed", "Why", "Flagged"]
    assert rows[1][:3] == [
        "Shows an image",
        "Image 12",
        "The image's alt text changed after review.",
    ]
    sheet = _xlsx(client.get(RE_REVIEWS, {"export": "xlsx"}))
    assert sheet[1][:3] == [
        "Shows an image",
        "Image 12",
        "The image's alt text changed after review.",
    ]


def test_flagging_explainers_citing_a_changed_trial(client, team, fresh_trial):
    live = make_explainer(team["writer"], title="Live citing")
    reload(live).get_latest_revision().publish(user=team["boss"])
    make_explainer(team["writer"], title="Draft citing")  # not published: not flagged
    other = make_explainer(team["writer"], title="Other trial", nct="NCT04000002")
    reload(other).get_latest_revision().publish(user=team["boss"])

    assert flag_explainers_citing(NCT.lower(), "Status changed to TERMINATED.") == 1
    assert flag_explainers_citing(NCT, "Status changed again.") == 1  # still one open flag
    flag = RegistryCheckFlag.objects.get()
    assert flag.page_id == live.pk and flag.reason == "Status changed again."
    assert registry_check_needed(live) and not registry_check_needed(other)

    client.force_login(team["writer"])
    html = client.get(FLAGS).content.decode()
    assert "Live citing" in html and NCT in html and "Status changed again." in html


def test_trials_signal_receiver_and_a_completed_verification_clear_the_flag(team, fresh_trial):
    page = make_explainer(team["writer"])
    reload(page).get_latest_revision().publish(user=team["boss"])
    Trial.objects.filter(pk=fresh_trial.pk).update(overall_status="TERMINATED")
    fresh_trial.refresh_from_db()
    assert on_trial_status_changed(None, trial=fresh_trial, old_status="RECRUITING") == 1
    flag = RegistryCheckFlag.objects.get(page=page)
    assert flag.reason == "Registry status changed from Recruiting to Terminated."
    # The sync also reports phase changes through the same signal.
    on_trial_status_changed(
        Trial,
        trial=fresh_trial,
        old_status="TERMINATED",
        new_status="TERMINATED",
        old_phases=["PHASE2"],
        new_phases=["PHASE2", "PHASE3"],
    )
    flag.refresh_from_db()
    assert flag.reason == "Registry phases changed from Phase 2 to Phase 2, Phase 3."

    # Re-review: the page must now state the new status to pass stage 3.
    revision_page = reload(page).get_latest_revision_as_object()
    revision_page.trial_citations = [
        ExplainerTrialCitation(nct_id=NCT, stated_status="TERMINATED", stated_phase="PHASE2")
    ]
    revision_page.save_revision(user=team["writer"])
    advance_to_stage(page, 4, team)
    flag.refresh_from_db()
    assert flag.resolved_at is not None and flag.resolved_by == team["verifier2"]
    assert not registry_check_needed(page)
