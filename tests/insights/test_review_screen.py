"""The read-only review screen: who may open it, what it shows, the decision bound to it."""

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState
from wagtail.rich_text import RichText

from insights.models import ExplainerTrialCitation
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    decide,
    edit_form_data,
    edit_url,
    make_explainer,
    make_user,
    open_state,
    post_edit,
    reload,
    save_edit,
    stage_names,
    submit,
)
from trials.models import Trial

team, fresh_trial = review_support.team, review_support.fresh_trial

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


def screen_url(page):
    return reverse("insights_review", args=[page.pk])


def decide_url(page, action):
    return reverse("insights_review_decide", args=[page.pk, action])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def open_screen(client, page, user):
    client.force_login(user)
    response = client.get(screen_url(page))
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def text(node):
    return " ".join(node.get_text(" ").split()) if node else ""


# Who may open it (deny cases first) --------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    response = client.get(screen_url(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_users_who_may_not_edit_the_page_are_refused(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    no_admin = make_user("reader")
    moderator = make_user("moderator", "Moderators")  # admin access, no page permission
    client.force_login(no_admin)
    response = client.get(screen_url(page))
    assert response.status_code == 302  # the admin refuses accounts without admin access
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    client.force_login(moderator)
    # Wagtail answers a refusal inside the admin with a redirect and a message.
    for response in (
        client.get(screen_url(page)),
        client.post(reverse("insights_review_refresh", args=[page.pk])),
        client.post(decide_url(page, "approve"), {"revision": 1, "comment": "x"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert stage_names(page) == "Primary research"
    # XHR callers get the plain 403.
    xhr = client.get(screen_url(page), headers={"x-requested-with": "XMLHttpRequest"})
    assert xhr.status_code == 403


def test_unknown_or_non_explainer_pages_are_404(client, team):
    client.force_login(team["analyst"])
    assert client.get(reverse("insights_review", args=[987654])).status_code == 404
    index = Page.objects.get(slug="insights")
    assert client.get(reverse("insights_review", args=[index.pk])).status_code == 404


@pytest.mark.parametrize("username", ["writer", "analyst", "medical", "verifier", "boss"], ids=str)
def test_the_team_opens_it(client, team, fresh_trial, username):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    soup = open_screen(client, page, team[username])
    assert "Stage 1 of 3: Primary research" in text(soup.select_one("[data-review-summary]"))


def test_a_page_not_in_review_says_so(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    soup = open_screen(client, page, team["analyst"])
    assert soup.select_one("[data-review-not-in-review]")
    assert not soup.select_one("[data-review-decision-panel]")


# What it shows ----------------------------------------------------------------------------


def test_first_version_has_nothing_to_compare_and_shows_the_preview(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    soup = open_screen(client, page, team["analyst"])
    assert soup.select_one("[data-review-first-version]")
    frame = soup.select_one("[data-review-preview-frame]")
    revision_id = open_state(page).revision_id
    assert frame["src"] == reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision_id])
    # The preview it frames answers inside the admin, which may frame it.
    client.force_login(team["analyst"])
    preview = client.get(frame["src"])
    assert preview.status_code == 200
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "How it works" in preview.content.decode()


def test_changes_since_the_last_approval_name_fields_and_blocks(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    decide(page, team["analyst"])  # stage 1 approved version 1
    draft = reload(page).get_latest_revision_as_object()
    draft.subtitle = "A new subtitle"
    # The editor keeps block ids: the paragraph is changed, the disclaimer removed.
    draft.body[0].value = RichText('<p data-block-key="k1">How it really works. NCT04000001.</p>')
    del draft.body[1]
    draft.body.append(("paragraph", RichText('<p data-block-key="k2">A new closing note.</p>')))
    draft.save_revision(user=team["writer"])
    assert stage_names(page) == "Primary research"  # the edit restarted the review

    soup = open_screen(client, page, team["analyst2"])
    changes = soup.select_one("[data-review-changes]")
    summary = text(changes)
    assert "approved at “Primary research” by Analyst Tester" in summary
    labels = [text(td) for td in changes.select("td.title")]
    assert labels == ["Subtitle:", "Body:"]
    assert changes.find("span", class_="deletion", string=re.compile("What it is"))
    assert changes.find("span", class_="addition", string=re.compile("A new subtitle"))
    # StreamField changes are labelled by block, not raw keys.
    blocks = [
        (div["data-block-change"], text(div.select_one("[data-block-label]")), text(div))
        for div in changes.select("[data-block-change]")
    ]
    assert [(change, label) for change, label, _ in blocks] == [
        ("changed", "Paragraph"),
        ("added", "Paragraph"),
        ("removed", "Disclaimer"),  # Wagtail places a removed block after the added ones
    ]
    changed = changes.select_one('[data-block-change="changed"]')
    assert text(changed.find(class_="addition")) == "really"
    assert "A new closing note." in blocks[1][2]
    assert "k1" not in text(changes)


def test_changes_since_the_published_version(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    reload(page).get_latest_revision().publish(user=team["boss"])
    save_edit(page, team["writer"], subtitle="Updated after publication")
    submit(page, team["writer"])
    soup = open_screen(client, page, team["analyst"])
    changes = soup.select_one("[data-review-changes]")
    assert "the published version" in text(changes)
    assert [text(td) for td in changes.select("td.title")] == ["Subtitle:"]


def test_stages_show_who_approved_the_version_under_review(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    soup = open_screen(client, page, team["verifier"])
    stages = [(li["data-stage-status"], text(li)) for li in soup.select("[data-review-stages] li")]
    assert [status for status, _ in stages] == ["approved", "approved", "in review"]
    assert "by Analyst2 Tester" in stages[0][1] and "“Checked.”" in stages[0][1]
    assert "by Medical2 Tester" in stages[1][1]
    # Nothing approved before this version: the first version, everything new.
    assert soup.select_one("[data-review-first-version]")


# The decision ---------------------------------------------------------------------------


def test_the_decision_form_is_bound_to_the_revision_and_decides_through_the_task(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    soup = open_screen(client, page, team["analyst"])
    form = soup.select_one('[data-review-decision="approve"] form')
    assert form["action"] == decide_url(page, "approve")
    assert form.find("input", attrs={"name": "revision"})["value"] == str(state.revision_id)
    assert soup.select_one('[data-review-decision="reject"] form')["action"] == decide_url(
        page, "reject"
    )

    response = client.post(
        form["action"], {"revision": state.revision_id, "comment": "Sound."}, follow=True
    )
    assert response.redirect_chain == [(screen_url(page), 302)]
    assert any("moves to “Medical accuracy review”" in m for m in messages_of(response))
    assert stage_names(page) == "Medical accuracy review"
    approval = TaskState.objects.get(pk=state.pk)
    assert (approval.status, approval.finished_by, approval.comment) == (
        "approved",
        team["analyst"],
        "Sound.",
    )


def test_requesting_changes_from_the_screen(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    client.force_login(team["analyst"])
    response = client.post(
        decide_url(page, "reject"),
        {"revision": state.revision_id, "comment": "Cite the 2024 update."},
        follow=True,
    )
    assert any("Changes requested" in m for m in messages_of(response))
    rejected = TaskState.objects.get(pk=state.pk)
    assert (rejected.status, rejected.comment) == ("rejected", "Cite the 2024 update.")


@pytest.mark.parametrize(
    "action, data, expected",
    [
        ("approve", {"revision": "", "comment": "Fine."}, "does not say which version"),
        ("approve", {"revision": "1", "comment": ""}, "Every decision needs a comment"),
        ("publish", {"revision": "1", "comment": "Fine."}, "is not a decision you can take"),
    ],
    ids=["no-revision", "no-comment", "unknown-action"],
)
def test_bad_decisions_come_back_with_a_message_and_change_nothing(
    client, team, fresh_trial, action, data, expected
):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    response = client.post(decide_url(page, action), data, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == screen_url(page) + "#decision"
    assert any(expected in m for m in messages_of(response))
    assert open_state(page).status == TaskState.STATUS_IN_PROGRESS
    assert not TaskState.objects.exclude(status="in_progress").exists()
    assert client.get(decide_url(page, "approve")).status_code == 405


def test_a_decision_on_a_version_no_longer_under_review_is_refused_with_the_reason(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    soup = open_screen(client, page, team["analyst"])
    action = soup.select_one('[data-review-decision="approve"] form')["action"]
    save_edit(page, team["analyst2"], subtitle="Changed while the screen was open")
    response = client.post(
        action, {"revision": state.revision_id, "comment": "Sound."}, follow=True
    )
    assert response.redirect_chain[0][0] == screen_url(page) + "#decision"
    assert any("This page changed since you opened it" in m for m in messages_of(response))
    assert stage_names(page) == "Primary research"
    assert not TaskState.objects.filter(status="approved").exists()


def test_the_final_approval_from_the_screen_publishes(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    state = advance_to_stage(page, 3, team)
    client.force_login(team["verifier"])
    response = client.post(
        decide_url(page, "approve"),
        {"revision": state.revision_id, "comment": "Registry matches."},
        follow=True,
    )
    assert any("the page is published" in m for m in messages_of(response))
    assert reload(page).live
    assert response.context["in_review"] is False


def test_non_members_of_the_stage_get_no_form(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    soup = open_screen(client, page, team["medical"])
    assert "Only members of “Research analysts” decide this stage." in text(
        soup.select_one("[data-review-not-your-stage]")
    )
    assert not soup.select("[data-review-decision-panel] form")


def test_the_last_editor_may_only_request_changes_and_is_told_why(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    save_edit(page, team["analyst"])
    soup = open_screen(client, page, team["analyst"])
    assert "You made the latest edit" in text(soup.select_one("[data-review-barrier]"))
    assert not soup.select_one('[data-review-decision="approve"]')
    assert soup.select_one('[data-review-decision="reject"] form')


def test_stage_three_checks_decide_and_block_the_approval(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    Trial.objects.filter(nct_id=fresh_trial.nct_id).update(
        last_seen=timezone.now() - dt.timedelta(days=30)
    )
    soup = open_screen(client, page, team["verifier"])
    checks = soup.select("[data-review-checks] li[data-check-passed]")
    failed = [text(li) for li in checks if li["data-check-passed"] == "false"]
    assert failed and "30 days old" in failed[0]
    assert "30 days old" in text(soup.select_one("[data-review-blockers]"))
    assert not soup.select_one('[data-review-decision="approve"] form')


# The registry panel -----------------------------------------------------------------------


def cite_in_body(draft, nct_ids) -> None:
    """Mention NCT_IDS in DRAFT's body, so that saving keeps their citations."""
    if nct_ids:
        draft.body.append(("paragraph", RichText(f"<p>Also {', '.join(nct_ids)}.</p>")))


def test_registry_panel_puts_the_page_beside_the_registry_with_labels(client, team, fresh_trial):
    Trial.objects.filter(pk=fresh_trial.pk).update(
        overall_status="ACTIVE_NOT_RECRUITING",
        lead_sponsor="Example Oncology Group",
        enrollment=120,
        enrollment_type="ESTIMATED",
        start_date="2024-03",
        start_date_type="ACTUAL",
        completion_date="2027",
        completion_date_type="ESTIMATED",
    )
    Trial.objects.create(nct_id="NCT99000001", brief_title="Our example", last_seen=timezone.now())
    page = make_explainer(team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    draft.trial_citations = [
        *draft.trial_citations.all(),
        ExplainerTrialCitation(nct_id="NCT04999999"),
        ExplainerTrialCitation(nct_id="NCT99000001"),
    ]
    cite_in_body(draft, ["NCT04999999", "NCT99000001"])  # the citations follow the body
    draft.save_revision(user=team["writer"])
    submit(page, team["writer"])

    soup = open_screen(client, page, team["analyst"])
    real = soup.select_one('[data-cited-trial="NCT04000001"]')
    facts = {
        tr["data-fact"]: [text(td) for td in tr.select("td")[1:]] + [tr["data-fact-matches"]]
        for tr in real.select("tr[data-fact]")
    }
    assert facts["Status"] == ["Recruiting differs", "Active, not recruiting", "false"]
    assert facts["Phase"] == ["Phase 2", "Phase 2", "true"]
    assert facts["Sponsor"] == ["not stated", "Example Oncology Group", "none"]
    assert facts["Enrollment"][1] == "120 (anticipated)"
    assert facts["Start"][1] == "March 2024 (actual)"
    assert facts["Completion"][1] == "2027 (expected)"
    assert real["data-trial-problems"] == "true"
    link = real.select_one("[data-trial-registry-link]")
    assert link["href"] == "https://clinicaltrials.gov/study/NCT04000001"
    assert "Last refreshed" in text(real)

    unsynced = soup.select_one('[data-cited-trial="NCT04999999"]')
    assert unsynced.select_one("[data-trial-unsynced]")
    example = soup.select_one('[data-cited-trial="NCT99000001"]')
    assert not example.select_one("[data-trial-registry-link]")
    assert "no ClinicalTrials.gov page" in text(example)


def test_screen_queries_do_not_grow_with_the_cited_trials(client, team, fresh_trial):
    def queries_for(extra_ids):
        page = make_explainer(team["writer"], title=f"Explainer {len(extra_ids)}")
        draft = reload(page).get_latest_revision_as_object()
        draft.trial_citations = [
            *draft.trial_citations.all(),
            *(ExplainerTrialCitation(nct_id=nct) for nct in extra_ids),
        ]
        cite_in_body(draft, extra_ids)
        draft.save_revision(user=team["writer"])
        for nct in extra_ids:
            Trial.objects.create(nct_id=nct, overall_status="RECRUITING", phases=["PHASE2"])
        advance_to_stage(page, 3, team)
        client.force_login(team["verifier"])
        client.get(screen_url(page))  # warm per-process caches (content types, sites)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(screen_url(page)).status_code == 200
        return len(queries)

    one = queries_for([])
    four = queries_for(["NCT04000011", "NCT04000012", "NCT04000013"])
    # Building the revision's page checks each child object's foreign key (modelcluster):
    # one query per cited trial, once. Everything the screen adds is constant.
    assert four == one + 3


# Where it is opened from --------------------------------------------------------------------


def test_dashboard_awaiting_review_links_open_the_review_screen(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    soup = BeautifulSoup(client.get(reverse("wagtailadmin_home")).content.decode(), "html.parser")
    link = soup.select_one("[data-review-screen-link]")
    assert link["href"] == screen_url(page)
    assert screen_url(page) in [a.get("href") for a in soup.select(".actions a")]


def test_a_reviewer_opening_the_editor_is_warned_that_editing_restarts_the_review(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)

    def warnings(user):
        client.force_login(user)
        response = client.get(edit_url(page))
        assert response.status_code == 200
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        return [text(li) for li in soup.select(".messages li.warning")]

    assert not any("You are reviewing" in w for w in warnings(team["writer"]))
    assert not any("You are reviewing" in w for w in warnings(team["analyst"]))
    (warning,) = [w for w in warnings(team["medical"]) if "You are reviewing" in w]
    assert "restarts the review at stage 1" in warning
    assert "“Primary research”" in warning
    assert "review screen" in warning


def test_at_stage_one_the_warning_says_an_edit_bars_the_editor_from_approving(
    client, team, fresh_trial
):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    soup = BeautifulSoup(client.get(edit_url(page)).content.decode(), "html.parser")
    (warning,) = [text(li) for li in soup.select(".messages li") if "You are reviewing" in text(li)]
    assert "could no longer approve it" in warning
    assert Group.objects.get(name="Research analysts") in team["analyst"].groups.all()


# Refresh from registry ------------------------------------------------------------------


@pytest.fixture
def registry(settings):
    """The trials tests' fake registry (our example records), settings pointed at it."""
    from tests.trials.fake_registry import FakeRegistry, StudyStore, served_studies

    server = FakeRegistry(StudyStore(served_studies())).start()
    settings.CTGOV_API_URL = server.url
    settings.CTGOV_REQUESTS_PER_SECOND = 0
    settings.CTGOV_BACKOFF_BASE = 0.001
    settings.CTGOV_MAX_RETRIES = 0
    yield server
    server.stop()


def run_queued_task():
    """Do what the qcluster does with the one queued package (in this test's database)."""
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage
    from django_q.tasks import _sync

    (queued,) = OrmQ.objects.all()
    queued.delete()
    task = queued.task
    # In-process ("sync") so the worker keeps this test's database connection open.
    task["sync"] = True
    return _sync(SignedPackage.dumps(task))


def cite_example_trial(team):
    page = make_explainer(team["writer"], nct="NCT99000001")
    submit(page, team["writer"])
    return page


def test_refresh_queues_sync_trials_ids_and_shows_the_result(client, team, registry):
    from django_q.models import OrmQ

    from insights.review.screen.registry import REFRESH_TASK

    page = cite_example_trial(team)
    soup = open_screen(client, page, team["analyst"])
    assert soup.select_one('[data-cited-trial="NCT99000001"] [data-trial-unsynced]')
    assert not soup.select_one("[data-review-refresh-result]")

    response = client.post(reverse("insights_review_refresh", args=[page.pk]))
    assert response.status_code == 302
    assert response["Location"] == screen_url(page) + "#registry"
    (queued,) = OrmQ.objects.all()
    assert queued.task["func"] == REFRESH_TASK
    assert queued.task["args"] == (["NCT99000001"],)
    assert not Trial.objects.exists()  # queued, not run in the request

    waiting = open_screen(client, page, team["analyst"]).select_one("[data-review-refresh-result]")
    assert waiting["data-refresh-done"] == "false"
    assert "waiting for the worker" in text(waiting)

    run_queued_task()
    soup = open_screen(client, page, team["analyst"])
    done = soup.select_one("[data-review-refresh-result]")
    assert (done["data-refresh-done"], done["data-refresh-ok"]) == ("true", "true")
    assert "succeeded" in text(done) and "1 created" in text(done)
    row = soup.select_one('[data-cited-trial="NCT99000001"]')
    assert not row.select_one("[data-trial-unsynced]")
    assert row.select_one('tr[data-fact="Status"]')


def test_a_failed_refresh_says_why(client, team, registry, settings):
    page = cite_example_trial(team)
    registry.stop()  # the registry is unreachable
    client.force_login(team["verifier"])
    client.post(reverse("insights_review_refresh", args=[page.pk]))
    run_queued_task()
    done = open_screen(client, page, team["verifier"]).select_one("[data-review-refresh-result]")
    assert (done["data-refresh-done"], done["data-refresh-ok"]) == ("true", "false")
    assert "failed" in text(done)
    assert not Trial.objects.exists()


def test_refresh_of_a_page_citing_nothing_queues_nothing(client, team, fresh_trial):
    from django_q.models import OrmQ

    page = make_explainer(team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    draft.body[0].value = RichText('<p data-block-key="k1">How it works, no trial named.</p>')
    draft.trial_citations = []
    draft.save_revision(user=team["writer"])
    assert not reload(page).get_latest_revision_as_object().trial_citations.exists()
    client.force_login(team["analyst"])
    response = client.post(reverse("insights_review_refresh", args=[page.pk]), follow=True)
    assert any("cites no trials" in m for m in messages_of(response))
    assert not OrmQ.objects.exists()
    assert client.get(reverse("insights_review_refresh", args=[page.pk])).status_code == 405


def test_public_pages_may_not_be_framed_previews_may_by_the_admin(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    reload(page).get_latest_revision().publish(user=team["boss"])
    public = client.get(reload(page).url)
    assert public.status_code == 200
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert public["X-Frame-Options"] == "DENY"
    client.force_login(team["writer"])
    preview = client.get(
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, page.latest_revision_id])
    )
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in preview["Content-Security-Policy"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


# Unsynced NCT IDs, warned on the writer's save --------------------------------------------


def test_saving_with_an_unsynced_nct_id_warns_and_offers_the_refresh(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    client.force_login(team["writer"])
    response = post_edit(client, page, paragraph="<p>See NCT04000001 and NCT04999999.</p>")
    assert response.status_code == 302
    page_messages = messages_of(client.get(response["Location"]))
    (warning,) = [m for m in page_messages if "Not among the synced trials" in m]
    assert "NCT04999999" in warning and "NCT04000001" not in warning
    assert f'href="{screen_url(page)}#registry"' in warning
    assert "Refresh from registry" in warning
    # The screen of a page not in review still has the registry panel, with the action.
    soup = open_screen(client, page, team["writer"])
    assert soup.select_one('[data-cited-trial="NCT04999999"] [data-trial-unsynced]')
    assert soup.select_one("[data-review-refresh]")


def test_saving_with_synced_trials_only_or_by_script_warns_nothing(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    client.force_login(team["writer"])
    response = post_edit(client, page, subtitle="Only the subtitle changes")
    assert not [
        m
        for m in messages_of(client.get(response["Location"]))
        if "Not among the synced trials" in m
    ]
    client.post(
        edit_url(page),
        edit_form_data(page, paragraph="<p>See NCT04999999.</p>"),
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert not [
        m for m in messages_of(client.get(edit_url(page))) if "Not among the synced trials" in m
    ]
