"""Cached explainer fragments follow their inputs; the short route falls back when it must."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail import hooks
from wagtail.models import PageViewRestriction

from insights.models import ExplainerPage
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def page():
    return ExplainerPageFactory(
        title="Cached explainer",
        authors=[PersonFactory(name="Ada Author", credentials="MD")],
        body=[paragraph("Live text."), disclaimer_block()],
    )


def html(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


def test_person_edits_show_without_republishing_the_explainer(client, page):
    # Credentials are shown once, in the author's card of the aside (not in the byline).
    assert '<p class="person-credentials">MD</p>' in html(client, page.url)
    person = page.authors.first().person
    person.credentials = "MD, PhD"
    person.save_revision().publish()
    assert '<p class="person-credentials">MD, PhD</p>' in html(client, page.url)


def test_prev_next_follow_sibling_publication(client, page):
    assert 'rel="next"' not in html(client, page.url)
    sibling = ExplainerPageFactory(title="Newer sibling")
    assert "Newer sibling" in html(client, page.url)
    sibling.unpublish()
    assert "Newer sibling" not in html(client, page.url)


def test_new_publication_replaces_the_cached_body(client, page):
    assert "Live text." in html(client, page.url)
    draft = page.get_latest_revision_as_object()
    draft.body = [
        (
            "paragraph",
            draft.body.stream_block.child_blocks["paragraph"].to_python("<p>Second edition.</p>"),
        ),
        ("disclaimer", draft.body[1].value),
    ]
    draft.save_revision().publish()
    body = html(client, page.url)
    assert "Second edition." in body and "Live text." not in body


def test_preview_shows_the_draft_and_leaves_the_cache_alone(client, page):
    html(client, page.url)  # cache the live fragments
    draft = page.get_latest_revision_as_object()
    draft.body = [
        (
            "paragraph",
            draft.body.stream_block.child_blocks["paragraph"].to_python("<p>Draft only.</p>"),
        ),
        ("disclaimer", draft.body[1].value),
    ]
    preview = draft.make_preview_request().content.decode()
    assert "Draft only." in preview
    # A page built from a saved draft revision, rendered outside a preview request (as a
    # headless preview might), carries the live revision id but is never cached.
    copy = draft.save_revision().as_object()
    assert copy.live_revision_id == page.live_revision_id
    request = RequestFactory().get(page.url)
    request.user = AnonymousUser()
    assert "Draft only." in copy.serve(request).render().content.decode()
    assert "Draft only." not in html(client, page.url)


def test_password_restricted_explainer_goes_through_wagtail(client, page):
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    body = html(client, page.url)
    assert "Live text." not in body
    assert 'name="password"' in body


def test_restricted_index_hides_its_explainers_too(client, page):
    PageViewRestriction.objects.create(
        page=page.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get(page.url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


def test_signed_in_editor_is_served_by_wagtail_with_the_user_bar(client, page, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ed", "e@example.org", "pw"))
    body = html(client, page.url)
    assert "Live text." in body
    assert "wagtail-userbar" in body


def test_unknown_explainer_is_a_404_and_post_is_not_allowed(client, page):
    assert client.get("/insights/no-such-thing/").status_code == 404
    assert client.post(page.url).status_code == 405


def test_unpublished_explainer_is_a_404(client, page):
    page.unpublish()
    assert client.get(page.url).status_code == 404


def test_extra_serve_hooks_are_honoured(client, page):
    calls = []

    def spy(page_, request, args, kwargs):
        calls.append(page_.pk)

    with hooks.register_temporarily("before_serve_page", spy):
        assert "Live text." in html(client, page.url)
    assert calls == [page.pk]


def test_short_route_and_wagtail_route_render_the_same_page(client, page, django_user_model):
    short = html(client, page.url)
    client.cookies["sessionid"] = "not-a-session"  # forces the Wagtail route, anonymous
    routed = html(client, page.url)
    assert short == routed


def test_wagtail_route_query_count_does_not_grow_with_the_page(client):
    small = ExplainerPageFactory(title="Small one")
    big = ExplainerPageFactory(
        title="Big one",
        authors=[PersonFactory() for _ in range(6)],
        body=[paragraph(f"NCT{n:08d} text") for n in range(40)] + [disclaimer_block()],
    )
    client.cookies["sessionid"] = "not-a-session"  # the Wagtail route

    def count(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    assert count(small.url) == count(big.url)
    assert ExplainerPage.objects.get(pk=big.pk).trial_citations.count() == 40
