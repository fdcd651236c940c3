"""The patient's path in a real browser (#13): the CAR-T explainer → recruiting CAR-T trials
open to a 40-year-old within 200 km of Boston → the trial page with who can join and its
sites. gunicorn serves a scratch SQLite database loaded with the demo content."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.processes import gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPLAINER = "/insights/car-t-cell-therapy/"


@pytest.fixture(scope="module")
def site_url(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy("demo", tmp_path_factory.mktemp("finder-browser") / "db.sqlite3")
    with gunicorn(env) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_from_the_car_t_explainer_to_a_trial_a_40_year_old_near_boston_can_join(site_url, page):
    page.goto(site_url + EXPLAINER)
    block = page.locator("aside.recruiting-now")
    assert block.is_visible()
    assert block.locator(".recruiting-now-count").inner_text() == "1"
    block.get_by_role("link", name="See who can join and where").click()
    page.wait_for_url("**/trials/?intervention=CAR-T+cell&status=RECRUITING")
    assert page.locator("#id_status").input_value() == "RECRUITING"

    page.get_by_label("Age (years)").fill("40")
    page.get_by_label("Near (city, country or lat,lon)").fill("Boston, United States")
    page.get_by_label("Within (km)").fill("200")
    page.get_by_role("button", name="Show trials").click()
    page.wait_for_load_state()
    assert page.locator(".results-count").inner_text().startswith("1 trial match")
    assert page.locator("aside.trial-facets").is_visible()
    assert serious_violations(page) == []

    page.locator(".trial-card h3 a").first.click()
    page.wait_for_url("**/trials/NCT99000001/")
    assert page.get_by_role("heading", name="Who can join").is_visible()
    assert page.get_by_text("18 years and older").is_visible()
    sites = page.locator("section.trial-sites")
    assert sites.locator("h3").first.inner_text().startswith("United States")
    assert "Harbourside Cancer Institute" in sites.inner_text()
    assert serious_violations(page) == []
    assert page.errors == []


def test_a_malformed_filter_shows_the_form_error(site_url, page):
    response = page.goto(site_url + "/trials/?age=abc&within_km=50")
    assert response.status == 400
    assert page.locator("#id_age_error").inner_text() == "Enter a number."
    assert "A distance needs a place" in page.locator("#id_within_km_error").inner_text()
