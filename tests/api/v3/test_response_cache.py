"""API v3's public reads are cached until a serving event, as v2's; ETags come from the
events, a 304 is answered without rendering; token, draft and preview responses and
errors are never stored nor served from the cache (site/api_v3/caching.py)."""

import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from insights.api.preview import preview_token
from tests.api.factories import (
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
    disclaimer_block,
    paragraph,
)
from tests.insights.review_support import make_user
from tests.trials.factories import TrialFactory
from trials.models import Trial, TrialSyncRun
from trials.signals import trials_changed

from .conftest import token_for

pytestmark = pytest.mark.django_db


def queries(v3, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = v3.get(path, **params)
    return response, len(ctx)


def republish(page, **changes):
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision().publish()


def editor_of(page):
    """A token of a superuser (may edit every page, sees drafts)."""
    return token_for(make_user("partner-editor", superuser=True))


# Stored, and answered without rendering --------------------------------------------------


def test_a_repeated_read_is_served_from_the_cache_without_a_query(v3):
    ExplainerPageFactory(title="Cached in v3")
    first = v3.get("explainers/")
    assert first.status_code == 200 and first["ETag"]
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]
    again, count = queries(v3, "explainers/")
    assert count == 0
    assert again.content == first.content and again["ETag"] == first["ETag"]


def test_a_matching_etag_is_a_304_without_a_query(client):
    ExplainerPageFactory(title="Conditional")
    first = client.get("/api/v3/explainers/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v3/explainers/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304 and len(ctx) == 0
    assert response["ETag"] == first["ETag"] and "max-age" in response["Cache-Control"]


def test_a_gzip_client_gets_the_stored_compressed_body_and_a_304_on_its_weak_etag(client):
    ExplainerPageFactory(title="Compressed once")
    url = "/api/v3/explainers/"
    plain = client.get(url)
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    with CaptureQueriesContext(connection) as ctx:
        hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert len(ctx) == 0
    for response in (first, hit):
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert json.loads(gzip.decompress(response.content)) == plain.json()
        assert response["ETag"] == "W/" + plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=hit["ETag"])
    assert again.status_code == 304 and again["ETag"] == hit["ETag"]


def test_a_hit_carries_the_headers_of_the_rendered_response(client):
    """Security headers, Vary and Cache-Control are the same on a hit as on the render."""
    ExplainerPageFactory(title="Same headers")
    for url in ("/api/v3/explainers/", "/api/v3/trials/", "/api/v2/trials/"):
        rendered = client.get(url)
        hit = client.get(url)
        for name in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "Permissions-Policy",
            "X-Content-Type-Options",
            "Referrer-Policy",
            "Cache-Control",
            "Vary",
            "ETag",
            "Content-Type",
        ):
            assert rendered.has_header(name), (url, name)
            assert hit.get(name) == rendered[name], (url, name)


# Forgotten on every serving event ---------------------------------------------------------


def changed(v3, path, first):
    """The response after an event: rendered afresh, and the old ETag no longer matches."""
    response = v3.client.get(f"/api/v3/{path}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]
    return response.content.decode()


def test_a_publication_renews_the_list_and_the_detail(v3):
    page = ExplainerPageFactory(title="First title")
    first_list, first_detail = v3.get("explainers/"), v3.get(f"explainers/{page.pk}/")
    republish(page, title="Second title")
    assert "Second title" in changed(v3, "explainers/", first_list)
    assert "Second title" in changed(v3, f"explainers/{page.pk}/", first_detail)


def test_an_unpublished_explainer_leaves_the_list_at_once(v3):
    page = ExplainerPageFactory(title="Going away")
    first = v3.get("explainers/")
    page.unpublish()
    assert "Going away" not in changed(v3, "explainers/", first)
    assert v3.get(f"explainers/{page.pk}/").status_code == 404


def test_a_person_edit_renews_the_explainers_and_people(v3):
    person = PersonFactory(name="Api Author", credentials="MD")
    page = ExplainerPageFactory(title="Authored", authors=[person])
    detail, people = v3.get(f"explainers/{page.pk}/"), v3.get("people/")
    person.credentials = "MD, PhD"
    person.save_revision().publish()
    assert "MD, PhD" in changed(v3, f"explainers/{page.pk}/", detail)
    assert "MD, PhD" in changed(v3, "people/", people)


def test_an_image_edit_renews_the_explainer(v3):
    image = ImageFactory(description="Old caption")
    page = ExplainerPageFactory(title="Illustrated", hero_image=image)
    first = v3.get(f"explainers/{page.pk}/")
    assert "Old caption" in first.content.decode()
    image.description = "New caption"
    image.save()
    assert "New caption" in changed(v3, f"explainers/{page.pk}/", first)


def test_a_topic_rename_renews_the_explainer(v3):
    page = ExplainerPageFactory(title="Topical", topics=["Oncology"])
    first = v3.get(f"explainers/{page.pk}/")
    tag = Tag.objects.get(name="Oncology")
    tag.name = "Cancer care"
    tag.save()
    assert "Cancer care" in changed(v3, f"explainers/{page.pk}/", first)


def test_a_trial_save_and_a_sync_renew_the_trials_and_the_citing_explainer(v3):
    TrialFactory(nct_id="NCT00000114", brief_title="Old trial title")
    page = ExplainerPageFactory(
        title="Cites a trial", body=[paragraph("See NCT00000114."), disclaimer_block()]
    )
    trials, detail = v3.get("trials/"), v3.get(f"explainers/{page.pk}/")
    # The sync writes in bulk (no model signals) and says what it wrote.
    Trial.objects.filter(nct_id="NCT00000114").update(brief_title="Renamed by the sync")
    trials_changed.send(sender=Trial, nct_ids=["NCT00000114"])
    assert "Renamed by the sync" in changed(v3, "trials/", trials)
    assert "Renamed by the sync" in changed(v3, f"explainers/{page.pk}/", detail)
    trials = v3.get("trials/NCT00000114/")
    trial = Trial.objects.get(nct_id="NCT00000114")
    trial.brief_title = "Saved trial"
    trial.save()
    assert "Saved trial" in changed(v3, "trials/NCT00000114/", trials)


def test_a_finished_sync_run_renews_every_response(v3):
    TrialFactory(nct_id="NCT00000115")
    first = v3.get("trials/")
    run = TrialSyncRun.objects.create(status=TrialSyncRun.Status.RUNNING)
    assert v3.client.get("/api/v3/trials/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    run.status = TrialSyncRun.Status.SUCCEEDED
    run.finished = timezone.now()
    run.save()
    changed(v3, "trials/", first)


def test_wagtails_pages_endpoint_is_renewed_too(v3):
    page = ExplainerPageFactory(title="Through pages")
    first = v3.get(f"pages/{page.pk}/")
    assert first.status_code == 200 and first["ETag"]
    republish(page, title="Renamed through pages")
    assert "Renamed through pages" in changed(v3, f"pages/{page.pk}/", first)


# Never stored nor served: tokens, drafts, previews, errors, uncovered endpoints -----------


def test_a_token_holder_never_gets_the_cached_response_and_leaves_none(v3):
    page = ExplainerPageFactory(title="Live title")
    draft = page.get_latest_revision_as_object()
    draft.title = "Draft title"
    draft.save_revision()
    key = editor_of(page)
    public = v3.get(f"explainers/{page.pk}/")  # cached for anonymous readers
    for _ in range(2):
        response, count = queries(v3, f"explainers/{page.pk}/", bearer=key, version="draft")
        assert response.status_code == 200 and count > 0
        assert response.json()["title"] == "Draft title"
        assert "ETag" not in response and "no-store" in response["Cache-Control"]
    # Nor is the live version read with a token stored or answered from the cache.
    live, count = queries(v3, f"explainers/{page.pk}/", bearer=key)
    assert count > 0 and "no-store" in live["Cache-Control"]
    anonymous = v3.get(f"explainers/{page.pk}/")
    assert anonymous.json()["title"] == "Live title"
    assert anonymous["ETag"] == public["ETag"]


def test_a_draft_read_first_is_not_served_to_anonymous_readers(v3):
    page = ExplainerPageFactory(title="Live title")
    draft = page.get_latest_revision_as_object()
    draft.title = "Draft title"
    draft.save_revision()
    key = editor_of(page)
    assert v3.get(f"explainers/{page.pk}/", bearer=key, version="draft").status_code == 200
    for _ in range(2):
        response = v3.get(f"explainers/{page.pk}/", version="draft")  # no token: refused
        assert response.status_code == 401 and "ETag" not in response
    assert v3.get(f"explainers/{page.pk}/").json()["title"] == "Live title"


def test_previews_are_rendered_each_time_and_private(v3):
    page = ExplainerPageFactory(title="Previewed")
    draft = page.get_latest_revision_as_object()
    draft.title = "Preview title"
    revision = draft.save_revision()
    token = preview_token(revision)
    v3.get("explainers/preview/", token=token)
    response, count = queries(v3, "explainers/preview/", token=token)
    assert response.status_code == 200 and count > 0
    assert response.json()["title"] == "Preview title"
    assert "no-store" in response["Cache-Control"] and "ETag" not in response


def test_errors_are_not_stored(v3):
    for _ in range(2):
        response = v3.get("explainers/", topic="not a slug!")
        assert response.status_code == 400
        assert "ETag" not in response and "no-store" in response["Cache-Control"]
    missing = v3.get("trials/NCT99999999/")
    assert missing.status_code == 404 and "no-store" in missing["Cache-Control"]


def test_endpoints_no_event_covers_are_not_cached(v3, client):
    from wagtail.contrib.redirects.models import Redirect

    Redirect.objects.create(old_path="/old", redirect_link="https://example.org/a")
    first = client.get("/api/v3/redirects/")
    assert "ETag" not in first
    Redirect.objects.update(redirect_link="https://example.org/b")
    assert "example.org/b" in client.get("/api/v3/redirects/").content.decode()
