"""The review screen in Chromium: from the stage e-mail's link to a decision.

gunicorn and a real qcluster serve a scratch SQLite database with the demo content; the
fake registry of the trials tests stands in for ClinicalTrials.gov. The registry verifier
opens the link of the e-mail stage 3 sent, reads the changes and the registry panel,
refreshes the cited trial (queued to the qcluster), sees the preview inside the admin and
approves, which publishes. Screenshots go to /work/notes/shots/ (outside the repository)
when that folder exists; the reviewer's time and steps are printed, never asserted.
"""

import json
import re
import time
from pathlib import Path

import pytest

from tests.processes import DEMO_PASSWORD, PYTHON, gunicorn, manage, running

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = DEMO_PASSWORD  # the demo template's accounts
TITLE = "Browser review: radioligand therapy"
NCT = "NCT99000001"  # one of our example records, served by the fake registry
SHOTS = Path("/work/notes/shots")

SEED = f"""
import json
from django.core import mail
from django_q.models import Schedule
from wagtail.rich_text import RichText
from django.contrib.auth import get_user_model
from insights.models import ExplainerPage, ExplainerPageAuthor, ExplainerTrialCitation
from insights.models import InsightsIndexPage
from people.models import Person
from trials.models import Trial
Schedule.objects.all().delete()  # the worker runs only what the test queues
Trial.objects.filter(nct_id="{NCT}").delete()  # not synced yet: the refresh fetches it
User = get_user_model()
efi = User.objects.get(username="efi")
index = InsightsIndexPage.objects.get(slug="insights")
page = ExplainerPage(title="{TITLE}", slug="browser-review", subtitle="A drug that seeks",
    live=False, owner=efi, body=[
    {{"type": "paragraph", "value": '<p data-block-key="b1">A radioactive drug finds a '
      'marker on tumour cells.</p>'}},
    {{"type": "paragraph", "value": '<p data-block-key="b2">It is given by drip. Studied '
      'in {NCT}.</p>'}},
    {{"type": "disclaimer", "value": {{"kind": "medical", "extra": ""}}}}])
page.authors = [ExplainerPageAuthor(person=Person.objects.get(user__username="efi"))]
page.trial_citations = [ExplainerTrialCitation(nct_id="{NCT}")]
index.add_child(instance=page)
page.save_revision(user=efi).publish()
draft = ExplainerPage.objects.get(pk=page.pk).get_latest_revision_as_object()
draft.subtitle = "A drug that seeks out cancer cells"
draft.body[0].value = RichText('<p data-block-key="b1">A radioactive drug finds a marker '
    'on prostate tumour cells and kills them from inside.</p>')
draft.save_revision(user=efi)
page = ExplainerPage.objects.get(pk=page.pk)
page.get_workflow().start(page, efi)
for username in ("ioannis", "georgios"):
    page = ExplainerPage.objects.get(pk=page.pk)
    state = page.current_workflow_task_state
    mail.outbox = []
    state.task.specific.on_action(state, User.objects.get(username=username), "approve",
        comment="Checked by " + username, revision=state.revision_id)
body = next(m.body for m in mail.outbox if m.to == ["achi@clinicalmetric.localhost"])
link = re.search(r"(https?://\\S+/admin/review/\\d+/)", body).group(1)
print(json.dumps({{"page_id": page.pk, "link": link}}))
""".replace("import json\n", "import json, re\n", 1)


@pytest.fixture(scope="module")
def site(scratch_databases, tmp_path_factory):
    from tests.trials.fake_registry import FakeRegistry, StudyStore, served_studies

    registry = FakeRegistry(StudyStore(served_studies())).start()
    env = scratch_databases.copy(
        "demo",
        tmp_path_factory.mktemp("review_screen_browser") / "db.sqlite3",
        CTGOV_API_URL=registry.url,
        CTGOV_REQUESTS_PER_SECOND="0",
        CTGOV_MAX_RETRIES="0",
        Q_POLL="0.2",
    )
    result = manage("shell", "-c", SEED, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    seeded = json.loads(result.stdout.strip().splitlines()[-1])
    with gunicorn(env) as base, running([PYTHON, "manage.py", "qcluster"], env):
        # The e-mail names the configured admin host; the test server has its own port.
        path = re.sub(r"^https?://[^/]+", "", seeded["link"])
        yield base, seeded["page_id"], path
    registry.stop()


def shoot(target, name):
    """Save a screenshot of TARGET (a page or an element) for the closing note."""
    if SHOTS.is_dir():
        target.screenshot(path=str(SHOTS / name))


def test_verifier_goes_from_the_email_link_to_a_published_decision(site, browser):
    base, page_id, path = site
    assert path == f"/admin/review/{page_id}/"
    # Tall enough for the whole screen: the admin scrolls its main area, not the page.
    context = browser.new_context(viewport={"width": 1400, "height": 3200})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    steps = []

    # The e-mail's link: not logged in yet, so the admin asks for a login first.
    started = time.monotonic()
    tab.goto(base + path)
    steps.append("open the e-mail's link")
    tab.fill("input[name=username]", "achi")
    tab.fill("input[name=password]", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    steps.append("log in")
    assert tab.url == base + path
    screen = tab.locator("[data-review-screen]")
    assert "Stage 3 of 3: Registry verification" in screen.inner_text()

    # What changed since the published version, block by block.
    changes = tab.locator("[data-review-changes]")
    assert "the published version" in changes.inner_text()
    assert "Paragraph" in changes.locator("[data-block-change=changed]").inner_text()
    assert "prostate" in changes.locator("[data-block-change=changed] .addition").first.inner_text()
    shoot(tab.locator("[data-review-screen]"), "review-screen-before-refresh.png")

    # The cited trial is not synced yet: approval is blocked until it is refreshed.
    panel = tab.locator("[data-review-registry]")
    assert panel.locator("[data-trial-unsynced]").count() == 1
    assert tab.locator('[data-review-decision="approve"] [data-review-blockers]').count() == 1
    with tab.expect_navigation():
        panel.locator("[data-review-refresh]").click()
    steps.append("refresh from registry")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        result = tab.locator("[data-review-refresh-result]")
        if result.get_attribute("data-refresh-done") == "true":
            break
        time.sleep(0.5)
        tab.reload()
    assert result.get_attribute("data-refresh-ok") == "true", result.inner_text()
    assert "succeeded" in result.inner_text()
    panel = tab.locator("[data-review-registry]")
    assert panel.locator(f'[data-cited-trial="{NCT}"] tr[data-fact="Status"]').count() == 1
    shoot(panel, "registry-panel.png")

    # The preview inside the admin shows the revision under review.
    frame = tab.frame_locator("[data-review-preview-frame]")
    assert "prostate tumour cells" in frame.locator("body").inner_text()
    shoot(tab.locator("[data-review-screen]"), "review-screen.png")

    # Approve: comment, submit; the final approval publishes.
    approve = tab.locator('[data-review-decision="approve"]')
    approve.locator("textarea[name=comment]").fill("Registry record refreshed and matches.")
    steps.append("write the comment")
    with tab.expect_navigation():
        approve.locator("button[type=submit]").click()
    steps.append("approve")
    seconds = time.monotonic() - started
    assert "the page is published" in tab.locator(".messages").inner_text()
    print(
        f"\nreviewer, e-mail link to decision: {seconds:.1f} s, {len(steps)} steps "
        f"({', '.join(steps)}; the refresh wait included)"
    )
    tab.goto(base + "/insights/browser-review/")
    assert "prostate tumour cells" in tab.content()
    context.close()


def test_reviewer_opens_the_review_screen_from_the_dashboard(site, browser):
    base, _page_id, _path = site
    context = browser.new_context()
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("input[name=username]", "dimitra")
    tab.fill("input[name=password]", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    # The demo's own drafts wait at stage 1 for the research analysts.
    link = tab.locator("[data-review-screen-link]").first
    title = link.inner_text().strip()
    with tab.expect_navigation():
        link.click()
    assert re.search(r"/admin/review/\d+/$", tab.url)
    assert title in tab.locator("header").inner_text()
    assert "Stage 1 of 3: Primary research" in tab.locator("[data-review-summary]").inner_text()
    context.close()
