"""HTTP of the public site: HEAD, compression, caching headers, Permissions-Policy, valid
machine-readable dates, sharing tags and titles."""

import gzip
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.trials.factories import TrialFactory, TrialSyncRunFactory

pytestmark = pytest.mark.django_db

# HTML's valid date / local date-time / global date-time strings, without microseconds.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)


@pytest.fixture
def site_content():
    cache.clear()
    TrialSyncRunFactory()
    trial = TrialFactory(nct_id="NCT00000001")
    page = ExplainerPageFactory(
        title="CAR-T explained", body=[paragraph("Cites NCT00000001."), disclaimer_block()]
    )
    return {"explainer": page.url, "trial": trial.get_absolute_url()}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.parametrize("path", ["/robots.txt", "/search/", "/search/?q=cells", "/healthz"])
def test_head_is_answered_wherever_get_is(client, path):
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize("path", ["/robots.txt", "/search/"])
def test_other_methods_are_refused_with_405(client, path):
    assert client.post(path).status_code == 405


def test_html_and_json_are_gzipped_when_the_client_accepts_it(client, site_content):
    for path in ("/", site_content["explainer"], "/api/v2/pages/"):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in response["Vary"]
        body = gzip.decompress(response.content)
        if path.startswith("/api/"):
            assert json.loads(body)["items"]
        else:
            assert body.startswith(b"<!doctype html>")
    assert "Content-Encoding" not in client.get("/")


def test_public_pages_may_be_kept_by_shared_caches_briefly(client, site_content):
    for path in ("/", site_content["explainer"], "/about/", site_content["trial"]):
        response = client.get(path)
        assert response["Cache-Control"] == "public, max-age=300", path
        assert "Cookie" in response["Vary"]


def test_personal_pages_are_private(client, admin_user, site_content):
    # A form with a CSRF token: never shared.
    assert client.get("/corrections/")["Cache-Control"] == "private, no-cache"
    client.force_login(admin_user)
    assert client.get("/")["Cache-Control"] == "private, no-cache"
    assert client.get(site_content["explainer"])["Cache-Control"] == "private, no-cache"


def test_responses_that_say_how_to_cache_keep_it(client, site_content):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]  # never_cache
    api = client.get("/api/v2/pages/")["Cache-Control"]
    assert "public, max-age=300" not in api  # the API's own policy (site/api.py)
    assert not client.get("/not-a-page/").has_header("Cache-Control")  # a 404


def test_permissions_policy_denies_unused_features(client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_every_time_element_has_a_valid_datetime(client, site_content):
    paths = ["/", site_content["explainer"], "/trials/", site_content["trial"], "/methodology/"]
    seen = 0
    for path in paths:
        for time in soup_of(client.get(path)).find_all("time"):
            seen += 1
            assert VALID_DATETIME.match(time["datetime"]), (path, time["datetime"])
    assert seen >= 5


def test_filter_errors_are_named_by_aria_describedby(client):
    soup = soup_of(client.get("/trials/", {"status": "NOT_A_STATUS"}))
    described = soup.find(attrs={"aria-describedby": True, "name": "status"})
    assert described["aria-invalid"] == "true"
    for element_id in described["aria-describedby"].split():
        target = soup.find(id=element_id)
        assert target is not None, element_id
    assert "Unknown status NOT_A_STATUS" in soup.find(id="id_status_error").get_text()


@pytest.mark.parametrize("kind", ["home", "explainer", "trust", "trials", "trial", "search"])
def test_every_page_has_a_sharing_card_and_one_site_name_in_its_title(client, site_content, kind):
    path = {
        "home": "/",
        "explainer": site_content["explainer"],
        "trust": "/about/",
        "trials": "/trials/",
        "trial": site_content["trial"],
        "search": "/search/",
    }[kind]
    soup = soup_of(client.get(path))
    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in soup.find_all("meta")
        if tag.get("content") is not None
    }
    assert meta["og:image"].startswith("http://testserver/"), kind
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:title"] and meta["twitter:image"] == meta["og:image"]
    assert len(soup.find_all("meta", property="og:title")) == 1
    title = soup.find("title").get_text()
    assert title.count("ClinicalMetric") == 1, title


def test_home_title_names_the_publisher_once(client):
    from home.models import HomePage

    HomePage.objects.update(seo_title="ClinicalMetric: independent trial intelligence")
    title = soup_of(client.get("/")).find("title").get_text()
    assert title == "ClinicalMetric: independent trial intelligence"


def test_trial_canonical_names_the_configured_host(client, site_content, settings):
    settings.SITE_URL = "https://cms.example.org"
    soup = soup_of(client.get(site_content["trial"]))
    assert soup.find("link", rel="canonical")["href"] == (
        "https://cms.example.org" + site_content["trial"]
    )
