"""The explainer editor in Chromium: the Checks panel and the trial chooser.

gunicorn serves a scratch SQLite database (migrated, with seeded explainers and a trial).
The Checks panel runs Wagtail's accessibility checker (axe) on the preview: a heading-level
skip a writer made in a rich text block is reported; a clean page reports none, with the
preview loaded; a preview that fails to load never reads "0 issues". The trial list block's
"Choose a trial" button writes the chosen trial's NCT ID, which is saved as text.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.processes import gunicorn, manage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "browser-checks-panel"
SEED = f"""
import json
from django.contrib.auth import get_user_model
from insights.models import ExplainerPage, ExplainerPageAuthor, InsightsIndexPage
from people.models import Person
from trials.models import Trial
Trial.objects.create(nct_id="NCT04444444", brief_title="A study to choose")
user = get_user_model().objects.create_superuser("checker", "checker@example.org", "{PASSWORD}")
person = Person.objects.create(name="Chris Checker", role="research", user=user, live=True)
index = InsightsIndexPage.objects.get(slug="insights")
DISCLAIMER = {{"type": "disclaimer", "value": {{"kind": "medical", "extra": ""}}}}
def explainer(slug, title, body):
    page = ExplainerPage(title=title, slug=slug, subtitle="What it is and how it works",
        live=False, owner=user, body=[*body, DISCLAIMER])
    page.authors = [ExplainerPageAuthor(person=person)]
    index.add_child(instance=page)
    page.save_revision(user=user)
    return page.pk
ids = {{
    # A writer picked "Heading 3" in a paragraph block with no section heading above it.
    "skip": explainer("heading-skip", "Checks: a skipped heading level", [
        {{"type": "paragraph", "value": '<p data-block-key="a1">How the therapy works.</p>'
          '<h3 data-block-key="a2">Side effects</h3><p data-block-key="a3">Fever.</p>'}}]),
    "clean": explainer("clean", "Checks: a clean page", [
        {{"type": "heading", "value": "How it works"}},
        {{"type": "paragraph", "value": '<p data-block-key="c1">Cells are collected.</p>'
          '<h3 data-block-key="c2">In hospital</h3><p data-block-key="c3">A short stay.</p>'}}]),
    "trials": explainer("trials", "Checks: citing trials", [
        {{"type": "trial_list", "value": {{"heading": "Trials", "nct_ids": ["NCT09999999"]}}}}]),
}}
print(json.dumps(ids))
"""


@pytest.fixture(scope="module")
def site(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy(
        "migrated", tmp_path_factory.mktemp("checks_browser") / "db.sqlite3"
    )
    result = manage("shell", "-c", SEED, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    ids = json.loads(result.stdout.strip().splitlines()[-1])
    with gunicorn(env) as base:
        yield base, ids


@pytest.fixture
def editor(site, browser):
    base, _ids = site
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("input[name=username]", "checker")
    tab.fill("input[name=password]", PASSWORD)
    with tab.expect_navigation():
        tab.click("button[type=submit]")
    yield tab
    context.close()


def open_checks(tab, base, page_id):
    """Open PAGE_ID's editor and its Checks panel; wait until the panel has a verdict."""
    tab.goto(f"{base}/admin/pages/{page_id}/edit/")
    tab.click('[data-side-panel-toggle="checks"]')
    checks = tab.locator('[data-side-panel="checks"] [data-content-checks]')
    tab.wait_for_function(
        "() => document.querySelector('[data-content-checks]')"
        ".dataset.contentChecksState !== 'waiting'",
        timeout=60_000,
    )
    return checks


def issues(checks) -> list[str]:
    return [
        name.strip() for name in checks.locator("[data-content-checker-name]").all_inner_texts()
    ]


def test_a_heading_level_skip_in_the_body_is_reported(site, editor):
    base, ids = site
    checks = open_checks(editor, base, ids["skip"])
    assert checks.get_attribute("data-content-checks-state") == "ran"
    assert "Incorrect heading hierarchy" in issues(checks)
    selectors = checks.locator("[data-content-checker-selector-text]").all_inner_texts()
    assert any('data-block-key="a2"' in s for s in selectors), selectors  # the writer's h3
    count = checks.locator("[data-content-checker-count]").inner_text()
    assert int(count) == len(issues(checks)) >= 1
    frame = editor.frame_locator("#w-preview-iframe")
    assert "Side effects" in frame.locator("main").inner_text()


def test_a_clean_page_reports_none_with_the_preview_loaded(site, editor):
    base, ids = site
    checks = open_checks(editor, base, ids["clean"])
    assert issues(checks) == []
    assert checks.locator("[data-content-checker-count]").inner_text() == "0"
    assert checks.get_attribute("data-content-checks-state") == "clean"
    assert "No issues found" in checks.locator("[data-content-checks-status]").inner_text()
    # The checks ran on the real preview of this page, not on a blank frame.
    frame = editor.frame_locator("#w-preview-iframe")
    assert "Checks: a clean page" in frame.locator("main").inner_text()
    assert "In hospital" in frame.locator("main").inner_text()


def test_a_preview_that_fails_to_load_never_reads_zero_issues(site, editor):
    base, ids = site

    def broken_preview(route):
        if route.request.method == "GET":
            route.fulfill(status=500, content_type="text/html", body="<h1>Server error</h1>")
        else:
            route.continue_()

    editor.route("**/edit/preview/**", broken_preview)
    checks = open_checks(editor, base, ids["skip"])  # it has an issue the checks would find
    assert checks.get_attribute("data-content-checks-state") == "failed"
    assert (
        checks.locator("[data-content-checker-count]").inner_text() == "\u2013"
    )  # an en dash, never "0"
    assert issues(checks) == []
    assert "the preview did not load" in checks.locator("[data-content-checks-status]").inner_text()
    assert not editor.locator(
        '[data-side-panel-toggle="checks"] [data-side-panel-toggle-counter]'
    ).is_visible()


def test_choose_a_trial_writes_its_nct_id_which_is_saved_as_text(site, editor):
    base, ids = site
    editor.goto(f"{base}/admin/pages/{ids['trials']}/edit/")
    field = editor.locator("[data-controller=nct-id-chooser] input")
    assert field.input_value() == "NCT09999999"  # typed earlier, not synced: still valid
    editor.locator("[data-nct-id-chooser-button]").click()
    choice = editor.locator(".modal a[data-chooser-modal-choice]", has_text="A study to choose")
    choice.click()
    # The chooser answers the choice over HTTP before the field changes: wait for it.
    expect(field).to_have_value("NCT04444444", timeout=30_000)
    with editor.expect_navigation():
        editor.locator(
            "button[name=action-save], button[type=submit]:has-text('Save draft')"
        ).first.click()
    editor.goto(f"{base}/admin/pages/{ids['trials']}/edit/")
    assert editor.locator("[data-controller=nct-id-chooser] input").input_value() == "NCT04444444"
