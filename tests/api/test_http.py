"""HTTP behaviour shared by every endpoint: CORS, cache headers, ETags, JSON errors."""

import pytest

from tests.api.factories import ExplainerPageFactory, PersonFactory
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

FRONT_END = "https://app.example.org"
READ_PATHS = ["pages/", "images/", "documents/", "people/", "trials/"]


@pytest.fixture(autouse=True)
def _front_end_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]


@pytest.mark.parametrize("path", READ_PATHS)
def test_configured_origin_may_read(client, path):
    response = client.get(f"/api/v2/{path}", HTTP_ORIGIN=FRONT_END)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "origin" in response["Vary"].lower()


def test_other_origins_get_no_cors_headers(client):
    response = client.get("/api/v2/pages/", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_preflight_from_configured_origin(client):
    response = client.options(
        "/api/v2/trials/",
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_cors_stays_on_the_api(client):
    response = client.get("/", HTTP_ORIGIN=FRONT_END)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", READ_PATHS)
def test_reads_are_cacheable_with_an_etag(client, path, settings):
    response = client.get(f"/api/v2/{path}")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert f"max-age={settings.API_CACHE_MAX_AGE}" in cache_control
    assert response["ETag"].startswith('"')
    assert "accept" in response["Vary"].lower()
    # Anonymous by design: nothing varies with the session.
    assert "cookie" not in response["Vary"].lower()
    assert "Set-Cookie" not in response


def test_conditional_get_answers_304_until_the_content_changes(client):
    page = ExplainerPageFactory(title="First title")
    url = f"/api/v2/pages/{page.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "max-age" in again["Cache-Control"]

    page.title = "Second title"
    page.save_revision().publish()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["title"] == "Second title"


def test_listing_etag_changes_when_an_item_changes(client):
    TrialFactory(nct_id="NCT00000001", overall_status="RECRUITING")
    first = client.get("/api/v2/trials/")
    assert client.get("/api/v2/trials/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    TrialFactory(nct_id="NCT00000002")
    assert client.get("/api/v2/trials/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_head_requests_get_the_same_headers(client):
    PersonFactory()
    get = client.get("/api/v2/people/")
    head = client.head("/api/v2/people/")
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head.content == b""


@pytest.mark.parametrize(
    "path, status",
    [
        ("pages/999999/", 404),
        ("people/999999/", 404),
        ("trials/NCT09999999/", 404),
        ("nothing-here/", 404),
        ("trials/?limit=abc", 400),
    ],
)
def test_errors_are_json_and_never_cached(client, path, status):
    response = client.get(f"/api/v2/{path}")
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "message" in response.json()
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_writes_are_refused(client):
    response = client.post("/api/v2/pages/", {"title": "x"})
    assert response.status_code == 405
    assert "no-store" in response["Cache-Control"]


def test_browsable_api_still_renders_for_developers(client):
    response = client.get("/api/v2/trials/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
