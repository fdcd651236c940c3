"""Permission matrix of the editorial review, through the admin views with the test client.

Rows: writer/editor ("Editors"), analyst, medical reviewer, registry verifier, superuser,
anonymous. Columns: edit, submit, approve each stage, reject, publish directly, unpublish,
cancel the workflow, view a draft. Each cell asserts the effect (or its absence), not just
a status code. Deny cases come first in each table.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, TaskState, WorkflowState

from insights.models import ExplainerPage
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    approved_states,
    make_explainer,
    open_state,
    post_dashboard_decision,
    post_edit,
    reload,
    submit,
    workflow_states,
)

# Nothing here but the media matrix reads Wagtail's reference index (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.reference_index(False)]
team, registry_trial = review_support.team, review_support.registry_trial


@pytest.fixture
def fresh_trial(registry_trial):
    """The module's one copy of the cited trial (stage 3 checks it)."""
    from trials.models import Trial

    return Trial.objects.get(pk=registry_trial)


@pytest.fixture(scope="module")
def staged_pages(module_transaction, team_rows, registry_trial, django_db_blocker):
    """An explainer at each review stage (1-3) by pk, earlier stages approved by the
    groups' second members, built once for the module as ``state_pages``."""
    from wagtail.signal_handlers import disable_reference_index_auto_update

    assert module_transaction and team_rows
    with django_db_blocker.unblock(), disable_reference_index_auto_update():
        team = review_support.team_of(team_rows)
        pages = {}
        for stage in (1, 2, 3):
            page = make_explainer(team["writer"], title=f"Explainer at stage {stage}")
            advance_to_stage(page, stage, team)
            pages[stage] = page.pk
        return pages


ROLES = ["writer", "analyst", "medical", "verifier", "boss", "anonymous"]
EDITORIAL = ["writer", "analyst", "medical", "verifier"]


def login(client, team, role):
    if role != "anonymous":
        client.force_login(team[role])


def matrix(allowed):
    """Parametrize over every role, deny cases first."""
    denied = [r for r in ROLES if r not in allowed]
    return pytest.mark.parametrize(
        "role,allowed", [(r, False) for r in denied] + [(r, True) for r in allowed]
    )


@matrix(allowed=["writer", "analyst", "medical", "verifier", "boss"])
def test_edit_a_draft(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    before = reload(page).latest_revision_id
    login(client, team, role)
    response = post_edit(client, page, subtitle="Edited subtitle")
    page = reload(page)
    assert (page.latest_revision_id != before) is allowed
    if allowed:
        assert page.get_latest_revision().user == team[role]
        assert page.get_latest_revision_as_object().subtitle == "Edited subtitle"
    else:
        assert response.status_code == 302 and "/login/" in response.url


@matrix(allowed=["writer", "analyst", "medical", "verifier", "boss"])
def test_submit_for_review(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    login(client, team, role)
    post_edit(client, page, action="action-submit")
    states = list(workflow_states(page))
    assert bool(states) is allowed
    if allowed:
        assert states[0].requested_by == team[role]
        assert open_state(page).task.name == "Primary research"


APPROVER = {1: "analyst", 2: "medical", 3: "verifier"}


@pytest.mark.parametrize("stage", [1, 2, 3])
@pytest.mark.parametrize("role", ROLES)
def test_approve_each_stage(client, team, staged_pages, stage, role):
    allowed = role == APPROVER[stage]
    page = ExplainerPage.objects.get(pk=staged_pages[stage])
    state = open_state(page)
    approvals = approved_states(page).count()
    login(client, team, role)
    response = post_dashboard_decision(client, page, state, "approve", "Checked")
    state.refresh_from_db()
    if allowed:
        assert response.status_code == 200
        assert state.status == TaskState.STATUS_APPROVED
        assert state.finished_by == team[role]
        assert reload(page).live is (stage == 3)
    else:
        assert response.status_code == 403
        assert state.status == TaskState.STATUS_IN_PROGRESS
        assert approved_states(page).count() == approvals
        assert not reload(page).live


@matrix(allowed=["analyst"])
def test_reject_stage_1(client, team, staged_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=staged_pages[1])
    state = open_state(page)
    login(client, team, role)
    response = post_dashboard_decision(client, page, state, "reject", "Sources missing")
    state.refresh_from_db()
    if allowed:
        assert state.status == TaskState.STATUS_REJECTED
        assert workflow_states(page).last().status == WorkflowState.STATUS_NEEDS_CHANGES
    else:
        assert response.status_code == 403
        assert state.status == TaskState.STATUS_IN_PROGRESS


@matrix(allowed=["boss"])
def test_publish_directly_from_the_editor(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    login(client, team, role)
    if role != "anonymous":
        editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        assert ('name="action-publish"' in editor) is allowed
    post_edit(client, page, action="action-publish")
    assert reload(page).live is allowed


@matrix(allowed=["boss"])
def test_schedule_publishing(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    login(client, team, role)
    go_live = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    post_edit(client, page, action="action-publish", go_live_at=go_live)
    page = reload(page)
    scheduled = page.revisions.filter(approved_go_live_at__isnull=False).exists()
    assert scheduled is allowed
    assert not page.live


@matrix(allowed=["boss"])
def test_bulk_publish(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    login(client, team, role)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{url}?id={page.pk}", {"include_descendants": ""})
    assert reload(page).live is allowed


@matrix(allowed=["boss"])
def test_unpublish(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["live"])
    assert reload(page).live
    login(client, team, role)
    if role != "anonymous":
        editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        unpublish_url = reverse("wagtailadmin_pages:unpublish", args=[page.pk])
        assert (unpublish_url in editor) is allowed
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    assert reload(page).live is not allowed


# Wagtail lets the submitter (and the page's owner) withdraw a review, and anyone who may
# approve the current stage end it. Superusers end a review by publishing directly.
@matrix(allowed=["writer", "analyst"])
def test_cancel_workflow_at_stage_1(client, team, staged_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=staged_pages[1])
    login(client, team, role)
    post_edit(client, page, action="action-cancel-workflow")
    status = workflow_states(page).last().status
    assert (status == WorkflowState.STATUS_CANCELLED) is allowed


@matrix(allowed=["writer", "analyst", "medical", "verifier", "boss"])
def test_view_a_draft(client, team, state_pages, role, allowed):
    page = ExplainerPage.objects.get(pk=state_pages["draft"])
    login(client, team, role)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    if allowed:
        assert response.status_code == 200
        assert page.title.encode() in response.content
    else:
        assert response.status_code == 302 and "/login/" in response.url


def test_superuser_publishing_directly_ends_a_review_in_progress(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    client.force_login(team["boss"])
    post_edit(client, page, action="action-publish")
    assert reload(page).live
    assert workflow_states(page).last().status == WorkflowState.STATUS_CANCELLED


def test_no_group_holds_publish_permission_on_explainers(team):
    """The migration's guarantee, checked on the data: no publish grant reaches the subtree."""
    page = make_explainer(team["writer"])
    ancestors = Page.objects.ancestor_of(page, inclusive=True)
    assert not GroupPagePermission.objects.filter(
        page__in=ancestors, permission__codename="publish_page"
    ).exists()
    for group in Group.objects.all():
        assert not group.permissions.filter(codename="publish_page").exists(), group.name
    for role in EDITORIAL:
        perms = reload(page).permissions_for_user(team[role])
        assert perms.can_edit() and not perms.can_publish() and not perms.can_unpublish()


def test_workflow_action_view_refuses_anonymous_without_state_change(client, team, fresh_trial):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk]),
        {"comment": "x"},
    )
    assert response.status_code == 302 and "/login/" in response.url
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS


# Separation of duties: credited authors and shared e-mail addresses (issue 10) ------------

GROUP_OF_STAGE = {1: "Research analysts", 2: "Medical reviewers", 3: "Registry verifiers"}
SECONDS = {1: "analyst2", 2: "medical2", 3: "verifier2"}


def at_stage(page, stage, team):
    submit(page, team["writer"])
    for number in range(1, stage):
        review_support.decide(page, team[SECONDS[number]])
    return open_state(page)


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_a_credited_author_may_approve_no_stage(client, team, fresh_trial, stage):
    author = review_support.make_user("coauthor", GROUP_OF_STAGE[stage], person_credentials="MD")
    page = review_support.credit_author(make_explainer(team["writer"]), author, team["writer"])
    at_stage(page, stage, team)
    # A colleague in the same group who did not write it may.
    assert "approve" in review_support.action_names(page, team[SECONDS[stage]])
    review_support.assert_refused_everywhere(
        client, page, author, "You are credited as an author of this page"
    )


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_a_credited_author_is_not_asked_to_approve(mailoutbox, team, fresh_trial, stage):
    author = review_support.make_user("coauthor", GROUP_OF_STAGE[stage], person_credentials="MD")
    page = review_support.credit_author(make_explainer(team["writer"]), author, team["writer"])
    mailoutbox.clear()
    state = at_stage(page, stage, team)
    from insights.review.notifications import stage_recipients

    recipients = stage_recipients(state)
    assert author not in recipients and team[SECONDS[stage]] in recipients


@pytest.mark.parametrize("stage", [1, 2, 3])
def test_accounts_sharing_an_email_address_are_one_person(client, team, fresh_trial, stage):
    # A second account with the submitter's address, in the stage's group.
    twin = review_support.make_user("twin", GROUP_OF_STAGE[stage], person_credentials="MD")
    twin.email = team["writer"].email.upper()
    twin.save(update_fields=["email"])
    page = make_explainer(team["writer"])
    state = at_stage(page, stage, team)
    from insights.review.notifications import stage_recipients

    assert twin not in stage_recipients(state)
    review_support.assert_refused_everywhere(
        client, page, twin, "an account with your e-mail address writer@example.org"
    )


@pytest.mark.parametrize("stage", [2, 3])
def test_an_earlier_approver_under_another_account_with_the_same_email_is_refused(
    client, team, fresh_trial, stage
):
    earlier = SECONDS[stage - 1]
    twin = review_support.make_user("twin", GROUP_OF_STAGE[stage], person_credentials="MD")
    twin.email = team[earlier].email
    twin.save(update_fields=["email"])
    page = make_explainer(team["writer"])
    at_stage(page, stage, team)
    review_support.assert_refused_everywhere(client, page, twin, "You already approved")


# Delete, move, unpublish by role and page state (issue 10, hole 6) -------------------------

STATES = ["draft", "in_review", "live", "live_in_review"]
# Only drafts outside review may be deleted or moved by the editorial groups.
PROTECTED = {"in_review", "live", "live_in_review"}


def page_in_state(team, state):
    page = make_explainer(team["writer"], title=f"Explainer {state} for the state matrix")
    if state in ("live", "live_in_review"):
        reload(page).get_latest_revision().publish(user=team["boss"])
    if state in ("in_review", "live_in_review"):
        if state == "live_in_review":
            review_support.save_edit(page, team["writer"])
        submit(page, team["writer"])
    return reload(page)


@pytest.fixture(scope="module")
def state_pages(module_transaction, team_rows, django_db_blocker):
    """One explainer in each of STATES by pk, built once for the module's tests inside its
    transaction (tests/conftest.py): whatever a test does to them is rolled back after it.
    Built per test, they were about a seventh of the module's time."""
    from wagtail.signal_handlers import disable_reference_index_auto_update

    assert module_transaction and team_rows
    with django_db_blocker.unblock(), disable_reference_index_auto_update():
        team = review_support.team_of(team_rows)
        return {state: page_in_state(team, state).pk for state in STATES}


def expect_allowed(role, state):
    return role == "boss" or state not in PROTECTED


def state_matrix():
    cases = [(r, s) for r in ["writer", "analyst", "medical", "verifier", "boss"] for s in STATES]
    return pytest.mark.parametrize(
        "role,state",
        sorted(cases, key=lambda c: expect_allowed(*c)),  # deny cases first
    )


@state_matrix()
def test_delete_by_role_and_state(client, team, state_pages, role, state):
    page = ExplainerPage.objects.get(pk=state_pages[state])
    client.force_login(team[role])
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    allowed = expect_allowed(role, state)
    assert (client.get(url).status_code == 200) is allowed
    client.post(url)
    assert (not Page.objects.filter(pk=page.pk).exists()) is allowed
    if not allowed:
        # Nor is it offered in the editor's menu.
        editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
        assert url not in editor


@state_matrix()
def test_bulk_delete_by_role_and_state(client, team, state_pages, role, state):
    page = ExplainerPage.objects.get(pk=state_pages[state])
    client.force_login(team[role])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    client.post(f"{url}?id={page.pk}")
    assert (not Page.objects.filter(pk=page.pk).exists()) is expect_allowed(role, state)


@pytest.fixture(scope="module")
def second_index(module_transaction, django_db_blocker):
    """Another explainers index every editorial group may add and change pages under,
    built once for the module's tests (as ``state_pages``)."""
    from wagtail.models import Page as WagtailPage

    from insights.models import InsightsIndexPage

    assert module_transaction
    with django_db_blocker.unblock():
        home = InsightsIndexPage.objects.get(slug="insights").get_parent()
        other = home.add_child(instance=InsightsIndexPage(title="Archive", slug="archive"))
        groups = Group.objects.filter(name__in=[g for g, *_ in review_support.TEAM.values()])
        for group in groups:
            for codename in ("add_page", "change_page"):
                GroupPagePermission.objects.get_or_create(
                    group=group, page=other, permission=Permission.objects.get(codename=codename)
                )
        return WagtailPage.objects.get(pk=other.pk)


@state_matrix()
def test_move_by_role_and_state(client, team, state_pages, second_index, role, state):
    page = ExplainerPage.objects.get(pk=state_pages[state])
    client.force_login(team[role])
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, second_index.pk])
    client.post(url)
    moved = reload(page).get_parent().pk == second_index.pk
    assert moved is expect_allowed(role, state)


@state_matrix()
def test_bulk_move_by_role_and_state(client, team, state_pages, second_index, role, state):
    page = ExplainerPage.objects.get(pk=state_pages[state])
    client.force_login(team[role])
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    client.post(f"{url}?id={page.pk}", {"chooser": second_index.pk})
    moved = reload(page).get_parent().pk == second_index.pk
    assert moved is expect_allowed(role, state)


@pytest.mark.parametrize(
    "role,state",
    [(r, s) for r in EDITORIAL for s in ("live", "live_in_review")]
    + [("boss", "live"), ("boss", "live_in_review")],
)
def test_unpublish_by_role_and_state(client, team, state_pages, role, state):
    page = ExplainerPage.objects.get(pk=state_pages[state])
    client.force_login(team[role])
    client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"])
    client.post(f"{url}?id={page.pk}", {"include_descendants": ""})
    assert reload(page).live is (role != "boss")


# Media on reviewed pages: replace x role x page state (issue 10, hole 5) -----------------

MEDIA_STATES = ["unused", "draft", "in_review", "live"]
# Editors hold Wagtail's image and document permissions; the review groups do not.
MEDIA_ROLES = ["writer", "boss"]


def media_on_page(team, state, kind):
    """An image (the hero) or a document (linked from the body) on a page in STATE."""
    from tests.api.factories import DocumentFactory, ImageFactory

    uploader = team["analyst"]
    if kind == "image":
        media = ImageFactory(uploaded_by_user=uploader)
    else:
        media = DocumentFactory(uploaded_by_user=uploader)
    if state == "unused":
        return media, None
    page = make_explainer(team["writer"], title=f"Explainer {state}")
    draft = reload(page)
    if kind == "image":
        draft.hero_image = media
    else:
        draft.summary = f'<p>See <a linktype="document" id="{media.pk}">the leaflet</a>.</p>'
    draft.save()
    draft.save_revision(user=team["writer"])
    if state == "live":
        reload(page).get_latest_revision().publish(user=team["boss"])
    if state == "in_review":
        submit(page, team["writer"])
    return media, reload(page)


def media_edit(client, media, kind, **changes):
    from wagtail.test.utils.form_data import nested_form_data

    if kind == "image":
        data = {
            "title": media.title,
            "collection": media.collection_id,
            "tags": "",
            "description": media.description,
            "focal_point_x": "",
            "focal_point_y": "",
            "focal_point_width": "",
            "focal_point_height": "",
        }
        url = reverse("wagtailimages:edit", args=[media.pk])
    else:
        data = {"title": media.title, "collection": media.collection_id, "tags": ""}
        url = reverse("wagtaildocs:edit", args=[media.pk])
    data.update(changes)
    return client.post(url, nested_form_data(data))


def media_matrix():
    cases = [(r, s, k) for r in MEDIA_ROLES for s in MEDIA_STATES for k in ("image", "document")]
    return pytest.mark.parametrize(
        "role,state,kind",
        sorted(cases, key=lambda c: c[0] == "boss" or c[1] in ("unused", "draft")),
    )


@pytest.mark.reference_index(True)  # media.py finds the pages showing the media through it
@media_matrix()
def test_changing_media_by_role_and_page_state(client, team, role, state, kind):
    from insights.models import ReReviewFlag

    media, page = media_on_page(team, state, kind)
    client.force_login(team[role])
    response = media_edit(client, media, kind, title="Retitled")
    allowed = role == "boss" or state in ("unused", "draft")
    media.refresh_from_db()
    assert (media.title == "Retitled") is allowed
    if not allowed:
        assert response.status_code == 200
        assert (
            f"This {kind} is shown on published or in-review explainers: “{page.title}”. "
            "Only a superuser may change its title"
        ) in response.content.decode()
    # A superuser's change to media on a reviewed page flags it for re-review.
    flagged = ReReviewFlag.objects.filter(resolved_at__isnull=True).values_list("page", flat=True)
    assert list(flagged) == ([page.pk] if role == "boss" and state in ("in_review", "live") else [])
