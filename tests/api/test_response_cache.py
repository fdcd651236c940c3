"""API reads are cached until a serving event; ETags come from the events, so a
conditional GET is answered without rendering (insights/serving/api_cache.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.factories import ExplainerPageFactory, PersonFactory
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v2/pages/?type=insights.ExplainerPage&fields=*"


def queries(client, url, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return response, len(ctx)


def test_a_matching_etag_is_a_304_without_a_query(client):
    ExplainerPageFactory(title="Cached in the API")
    first = client.get(LIST)
    assert first.status_code == 200
    response, count = queries(client, LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and count == 0
    assert response["ETag"] == first["ETag"] and "max-age" in response["Cache-Control"]


def test_a_repeated_read_is_served_from_the_cache_without_a_query(client):
    ExplainerPageFactory(title="Cached in the API")
    first = client.get(LIST)
    response, count = queries(client, LIST)
    assert count == 0
    assert response.content == first.content and response["ETag"] == first["ETag"]


def test_the_etag_is_not_a_digest_of_the_body(client):
    ExplainerPageFactory(title="Same body")
    # The same content under two URLs: a body hash would give the same ETag.
    one = client.get(LIST + "&limit=20")
    two = client.get(LIST + "&limit=21")
    assert one.json()["items"] == two.json()["items"]
    assert one["ETag"] != two["ETag"]


def test_a_person_edit_renews_the_explainer_representation(client):
    person = PersonFactory(name="Api Author", credentials="MD")
    page = ExplainerPageFactory(title="Authored", authors=[person])
    url = f"/api/v2/pages/{page.pk}/"
    first = client.get(url)
    assert "MD" in first.content.decode()
    person.credentials = "MD, PhD"
    person.save_revision().publish()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "MD, PhD" in changed.content.decode()


def test_a_trial_change_renews_the_trials_list(client):
    trial = TrialFactory(nct_id="NCT00000001", brief_title="First title")
    first = client.get("/api/v2/trials/")
    trial.brief_title = "Second title"
    trial.save()
    changed = client.get("/api/v2/trials/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "Second title" in changed.content.decode()


def test_errors_and_previews_are_not_cached(client):
    bad = client.get("/api/v2/pages/?limit=abc")
    assert bad.status_code == 400 and "ETag" not in bad
    preview = client.get("/api/v2/pages/preview/?token=nonsense")
    assert preview.status_code == 403 and "no-store" in preview["Cache-Control"]
    again = client.get("/api/v2/pages/preview/?token=nonsense")
    assert again.status_code == 403 and "ETag" not in again


def test_a_cached_read_is_answered_before_sessions_and_routing(client, monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware

    ExplainerPageFactory(title="Early")
    first = client.get(LIST)
    calls = []
    original = SessionMiddleware.process_request
    monkeypatch.setattr(
        SessionMiddleware, "process_request", lambda self, r: calls.append(r) or original(self, r)
    )
    again = client.get(LIST)
    assert again.content == first.content and calls == []
    assert client.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert calls == []


def test_cached_reads_carry_cors_headers_for_their_own_caller(client, settings):
    front_end = "https://app.example.org"
    settings.CORS_ALLOWED_ORIGINS = [front_end]
    ExplainerPageFactory(title="Shared")
    assert "Access-Control-Allow-Origin" not in client.get(LIST)  # no Origin: no CORS
    allowed = client.get(LIST, HTTP_ORIGIN=front_end)
    assert allowed["Access-Control-Allow-Origin"] == front_end
    stranger = client.get(LIST, HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in stranger
    assert stranger.content == allowed.content


def test_a_gzip_clients_weak_etag_is_a_304_without_a_query(client):
    """GZipMiddleware weakens the ETag (W/"…"); If-None-Match compares weakly."""
    ExplainerPageFactory(title="Gzipped")
    first = client.get(LIST, HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip" and first["ETag"].startswith('W/"')
    response, count = queries(
        client, LIST, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert response.status_code == 304 and count == 0
    assert response["ETag"] == first["ETag"]


def test_a_hit_answers_with_the_security_headers_of_the_render(client):
    ExplainerPageFactory(title="Headers")
    rendered = client.get(LIST)
    hit = client.get(LIST)
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert hit[name] == rendered[name]
