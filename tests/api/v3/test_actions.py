"""API v3 write and action endpoints by role on explainers: never around the review.

Deny cases first. Every response is checked against the OpenAPI document (conftest).
Roles are the review tests' team (tests/insights/review_support.py): a writer (Editors),
two analysts, two medical reviewers, two registry verifiers and a superuser ("boss").
"""

import pytest
from wagtail.models import Page

from insights.models import CompletedReview, ExplainerPage, InsightsIndexPage
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    decide,
    make_explainer,
    make_user,
    open_state,
    reload,
    stage_names,
)

from .conftest import token_for

pytestmark = pytest.mark.django_db
team, registry_trial = review_support.team, review_support.registry_trial


@pytest.fixture(autouse=True)
def _registry_has_the_cited_trial(registry_trial):
    """Stage 3's automatic check needs the cited trial in the registry copy."""


ROLES = ["writer", "analyst", "medical", "verifier", "boss"]
STAGE_1 = "Primary research"


@pytest.fixture(scope="module")
def published_pk(module_transaction, team_rows, registry_trial, django_db_blocker):
    """A live explainer whose three-stage review finished (as the workflow publishes),
    built once for the module's tests: each test's changes to it are rolled back after it
    (tests/conftest.py). A full review per test was most of the module's time."""
    assert module_transaction and team_rows
    with django_db_blocker.unblock():
        team = review_support.team_of(team_rows)
        page = make_explainer(team["writer"], title="CAR-T cell therapy, reviewed")
        advance_to_stage(page, 3, team)
        decide(page, team["verifier"])
        page = reload(page)
        assert page.live and CompletedReview.objects.filter(page=page, is_current=True).exists()
        return page.pk


@pytest.fixture
def published(published_pk):
    return ExplainerPage.objects.get(pk=published_pk)


def index():
    return InsightsIndexPage.objects.get(slug="insights")


def call(v3, user, method, path, data=None):
    return v3.send(method, path, bearer=token_for(user) if user else None, data=data)


ACTIONS = {
    "create": ("POST", "pages/", None),
    "update": ("PATCH", "pages/{id}/", {"title": "Changed by the API"}),
    "publish": ("POST", "pages/{id}/actions/publish/", {}),
    "unpublish": ("POST", "pages/{id}/actions/unpublish/", {}),
    "copy": ("POST", "pages/{id}/actions/copy/", {"keep_live": False, "slug": "a-copy"}),
    "move": ("POST", "pages/{id}/actions/move/", None),
    "revert": ("POST", "pages/{id}/actions/revert/", None),
    "delete": ("DELETE", "pages/{id}/", None),
    "create_alias": ("POST", "pages/{id}/actions/create_alias/", {"slug": "an-alias"}),
}


def request_for(action, page):
    method, path, data = ACTIONS[action]
    if action == "create":
        data = {"meta": {"type": "insights.ExplainerPage", "parent_id": index().pk}, "title": "N"}
    elif action == "move":
        data = {"destination_id": index().pk, "position": "first-child"}
    elif action == "revert":
        data = {"revision_id": page.revisions.order_by("pk").first().pk}
    return method, path.format(id=page.pk), data


# Deny: anonymous -------------------------------------------------------------------------


@pytest.mark.parametrize("action", list(ACTIONS))
def test_anonymous_may_do_nothing(v3, team, published, action):
    page = published
    method, path, data = request_for(action, page)
    response = call(v3, None, method, path, data)
    assert response.status_code == 401
    page.refresh_from_db()
    assert page.live and page.latest_revision_id == page.live_revision_id
    assert ExplainerPage.objects.count() == 1


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_user_without_page_permissions_may_do_nothing(v3, team, published, action):
    page = published
    outsider = make_user("outsider")
    method, path, data = request_for(action, page)
    response = call(v3, outsider, method, path, data)
    assert response.status_code in (403, 404, 409), response.content
    page.refresh_from_db()
    assert page.live and page.latest_revision_id == page.live_revision_id
    assert ExplainerPage.objects.count() == 1


# Deny: publishing around the review -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_publish_of_an_unreviewed_draft_is_refused_for_every_role(v3, team, role):
    page = make_explainer(team["writer"])
    response = call(v3, team[role], "POST", f"pages/{page.pk}/actions/publish/", {})
    assert response.status_code == 409
    assert "editorial review" in response.json()["detail"]
    assert not reload(page).live


@pytest.mark.parametrize("role", ROLES)
def test_publish_of_an_edit_after_review_is_refused_for_every_role(v3, team, published, role):
    page = published
    draft = page.get_latest_revision_as_object()
    draft.subtitle = "Not reviewed"
    draft.save_revision(user=team["writer"])
    response = call(v3, team[role], "POST", f"pages/{page.pk}/actions/publish/", {})
    assert response.status_code == 409
    assert reload(page).subtitle != "Not reviewed"


@pytest.mark.parametrize("role", ROLES)
def test_publish_in_the_middle_of_the_review_is_refused(v3, team, role):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 3, team)
    response = call(v3, team[role], "POST", f"pages/{page.pk}/actions/publish/", {})
    assert response.status_code == 409
    assert not reload(page).live
    assert stage_names(page) == "Registry verification"


@pytest.mark.parametrize("role", ROLES)
def test_update_with_publish_is_refused(v3, team, role):
    page = make_explainer(team["writer"])
    data = {"meta": {"action": "publish"}, "title": "Straight to readers"}
    response = call(v3, team[role], "PATCH", f"pages/{page.pk}/", data)
    assert response.status_code == 409
    page = reload(page)
    assert not page.live
    assert page.get_latest_revision_as_object().title != "Straight to readers"


@pytest.mark.parametrize("role", ROLES)
def test_create_with_publish_is_refused(v3, team, role):
    data = {
        "meta": {"type": "insights.ExplainerPage", "parent_id": index().pk, "action": "publish"},
        "title": "Unreviewed",
    }
    response = call(v3, team[role], "POST", "pages/", data)
    assert response.status_code == 409
    assert not ExplainerPage.objects.filter(title="Unreviewed").exists()


# Deny: protected explainers (live or in review) -------------------------------------------


@pytest.mark.parametrize("role", ["writer", "analyst", "medical", "verifier"])
@pytest.mark.parametrize("action", ["delete", "unpublish", "move"])
def test_only_a_superuser_deletes_unpublishes_or_moves_a_live_explainer(
    v3, team, published, role, action
):
    page = published
    method, path, data = request_for(action, page)
    response = call(v3, team[role], method, path, data)
    assert response.status_code == 403, response.content
    page = reload(page)
    assert page.live


@pytest.mark.parametrize("role", ["writer", "analyst", "medical", "verifier"])
def test_deleting_the_index_with_live_explainers_is_superusers_only(v3, team, published, role):
    page = published
    response = call(v3, team[role], "DELETE", f"pages/{index().pk}/")
    assert response.status_code == 403
    assert reload(page).live


@pytest.mark.parametrize("role", ROLES)
def test_a_live_copy_of_an_explainer_is_refused(v3, team, published, role):
    page = published
    response = call(v3, team[role], "POST", f"pages/{page.pk}/actions/copy/", {"keep_live": True})
    assert response.status_code == 409
    assert ExplainerPage.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_a_live_copy_of_the_index_with_its_explainers_is_refused(v3, team, published, role):
    response = call(
        v3,
        team[role],
        "POST",
        f"pages/{index().pk}/actions/copy/",
        {"keep_live": True, "recursive": True, "slug": "insights-2"},
    )
    assert response.status_code == 409
    assert ExplainerPage.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_an_alias_of_an_explainer_is_refused(v3, team, published, role):
    page = published
    response = call(v3, team[role], "POST", f"pages/{page.pk}/actions/create_alias/", {})
    assert response.status_code == 409
    assert ExplainerPage.objects.count() == 1


def test_an_edit_at_a_locked_stage_is_refused(v3, team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)  # stage 2: only medical reviewers may edit
    for action in ("update", "revert"):
        method, path, data = request_for(action, page)
        response = call(v3, team["writer"], method, path, data)
        assert response.status_code == 423, response.content
    assert stage_names(page) == "Medical accuracy review"
    assert reload(page).get_latest_revision_as_object().title == "CAR-T cell therapy"


# Allow: what the review allows, with its rules applied ------------------------------------


def test_an_edit_after_approval_restarts_the_review(v3, team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)  # stage 1 approved by analyst2
    response = call(v3, team["medical"], "PATCH", f"pages/{page.pk}/", {"title": "Edited"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Edited"
    assert stage_names(page) == STAGE_1
    assert not reload(page).live


def test_a_writer_saves_a_draft_of_a_live_explainer_without_publishing_it(v3, team, published):
    page = published
    response = call(v3, team["writer"], "PATCH", f"pages/{page.pk}/", {"title": "Draft"})
    assert response.status_code == 200, response.content
    page = reload(page)
    assert page.live and page.title != "Draft"
    assert page.latest_revision_id != page.live_revision_id


def test_a_writer_reverts_to_an_old_revision_as_a_draft(v3, team, published):
    page = published
    method, path, data = request_for("revert", page)
    response = call(v3, team["writer"], method, path, data)
    assert response.status_code == 200, response.content
    page = reload(page)
    assert page.live and page.latest_revision_id != page.live_revision_id


def test_a_writer_copies_an_explainer_as_an_unpublished_draft(v3, team, published):
    page = published
    method, path, data = request_for("copy", page)
    response = call(v3, team["writer"], method, path, data)
    assert response.status_code == 201, response.content
    copy = ExplainerPage.objects.get(slug="a-copy")
    assert not copy.live
    assert not CompletedReview.objects.filter(page=copy).exists()


def test_a_writer_creates_a_draft_explainer(v3, team):
    method, path, data = request_for("create", make_explainer(team["writer"]))
    response = call(v3, team["writer"], method, path, data)
    assert response.status_code == 201, response.content
    assert not ExplainerPage.objects.get(title="N").live


def test_a_writer_deletes_a_draft_not_in_review(v3, team):
    page = make_explainer(team["writer"])
    response = call(v3, team["writer"], "DELETE", f"pages/{page.pk}/")
    assert response.status_code == 204
    assert not Page.objects.filter(pk=page.pk).exists()


def test_a_writer_may_not_delete_a_draft_in_review(v3, team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 1, team)
    response = call(v3, team["writer"], "DELETE", f"pages/{page.pk}/")
    assert response.status_code == 403
    assert open_state(page) is not None


def test_a_superuser_republishes_the_reviewed_version_after_unpublishing(v3, team, published):
    page = published
    boss = team["boss"]
    assert call(v3, boss, "POST", f"pages/{page.pk}/actions/unpublish/", {}).status_code == 200
    assert not reload(page).live
    response = call(v3, boss, "POST", f"pages/{page.pk}/actions/publish/", {})
    assert response.status_code == 200, response.content
    assert reload(page).live


def test_a_superuser_deletes_a_live_explainer_and_the_review_record_stays(v3, team, published):
    page = published
    response = call(v3, team["boss"], "DELETE", f"pages/{page.pk}/")
    assert response.status_code == 204
    assert CompletedReview.objects.filter(page_pk=page.pk).exists()


# Media on a reviewed explainer (insights/review/media.py) ---------------------------------


def test_an_image_on_a_live_explainer_keeps_its_title_through_the_api(v3, team, published):
    from tests.api.factories import ImageFactory

    image = ImageFactory(title="CAR-T diagram")
    page = published
    page.hero_image = image
    page.save()  # the reference index now links the image to the live page
    response = call(v3, team["writer"], "PATCH", f"images/{image.pk}/", {"title": "Other"})
    assert response.status_code == 422, response.content
    assert "CAR-T" in response.content.decode()  # names the page
    image.refresh_from_db()
    assert image.title == "CAR-T diagram"
