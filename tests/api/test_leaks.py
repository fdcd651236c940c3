"""Nothing unpublished, private or internal ever leaves through any API endpoint.

Creates each kind of content that must stay hidden, marks it with a unique word, then
sweeps every endpoint (listings with every field, searches for the words, detail and
find views) and asserts no response contains any of the words.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from tests.api.factories import (
    DocumentFactory,
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
    disclaimer_block,
    paragraph,
    rich,
)
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

SECRETS = {
    "never_published": "leaknevera",
    "draft_change": "leakdraftb",
    "unpublished": "leakunpubc",
    "password_private": "leakpassd",
    "group_private": "leakgroupe",
    "in_review_change": "leakrevuf",
    "new_in_review": "leaknewrevg",
    "person_unpublished": "leakpersonh",
    "person_draft_bio": "leakbioi",
    "person_email": "leakmailj",
    "private_image": "leakimagek",
    "private_document": "leakdocl",
    "unpublished_author": "leakauthorm",
}


def body_with(word: str) -> list[dict]:
    return [paragraph(rich(f"Text about {word}.")), disclaimer_block()]


@pytest.fixture(scope="module")
def hidden_ids(module_transaction, django_db_blocker):
    """Built once for the module's tests (``module_transaction``): they only read."""
    assert module_transaction
    with django_db_blocker.unblock():
        return build_hidden()


@pytest.fixture
def hidden(db, hidden_ids):
    return hidden_ids


def build_hidden() -> dict:
    """Every kind of content that must not leak; returns ids to probe directly."""
    editor = get_user_model().objects.create_user("editor", password="x", is_superuser=True)
    ids = {}

    page = ExplainerPageFactory(
        title=SECRETS["never_published"], body=body_with(SECRETS["never_published"]), publish=False
    )
    ids["never_published"] = page.pk

    page = ExplainerPageFactory(title="Public title B", body=body_with("public"))
    page.title = SECRETS["draft_change"]
    page.body = body_with(SECRETS["draft_change"])
    page.save_revision(user=editor)
    ids["draft_change"] = page.pk

    page = ExplainerPageFactory(
        title=SECRETS["unpublished"], body=body_with(SECRETS["unpublished"])
    )
    page.unpublish()
    ids["unpublished"] = page.pk

    page = ExplainerPageFactory(
        title=SECRETS["password_private"], body=body_with(SECRETS["password_private"])
    )
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="pw")
    ids["password_private"] = page.pk

    page = ExplainerPageFactory(
        title=SECRETS["group_private"], body=body_with(SECRETS["group_private"])
    )
    restriction = PageViewRestriction.objects.create(page=page, restriction_type="groups")
    restriction.groups.add(Group.objects.get_or_create(name="Staff only")[0])
    ids["group_private"] = page.pk

    page = ExplainerPageFactory(title="Public title F", body=body_with("public"))
    page.title = SECRETS["in_review_change"]
    page.body = body_with(SECRETS["in_review_change"])
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    ids["in_review_change"] = page.pk

    page = ExplainerPageFactory(
        title=SECRETS["new_in_review"], body=body_with(SECRETS["new_in_review"]), publish=False
    )
    page.get_workflow().start(page, editor)
    ids["new_in_review"] = page.pk

    person = PersonFactory(name=SECRETS["person_unpublished"], live=False)
    ids["person_unpublished"] = person.pk
    user = get_user_model().objects.create_user(
        SECRETS["person_email"], email=f"{SECRETS['person_email']}@example.org", password="x"
    )
    person = PersonFactory(name="Public Person", user=user)
    person.bio = SECRETS["person_draft_bio"]
    person.save_revision(user=editor)

    author = PersonFactory(name=SECRETS["unpublished_author"], live=False)
    ExplainerPageFactory(title="Public title M", authors=[PersonFactory(), author])

    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="pw"
    )
    ids["private_image"] = ImageFactory(title=SECRETS["private_image"], collection=private).pk
    ids["private_document"] = DocumentFactory(
        title=SECRETS["private_document"], collection=private
    ).pk

    TrialFactory()
    return ids


def sweep_urls(hidden_ids) -> list[str]:
    urls = []
    for params in ("", "?fields=*", "?type=insights.ExplainerPage&fields=*&limit=100"):
        urls.append(f"/api/v2/pages/{params}")
    for path in ("images", "documents", "people", "trials"):
        urls += [f"/api/v2/{path}/", f"/api/v2/{path}/?fields=*&limit=100"]
    for word in SECRETS.values():
        urls += [
            f"/api/v2/pages/?search={word}",
            f"/api/v2/pages/?type=insights.ExplainerPage&search={word}&fields=*",
            f"/api/v2/people/?search={word}&fields=*",
            f"/api/v2/images/?search={word}",
            f"/api/v2/documents/?search={word}",
            f"/api/v2/trials/?search={word}",
        ]
    for key in (
        "never_published",
        "draft_change",
        "unpublished",
        "password_private",
        "group_private",
        "in_review_change",
        "new_in_review",
    ):
        urls += [
            f"/api/v2/pages/{hidden_ids[key]}/",
            f"/api/v2/pages/find/?id={hidden_ids[key]}",
        ]
    urls += [
        f"/api/v2/people/{hidden_ids['person_unpublished']}/",
        f"/api/v2/images/{hidden_ids['private_image']}/",
        f"/api/v2/documents/{hidden_ids['private_document']}/",
        "/api/v2/pages/find/?html_path=/insights/" + SECRETS["password_private"] + "/",
    ]
    return urls


def test_nothing_hidden_appears_on_any_endpoint(client, hidden):
    seen_public = set()
    for url in sweep_urls(hidden):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = response.content.decode().lower()
        for name, word in SECRETS.items():
            assert word not in body, f"{name} leaked through {url}"
        seen_public |= {
            t for t in ("public title b", "public title f", "public person") if t in body
        }
    # The sweep is meaningful: the live versions of the edited pages and people are served.
    assert seen_public == {"public title b", "public title f", "public person"}


@pytest.mark.parametrize(
    "key",
    [
        "never_published",
        "unpublished",
        "password_private",
        "group_private",
        "new_in_review",
    ],
)
def test_hidden_pages_are_404(client, hidden, key):
    response = client.get(f"/api/v2/pages/{hidden[key]}/")
    assert response.status_code == 404
    assert response.json() == {"message": "No Page matches the given query."}


def test_pages_with_draft_or_in_review_changes_serve_their_live_version(client, hidden):
    for key, live_title in (
        ("draft_change", "Public title B"),
        ("in_review_change", "Public title F"),
    ):
        data = client.get(f"/api/v2/pages/{hidden[key]}/").json()
        assert data["title"] == live_title
        assert data["body"][0]["value"] == "<p>Text about public.</p>"


def test_private_pages_stay_hidden_from_logged_in_editors_too(client, hidden, django_user_model):
    """The API is anonymous: an admin session does not widen it (and a CDN may cache it)."""
    client.force_login(django_user_model.objects.get(username="editor"))
    response = client.get("/api/v2/pages/?fields=*")
    body = response.content.decode()
    assert SECRETS["password_private"] not in body
    assert SECRETS["group_private"] not in body
    assert client.get(f"/api/v2/images/{hidden['private_image']}/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"fields": "draft_title"},
        {"fields": "latest_revision"},
        {"fields": "live_revision"},
        {"fields": "owner"},
        {"draft_title": "x"},
        {"has_unpublished_changes": "true"},
        {"live": "false"},
        {"owner": "1"},
        {"latest_revision": "1"},
        {"order": "latest_revision_created_at"},
    ],
)
def test_revision_and_internal_page_fields_cannot_be_requested(client, hidden, params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = client.get(f"/api/v2/pages/?type=insights.ExplainerPage&{query}")
    assert response.status_code == 400, response.content
