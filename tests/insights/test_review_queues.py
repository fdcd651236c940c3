"""Per-stage review queues: who may open them, and pages no eligible reviewer can approve."""

import csv
import html as html_lib
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, credit_author, make_explainer

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def queue_url(number):
    return reverse("insights_stage_queue", args=[number])


def _rows(response):
    page = response.content.decode()
    results = page[page.index('id="listing-results"') :]
    if "<table" not in results:
        return []
    table = results[results.index("<table") : results.index("</table>")]
    rows = []
    for chunk in re.split(r"<tr[^>]*>", table)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", chunk, flags=re.S)
        rows.append(
            [html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", c).split())) for c in cells]
        )
    return rows


def _name(user):
    return user.get_full_name().strip() or user.get_username()


# Deny cases first: each review group opens only its own stage's queue.
@pytest.mark.parametrize(
    "role,number",
    [
        ("analyst", 2),
        ("analyst", 3),
        ("medical", 1),
        ("medical", 3),
        ("verifier", 1),
        ("verifier", 2),
    ],
)
def test_a_review_group_cannot_open_another_stages_queue(client, team, role, number):
    client.force_login(team[role])
    response = client.get(queue_url(number))
    assert response.status_code == 302 and response.url == "/admin/"
    response = client.get(queue_url(number), {"export": "csv"})
    assert response.status_code == 302 and "Content-Disposition" not in response
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"url": "{queue_url(number)}"' not in menu


def test_anonymous_and_inactive_users_get_no_queue(client, team):
    assert "/login/" in client.get(queue_url(1)).url
    team["analyst"].is_active = False
    team["analyst"].save()
    client.force_login(team["analyst"])
    assert client.get(queue_url(1)).status_code == 302


def test_an_unknown_stage_is_a_404(client, team):
    client.force_login(team["writer"])
    assert client.get(queue_url(4)).status_code == 404


@pytest.mark.parametrize(
    "role,numbers",
    [
        ("analyst", [1]),
        ("medical", [2]),
        ("verifier", [3]),
        ("writer", [1, 2, 3]),
        ("boss", [1, 2, 3]),
    ],
)
def test_each_group_opens_its_stages_queue_from_the_reports_menu(client, team, role, numbers):
    client.force_login(team[role])
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    names = {1: "Primary research", 2: "Medical accuracy review", 3: "Registry verification"}
    for number in numbers:
        response = client.get(queue_url(number))
        assert response.status_code == 200
        assert f"Queue: {names[number]}" in response.content.decode()
        assert f'"url": "{queue_url(number)}"' in menu


def test_queue_lists_only_its_stage_with_who_may_approve(client, team, fresh_trial):
    first = make_explainer(team["writer"], title="Waiting for research")
    advance_to_stage(first, 1, team)
    second = make_explainer(team["writer"], title="Waiting for medical")
    advance_to_stage(second, 2, team)
    client.force_login(team["analyst"])
    rows = _rows(client.get(queue_url(1)))
    assert rows[0] == [
        "Page",
        "Submitted by",
        "Waiting since",
        "Days waiting",
        "Who may approve",
        "Flag",
    ]
    assert [row[0] for row in rows[1:]] == ["Waiting for research"]
    eligible = rows[1][4]
    assert _name(team["analyst"]) in eligible and _name(team["analyst2"]) in eligible
    assert rows[1][5] == ""


def test_a_page_no_member_may_approve_is_flagged_with_each_reason(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Nobody may approve")
    # medical is credited as an author; medical2 has no linked Person.
    credit_author(page, team["medical"], by=team["writer"])
    advance_to_stage(page, 2, team)
    Person.objects.filter(user=team["medical2"]).update(user=None)
    fine = make_explainer(team["writer"], title="Someone may approve")
    advance_to_stage(fine, 2, team)

    client.force_login(team["medical"])
    rows = {row[0]: row for row in _rows(client.get(queue_url(2)))[1:]}
    assert rows["Nobody may approve"][4] == "No one"
    assert rows["Nobody may approve"][5] == (
        f"No eligible reviewer: {_name(team['medical'])} is credited as an author of this "
        f"page, so may approve no stage of it. {_name(team['medical2'])} has no linked Person."
    )
    # On the other page medical may approve (medical2 still has no Person).
    assert rows["Someone may approve"][4] == _name(team["medical"])
    assert rows["Someone may approve"][5] == ""

    exported = list(
        csv.reader(
            io.StringIO(
                b"".join(client.get(queue_url(2), {"export": "csv"}).streaming_content).decode()
            )
        )
    )
    assert {row[0]: row[5] for row in exported[1:]}["Nobody may approve"].startswith(
        "No eligible reviewer: "
    )


def test_the_submitter_and_an_earlier_approver_are_barred(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Checked by the analysts")
    # analyst2 approves stage 1 (advance_to_stage); the page then waits at stage 2 where
    # neither analyst is a member: the flag comes from the stage's own group only.
    advance_to_stage(page, 2, team, submitter="medical")
    client.force_login(team["writer"])
    rows = {row[0]: row for row in _rows(client.get(queue_url(2)))[1:]}
    assert rows["Checked by the analysts"][4] == _name(team["medical2"])
    assert rows["Checked by the analysts"][5] == ""

    Group.objects.get(name="Medical reviewers").user_set.remove(team["medical2"])
    rows = {row[0]: row for row in _rows(client.get(queue_url(2)))[1:]}
    assert rows["Checked by the analysts"][5] == (
        f"No eligible reviewer: {_name(team['medical'])} submitted this page for review, "
        "so someone else must approve it."
    )


def test_a_stage_whose_group_is_empty_flags_every_page(client, team, fresh_trial):
    page = make_explainer(team["writer"], title="Waiting for verification")
    advance_to_stage(page, 3, team)
    Group.objects.get(name="Registry verifiers").user_set.clear()
    client.force_login(team["writer"])
    rows = _rows(client.get(queue_url(3)))
    assert rows[1][4:] == ["No one", "No one is in the group “Registry verifiers”."]


def test_queue_cost_grows_by_a_fixed_number_of_queries_per_page(client, team, fresh_trial):
    client.force_login(team["writer"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(queue_url(1)).status_code == 200
        return len(queries)

    for number in range(2):
        advance_to_stage(make_explainer(team["writer"], title=f"Page {number}"), 1, team)
    count()  # warm-up: one-off lookups of a worker's first request
    two = count()
    advance_to_stage(make_explainer(team["writer"], title="Page 2"), 1, team)
    three = count()
    advance_to_stage(make_explainer(team["writer"], title="Page 3"), 1, team)
    four = count()
    # Separation of duties is computed once per page (rules.duty_conflicts).
    assert four - three == three - two <= 4
