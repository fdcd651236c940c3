"""The demo explainer in a real browser (Debian's Chromium via Playwright) with axe-core.

gunicorn serves a scratch SQLite database, migrated and loaded with the demo content by
real ``manage.py`` commands (the test database's transaction is invisible to it).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.processes import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPLAINER = "/insights/car-t-cell-therapy/"


@pytest.fixture(scope="module")
def site_url(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy("demo", tmp_path_factory.mktemp("browser") / "db.sqlite3")
    with gunicorn(env) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on(
        "response",
        lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"),
    )
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_demo_explainer_shows_steps_and_risks(site_url, page):
    response = page.goto(site_url + EXPLAINER)
    assert response.status == 200
    steps = page.locator("section.steps ol > li")
    assert steps.count() == 5
    for n in range(5):
        assert steps.nth(n).is_visible()
    assert page.get_by_role("heading", name="Cytokine release syndrome (CRS)").is_visible()
    assert page.get_by_role("heading", name="Neurological effects (ICANS)").is_visible()
    assert page.get_by_role("heading", name="The short version").is_visible()
    assert page.locator("aside.disclaimer").is_visible()
    assert page.console_errors == []  # nothing blocked by the Content-Security-Policy


def test_skip_link_moves_focus_to_main(site_url, page):
    page.goto(site_url + EXPLAINER)
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("path", [EXPLAINER, "/insights/", "/search/?q=cells", "/"])
def test_no_serious_or_critical_accessibility_violations(site_url, page, path):
    page.goto(site_url + path)
    violations = serious_violations(page)
    assert violations == [], "\n".join(violations)


def test_print_stylesheet_hides_navigation(site_url, page):
    page.goto(site_url + EXPLAINER)
    page.emulate_media(media="print")
    assert not page.locator("nav.prev-next").is_visible()
    assert not page.locator("header.site-header nav").is_visible()
    assert page.locator("section.steps").is_visible()
