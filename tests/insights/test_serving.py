"""Explainers go through Wagtail's serve; anonymous readers get cached pages that an
event makes the next reader see fresh (insights/serving)."""

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from wagtail import hooks
from wagtail.documents.models import Document
from wagtail.models import PageViewRestriction, Site

from insights.models import ExplainerPage
from tests.insights.factories import (
    ExplainerPageFactory,
    disclaimer_block,
    insights_index,
    paragraph,
)
from tests.people.factories import PersonFactory
from trials.models import Trial
from trials.signals import trials_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return ExplainerPageFactory(
        title="Cached explainer",
        authors=[PersonFactory(name="Ada Author", credentials="MD")],
        body=[paragraph("Live text."), disclaimer_block()],
        topics=["Oncology"],
    )


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response


def html(client, url, **extra) -> str:
    return get(client, url, **extra).content.decode()


def cached(client, url) -> str:
    """The page as an anonymous reader sees it, once it is in the page cache."""
    get(client, url)
    response = get(client, url)
    assert response["X-Page-Cache"] == "hit"
    return response.content.decode()


def republish(page, **changes):
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.save_revision().publish()


# The cache itself ------------------------------------------------------------------------


def test_second_anonymous_read_is_a_hit_without_queries(client, page):
    first = get(client, page.url)
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = get(client, page.url)
    assert second["X-Page-Cache"] == "hit"
    assert len(ctx) == 0
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_signed_in_editor_is_never_served_or_stored_from_the_cache(client, page, admin_user):
    cached(client, page.url)
    client.force_login(admin_user)
    response = get(client, page.url)
    assert "X-Page-Cache" not in response
    assert "wagtail-userbar" in response.content.decode()
    client.logout()
    client.cookies.clear()
    assert "wagtail-userbar" not in html(client, page.url)


def test_password_restricted_explainer_is_not_cached(client, page):
    cached(client, page.url)
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    body = html(client, page.url)
    assert "Live text." not in body and 'name="password"' in body
    assert "X-Page-Cache" not in client.get(page.url)


def test_restricted_index_hides_its_explainers_too(client, page):
    cached(client, page.url)
    PageViewRestriction.objects.create(
        page=page.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(page.url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_unknown_explainer_is_a_404_and_post_is_not_allowed(client, page):
    assert client.get("/insights/no-such-thing/").status_code == 404
    assert client.post(page.url).status_code == 405


def test_extra_serve_hooks_are_honoured(client, page):
    calls = []

    def spy(page_, request, args, kwargs):
        calls.append(page_.pk)

    with hooks.register_temporarily("before_serve_page", spy):
        assert "Live text." in html(client, page.url)
    assert calls == [page.pk]


def test_preview_shows_the_draft_and_leaves_the_cache_alone(client, page):
    cached(client, page.url)
    draft = page.get_latest_revision_as_object()
    draft.body = [
        ("paragraph", draft.body.stream_block.child_blocks["paragraph"].to_python("<p>Draft.</p>")),
        ("disclaimer", draft.body[1].value),
    ]
    assert "Draft." in draft.make_preview_request().content.decode()
    draft.save_revision()
    assert "Draft." not in cached(client, page.url)


def test_query_strings_are_cached_apart(client, page):
    index_url = insights_index().url
    other = ExplainerPageFactory(title="Untagged one")
    assert "Untagged one" not in cached(client, index_url + "?topic=oncology")
    assert "Untagged one" in cached(client, index_url)
    assert other.pk


# Events: each input a page shows --------------------------------------------------------


def test_new_publication_replaces_the_page(client, page):
    cached(client, page.url)
    republish(page, title="Cached explainer, second edition")
    assert "second edition" in html(client, page.url)


def test_unpublished_explainer_is_a_404_at_once(client, page):
    cached(client, page.url)
    page.unpublish()
    assert client.get(page.url).status_code == 404


def test_deleted_explainer_is_a_404_and_leaves_the_index(client, page):
    index_url = insights_index().url
    assert "Cached explainer" in cached(client, index_url)
    cached(client, page.url)
    url = page.url
    ExplainerPage.objects.get(pk=page.pk).delete()
    assert client.get(url).status_code == 404
    assert "Cached explainer" not in html(client, index_url)


def test_renamed_explainer_leaves_its_old_url(client, page, django_capture_on_commit_callbacks):
    old_url = page.url
    cached(client, old_url)
    # Wagtail announces a new slug once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        republish(page, slug="renamed-explainer")
    assert client.get(old_url).status_code in (301, 302, 404)  # Wagtail's redirect, if any
    assert "Live text." in html(client, "/insights/renamed-explainer/")


def test_moved_explainer_leaves_its_old_url(client, page):
    old_url = page.url
    cached(client, old_url)
    new_index = (
        insights_index()
        .get_parent()
        .add_child(instance=type(insights_index())(title="Elsewhere", slug="elsewhere"))
    )
    ExplainerPage.objects.get(pk=page.pk).move(new_index, pos="last-child")
    assert client.get(old_url).status_code in (301, 302, 404)
    assert "Live text." in html(client, "/elsewhere/cached-explainer/")
    assert "Elsewhere" in html(client, "/elsewhere/cached-explainer/")


def test_prev_next_follow_sibling_publication(client, page):
    assert 'rel="next"' not in cached(client, page.url)
    sibling = ExplainerPageFactory(title="Newer sibling")
    assert "Newer sibling" in html(client, page.url)
    sibling.unpublish()
    assert "Newer sibling" not in html(client, page.url)


def test_index_title_shows_on_its_explainers(client, page):
    cached(client, page.url)
    index = insights_index()
    republish(index, title="All our explainers")
    assert "All our explainers" in html(client, page.url)


def test_person_edits_show_without_republishing_the_explainer(client, page):
    credentials = '<p class="person-credentials">{}</p>'
    assert credentials.format("MD") in cached(client, page.url)
    person = page.authors.first().person
    person.credentials = "MD, PhD"
    person.save_revision().publish()
    assert credentials.format("MD, PhD") in html(client, page.url)


def test_hero_image_alt_text_shows(client, page):
    image = wagtail_factories.ImageFactory(description="Old caption")
    republish(page, hero_image=image)
    assert "Old caption" in cached(client, page.url)
    image.description = "New caption"
    image.save()
    body = html(client, page.url)
    assert "New caption" in body and "Old caption" not in body


def test_author_photo_replaced_shows(client, page):
    person = page.authors.first().person
    person.photo = wagtail_factories.ImageFactory()
    person.save()
    old_url = person.photo.get_rendition("fill-96x96").url
    assert old_url in cached(client, page.url)
    # What the image edit view does when a new file is uploaded.
    image = person.photo
    image.file = wagtail_factories.ImageFactory().file
    image.renditions.all().delete()
    image.save()
    new_url = image.get_rendition("fill-96x96").url
    body = html(client, page.url)
    assert new_url in body and new_url != old_url and old_url not in body


def test_deleted_rendition_is_rendered_again(client, page):
    image = wagtail_factories.ImageFactory(description="Hero")
    republish(page, hero_image=image)
    cached(client, page.url)
    image.renditions.all().delete()
    response = get(client, page.url)
    assert response["X-Page-Cache"] == "miss"
    rendition = image.renditions.get(filter_spec="width-960")
    assert rendition.url in response.content.decode()


def test_replaced_document_link_shows(client):
    document = Document.objects.create(title="Protocol", file=ContentFile(b"v1", name="v1.pdf"))
    linked = ExplainerPageFactory(
        title="Links a document",
        body=[
            paragraph(f'See <a linktype="document" id="{document.pk}">the protocol</a>.'),
            disclaimer_block(),
        ],
    )
    assert "v1.pdf" in cached(client, linked.url)
    document.file = ContentFile(b"v2", name="v2.pdf")
    document.save()
    body = html(client, linked.url)
    assert "v2.pdf" in body and "v1.pdf" not in body


def test_topic_rename_shows(client, page):
    assert "Oncology" in cached(client, page.url)
    tag = Tag.objects.get(name="Oncology")
    tag.name = "Cancer care"
    tag.save()
    assert "Cancer care" in html(client, page.url)


def test_trial_changes_from_the_sync_show(client):
    Trial.objects.create(nct_id="NCT00000114", brief_title="Old trial title", phases=[])
    citing = ExplainerPageFactory(
        title="Cites a trial", body=[paragraph("See NCT00000114."), disclaimer_block()]
    )
    assert "Old trial title" in cached(client, citing.url)
    # The sync writes in bulk (no model signals) and says what it wrote.
    Trial.objects.filter(nct_id="NCT00000114").update(brief_title="Renamed trial")
    trials_changed.send(sender=Trial, nct_ids=["NCT00000114"])
    assert "Renamed trial" in html(client, citing.url)
    trial = Trial.objects.get(nct_id="NCT00000114")
    trial.brief_title = "Saved trial"
    trial.save()
    assert "Saved trial" in html(client, citing.url)


def test_a_new_recruiting_trial_of_the_treatment_moves_the_explainers_count(client):
    """The "trials being tested now" count is an input of every explainer: a trial of its
    treatment written by the sync, cited or not, shows in the count at once."""
    explainer = ExplainerPageFactory(
        title="CAR-T cell therapy", body=[paragraph("Text."), disclaimer_block()]
    )
    other = ExplainerPageFactory(
        title="GLP-1 medicines", body=[paragraph("Text."), disclaimer_block()]
    )
    assert "No trial of CAR-T cell is recruiting" in cached(client, explainer.url)
    cached(client, other.url)
    Trial.objects.create(
        nct_id="NCT00000115",
        brief_title="A new CAR-T trial",
        overall_status="RECRUITING",
        interventions=[{"type": "BIOLOGICAL", "name": "CD19 CAR-T cells"}],
        interventions_text="CD19 CAR-T cells",  # the registry mapping's column
        phases=[],
    )
    trials_changed.send(sender=Trial, nct_ids=["NCT00000115"])
    assert "1</strong> trial of CAR-T cell is recruiting" in html(client, explainer.url)
    assert get(client, other.url)["X-Page-Cache"] == "hit"  # not its treatment


def test_site_address_change_shows_in_canonical_urls(client, page):
    assert 'href="http://testserver/insights/' in cached(client, page.url)
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "cms.example.org", 443
    site.save()
    assert 'href="https://cms.example.org/insights/' in html(
        client, page.url, HTTP_HOST="testserver"
    )


def test_cold_render_query_count_does_not_grow_with_the_page(client):
    small = ExplainerPageFactory(
        title="Small one", body=[paragraph("NCT00000001 text"), disclaimer_block()]
    )
    big = ExplainerPageFactory(
        title="Big one",
        authors=[PersonFactory() for _ in range(6)],
        body=[paragraph(f"NCT{n:08d} text") for n in range(40)] + [disclaimer_block()],
    )

    def cold(url):
        from django.core.cache import cache

        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url)["X-Page-Cache"] == "miss"
        return len(ctx)

    assert cold(small.url) == cold(big.url)
    assert ExplainerPage.objects.get(pk=big.pk).trial_citations.count() == 40


def test_a_finished_sync_shows_its_date_on_cached_explainers(client, page):
    """The aside says when the registry data was last refreshed: a successful run is an
    input of every page."""
    from django.utils import timezone

    from trials.models import TrialSyncRun

    assert "have not been refreshed from ClinicalTrials.gov yet" in cached(client, page.url)
    run = TrialSyncRun.objects.create(status=TrialSyncRun.Status.RUNNING)
    assert get(client, page.url)["X-Page-Cache"] == "hit"  # a running sync changes nothing
    run.status = TrialSyncRun.Status.SUCCEEDED
    run.finished = timezone.now()
    run.save()
    assert "were last refreshed from ClinicalTrials.gov on" in html(client, page.url)
