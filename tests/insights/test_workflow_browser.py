"""One explainer walked through the three review stages in the real admin, in Chromium.

Four logins (the demo's editor, analyst, medical reviewer and registry verifier) against
gunicorn serving a scratch SQLite database migrated and loaded with the demo content.
Stage 1 and 3 are approved from the dashboard's "Awaiting your review" modal, stage 2
from the page editor's action menu; the published page then shows the review record.
"""

import pytest

from tests.processes import DEMO_PASSWORD, gunicorn, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = DEMO_PASSWORD  # the demo template's accounts
TITLE = "Browser walk: radioligand therapy"
SLUG = "browser-walk-radioligand-therapy"
NCT = "NCT05000001"

SEED = f"""
from django.contrib.auth import get_user_model
from django.utils import timezone
from insights.models import ExplainerPage, ExplainerPageAuthor, ExplainerTrialCitation
from insights.models import InsightsIndexPage
from people.models import Person
from trials.models import Trial
Trial.objects.update_or_create(nct_id="{NCT}", defaults=dict(
    overall_status="RECRUITING", phases=["PHASE3"], last_seen=timezone.now()))
efi = get_user_model().objects.get(username="efi")
index = InsightsIndexPage.objects.get(slug="insights")
page = ExplainerPage(title="{TITLE}", slug="{SLUG}", live=False, owner=efi, body=[
    {{"type": "paragraph", "value": '<p data-block-key="b1">A radioactive drug finds a '
      'marker on tumour cells. Studied in {NCT}.</p>'}},
    {{"type": "disclaimer", "value": {{"kind": "medical", "extra": ""}}}}])
page.authors = [ExplainerPageAuthor(person=Person.objects.get(user__username="efi"))]
page.trial_citations = [ExplainerTrialCitation(
    nct_id="{NCT}", stated_status="RECRUITING", stated_phase="PHASE3")]
index.add_child(instance=page)
page.save_revision(user=efi)
print(page.pk)
"""


@pytest.fixture(scope="module")
def site(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy("demo", tmp_path_factory.mktemp("review_browser") / "db.sqlite3")
    result = manage("shell", "-c", SEED, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    page_id = int(result.stdout.strip().splitlines()[-1])
    with gunicorn(env) as base:
        yield base, page_id


def log_in(browser, base, username):
    context = browser.new_context()
    context.set_default_timeout(20_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("input[name=username]", username)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url(base + "/admin/")
    return tab


def decide_in_modal(tab, comment):
    modal = tab.locator(".modal")
    modal.locator("textarea[name=comment]").fill(comment)
    with tab.expect_navigation():
        modal.locator("button[type=submit]").click()


def open_dashboard_approval(browser, base, page_id, username, label):
    """Log in, find the page in "Awaiting your review" and open its approve modal."""
    tab = log_in(browser, base, username)
    row = tab.locator("#awaiting-review-content tr", has_text=TITLE)
    approve = row.locator(f'button[data-workflow-action-url*="/action/{page_id}/approve/"]')
    assert approve.inner_text().strip() == label
    row.locator("button[aria-label=Actions]").click()
    approve.evaluate("button => button.click()")
    tab.locator(".modal [data-review-decision=approve]").wait_for()
    return tab


def test_one_explainer_through_three_stages_with_four_logins(site, browser):
    base, page_id = site
    edit = f"{base}/admin/pages/{page_id}/edit/"

    # The editor submits the draft to the "Editorial review" workflow.
    tab = log_in(browser, base, "efi")
    tab.goto(edit)
    with tab.expect_navigation():
        tab.locator("button[name=action-submit]").evaluate("button => button.click()")
    assert "submitted for moderation" in tab.content()
    tab.context.close()

    # Stage 1: the research analyst approves from the dashboard.
    tab = open_dashboard_approval(browser, base, page_id, "ioannis", "Approve")
    decide_in_modal(tab, "Sources checked.")
    tab.context.close()

    # Stage 2: the medical reviewer approves from the page editor's action menu.
    tab = log_in(browser, base, "georgios")
    tab.goto(edit)
    # Let the editor's widgets (StreamField, rich text) initialise before deciding: a form
    # posted before they have serialised their values would count as an edit.
    tab.wait_for_load_state("networkidle")
    tab.locator("[data-streamfield-stream-container], [data-contentpath=body]").first.wait_for()
    tab.locator("button[data-workflow-action-name=approve]").evaluate("b => b.click()")
    tab.locator(".modal textarea[name=comment]").wait_for()
    decide_in_modal(tab, "Clinically accurate.")
    tab.context.close()

    # Stage 3: the registry verifier sees the checks pass and approves, which publishes.
    tab = open_dashboard_approval(browser, base, page_id, "achi", "Approve and publish")
    checks = tab.locator(".modal [data-review-checks]")
    assert NCT in checks.inner_text() and "Matches the registry" in checks.inner_text()
    decide_in_modal(tab, "Every cited trial matches the registry.")

    tab.goto(f"{base}/insights/{SLUG}/")
    dates = tab.locator(".review-dates").inner_text()
    assert "Medically reviewed by" in dates
    assert "Georgios Anagas" in dates
    assert "Registry verified" in dates
    assert "Last reviewed" in dates and "Next review due" in dates
    tab.context.close()
