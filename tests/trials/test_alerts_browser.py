"""The end of the patient's path in a real browser (#13): the finder's result page and
the trial page draw their sites on a Leaflet map (tiles answered by the test), the
finder links its feed and the alert form, which takes an address."""

import base64

import pytest

from tests.processes import gunicorn

from .test_finder_browser import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
# a 1x1 transparent PNG: every tile the map asks for
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
SEARCH = (
    "/trials/?intervention=CAR-T&status=RECRUITING&age=40"
    "&near=Boston%2C+United+States&within_km=200"
)


@pytest.fixture(scope="module")
def site_url(scratch_databases, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("alerts-browser") / "db.sqlite3"
    env = scratch_databases.copy("demo", db_path, TRIALS_MAP_TILE_URL=TILES)
    with gunicorn(env) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.route(
        "https://tiles.example.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=PNG),
    )
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    context.close()


def test_the_maps_the_feed_and_the_alert_form(site_url, page):
    page.goto(site_url + SEARCH)
    result_map = page.locator("#trial-map")
    result_map.wait_for(state="visible")
    # one point per located site of the result page's trial, drawn by Leaflet
    assert page.locator("#trial-map path.site-point").count() >= 1
    assert page.locator("#trial-map img.leaflet-tile").count() >= 1
    assert page.locator("a.feed-link").get_attribute("href").startswith("/trials/feed/?")
    assert serious_violations(page) == []

    page.locator(".trial-card h3 a").first.click()
    page.wait_for_url("**/trials/NCT99000001/")
    page.locator("#trial-map").wait_for(state="visible")
    points = page.locator("#trial-map path.site-point")
    assert points.count() >= 2  # Boston and Houston at least
    points.first.click(force=True)
    assert page.locator(".leaflet-popup-content").inner_text().strip() != ""
    assert page.locator("section.trial-sites h3").first.inner_text().startswith("United States")

    page.go_back()
    page.locator("a.alert-link").click()
    page.wait_for_url("**/trials/alerts/?**")
    assert page.locator("dl.alert-search").inner_text().count("\n") >= 4
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Send me the confirmation link").click()
    # the browser itself refuses it (an e-mail input); the server's own refusal is
    # tested in test_alerts.py
    assert page.locator("#id_email:invalid").count() == 1
    assert "/trials/alerts/" in page.url
    page.get_by_label("Your e-mail address").fill("patient@example.org")
    page.get_by_role("button", name="Send me the confirmation link").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert serious_violations(page) == []
    assert page.errors == [], page.errors
