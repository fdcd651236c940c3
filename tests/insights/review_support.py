"""Fixtures and helpers for the editorial review tests (imported by test_review_*.py)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import PageLogEntry, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from insights.models import (
    ExplainerPage,
    ExplainerPageAuthor,
    ExplainerTrialCitation,
    InsightsIndexPage,
)
from people.models import Person, Role
from trials.models import Trial

NCT = "NCT04000001"
PASSWORD = "review-test-password"

# username -> (group, person role, credentials)
TEAM = {
    "writer": ("Editors", Role.FOUNDER, "MSc, Editor"),
    "analyst": ("Research analysts", Role.RESEARCH, "PhD, Epidemiology"),
    "analyst2": ("Research analysts", Role.RESEARCH, "MPH"),
    "medical": ("Medical reviewers", Role.MEDICAL_REVIEW, "MD, Oncology"),
    "medical2": ("Medical reviewers", Role.MEDICAL_REVIEW, "MD, Haematology"),
    "verifier": ("Registry verifiers", Role.TECHNICAL_REVIEW, "BSc, Informatics"),
    "verifier2": ("Registry verifiers", Role.TECHNICAL_REVIEW, "BSc"),
}


def make_user(
    username, group=None, *, person_credentials=None, role=Role.RESEARCH, superuser=False
):
    User = get_user_model()
    user = User.objects.create_user(
        username,
        email=f"{username}@example.org",
        password=PASSWORD,
        first_name=username.capitalize(),
        last_name="Tester",
        is_staff=superuser,
        is_superuser=superuser,
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    if person_credentials is not None:
        Person.objects.create(
            name=f"{username.capitalize()} Tester",
            role=role,
            credentials=person_credentials,
            user=user,
            live=True,
        )
    return user


def build_team() -> dict:
    """One user per role (two per review group), each linked to a Person, and a superuser."""
    users = {
        name: make_user(name, group, person_credentials=credentials, role=role)
        for name, (group, role, credentials) in TEAM.items()
    }
    users["boss"] = make_user("boss", superuser=True, person_credentials="Publisher")
    return users


@pytest.fixture
def team(db, team_rows):
    """The team of ``build_team``: built once per module (``team_rows`` in
    tests/conftest.py) and fetched afresh for each test, so no test sees another's
    in-memory changes; built per test in a module with transactional tests."""
    if team_rows is None:
        return build_team()
    return team_of(team_rows)


def team_of(team_rows: dict) -> dict:
    """The users of ``team_rows`` (pks by name), for module fixtures building on them."""
    users = get_user_model().objects.in_bulk(team_rows.values())
    return {name: users[pk] for name, pk in team_rows.items()}


@pytest.fixture
def fresh_trial(db):
    return cited_trial()


@pytest.fixture(scope="module")
def registry_trial(module_transaction, django_db_blocker):
    """The pk of ``cited_trial``, created once for a module that builds its pages once
    (``module_transaction`` in tests/conftest.py), where ``fresh_trial`` would clash."""
    assert module_transaction
    with django_db_blocker.unblock():
        return cited_trial().pk


def cited_trial() -> Trial:
    """The registry's copy of the trial ``make_explainer`` cites, seen a day ago."""
    return Trial.objects.create(
        nct_id=NCT,
        brief_title="A CAR-T study",
        overall_status="RECRUITING",
        phases=["PHASE2"],
        last_seen=timezone.now() - dt.timedelta(days=1),
    )


def make_explainer(author, title="CAR-T cell therapy", nct=NCT, disclaimer=True):
    """A draft explainer under the insights index, its first revision saved by AUTHOR."""
    index = InsightsIndexPage.objects.get(slug="insights")
    # Block keys as the editor writes them, so an unchanged form round-trips unchanged.
    body = [("paragraph", f'<p data-block-key="k1">How it works. See {nct}.</p>')]
    if disclaimer:
        body.append(("disclaimer", {"kind": "medical", "extra": ""}))
    page = ExplainerPage(
        title=title,
        slug=slugify(title),
        subtitle="What it is",
        owner=author,
        live=False,
        body=body,
        summary='<p data-block-key="s1">Short version.</p>',
    )
    person = Person.objects.filter(user=author).first() or Person.objects.create(
        name="Some Author", role=Role.RESEARCH
    )
    page.authors = [ExplainerPageAuthor(person=person)]
    page.trial_citations = [
        ExplainerTrialCitation(nct_id=nct, stated_status="RECRUITING", stated_phase="PHASE2")
    ]
    index.add_child(instance=page)
    page.save_revision(user=author)
    return ExplainerPage.objects.get(pk=page.pk)


def reload(page):
    return ExplainerPage.objects.get(pk=page.pk)


def submit(page, user):
    """Submit PAGE for review as USER (model level; the admin path is tested separately)."""
    page = reload(page)
    return page.get_workflow().start(page, user)


def open_state(page):
    """The in-progress task state of PAGE's review (specific), or None."""
    return reload(page).current_workflow_task_state


def decide(page, user, action="approve", comment="Checked."):
    """Take a decision at PAGE's current stage through the task itself."""
    state = open_state(page)
    return state.task.specific.on_action(state, user, action, comment=comment)


def advance_to_stage(page, stage, team, submitter="writer"):
    """Submit PAGE and approve stages before STAGE with the second member of each group."""
    submit(page, team[submitter])
    seconds = ["analyst2", "medical2", "verifier2"]
    for number in range(1, stage):
        decide(page, team[seconds[number - 1]])
    return open_state(page)


def stage_names(page):
    state = open_state(page)
    return state.task.name if state else None


def workflow_states(page):
    return WorkflowState.objects.for_instance(reload(page)).order_by("pk")


def approved_states(page):
    return TaskState.objects.filter(
        workflow_state__in=workflow_states(page), status=TaskState.STATUS_APPROVED
    )


# Admin form posts ------------------------------------------------------------------------


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def edit_form_data(page, **overrides):
    """The edit form of PAGE as a browser would post it, with OVERRIDES applied."""
    page = reload(page).get_latest_revision_as_object()
    data = {
        "title": page.title,
        "slug": page.slug,
        "subtitle": overrides.pop("subtitle", page.subtitle),
        "therapy_name": page.therapy_name,
        "topics": "",
        "hero_image": "",
        "summary": rich_text(str(page.summary)),
        "body": body_form_data(page, overrides.pop("paragraph", None)),
        "authors": inline_formset(
            [
                {"id": a.pk or "", "person": a.person_id, "ORDER": i + 1}
                for i, a in enumerate(page.authors.all())
            ],
            initial=page.authors.count(),
            min=1,
        ),
        "trial_citations": inline_formset(
            [
                {
                    "id": c.pk or "",
                    "nct_id": c.nct_id,
                    "stated_status": c.stated_status,
                    "stated_phase": c.stated_phase,
                    "ORDER": i + 1,
                }
                for i, c in enumerate(page.trial_citations.all())
            ],
            initial=page.trial_citations.count(),
        ),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": overrides.pop("go_live_at", ""),
        "expire_at": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def body_form_data(page, paragraph=None):
    """PAGE's body as the editor posts it (with block ids); PARAGRAPH replaces the text."""
    items, ids = [], []
    for block in page.body:
        if block.block_type == "paragraph":
            html = paragraph if paragraph is not None else block.value.source
            items.append(("paragraph", rich_text(html)))
        elif block.block_type == "disclaimer":
            items.append(
                ("disclaimer", {"kind": block.value["kind"], "extra": block.value["extra"]})
            )
        else:
            continue
        ids.append(block.id)
    data = streamfield(items)
    for index, block_id in enumerate(ids):
        data[str(index)]["id"] = block_id
    return data


def post_edit(client, page, *, action=None, extra=None, **overrides):
    """POST PAGE's edit form; ACTION is e.g. "action-submit" or "action-publish"."""
    data = edit_form_data(page, **overrides)
    if action:
        data[action] = "1"
    data.update(extra or {})
    return client.post(edit_url(page), data)


def post_edit_decision(client, page, decision, comment="Checked.", shown=None):
    """Decide from the page editor (its action menu posts the edit form with the decision).

    SHOWN is the revision the editor and its decision modal showed (default: the one
    under review, else the latest), posted as the editor does (``loaded_revision_id``)
    and in the modal's data (``revision``).
    """
    state = open_state(page)
    if shown is None:
        shown = state.revision_id if state else reload(page).latest_revision_id
    return post_edit(
        client,
        page,
        action="action-workflow-action",
        extra={
            "loaded_revision_id": str(shown),
            "workflow-action-name": decision,
            "workflow-action-extra-data": json.dumps({"comment": comment, "revision": shown}),
        },
    )


def workflow_action_url(page, task_state, decision):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, decision, task_state.pk])


def post_dashboard_decision(client, page, task_state, decision, comment="Checked.", revision=None):
    """Decide from the dashboard's "Awaiting your review" modal (an XHR POST).

    The modal's hidden ``revision`` is the version it showed: TASK_STATE's unless given.
    """
    return client.post(
        workflow_action_url(page, task_state, decision),
        {"comment": comment, "revision": revision or task_state.revision_id},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


# People in the admin ----------------------------------------------------------------------


def person_form_data(person, **changes):
    """The Person snippet's edit form as a browser posts it, with CHANGES applied."""
    data = {
        "name": person.name,
        "initials": person.initials,
        "role": person.role,
        "job_title": person.job_title,
        "credentials": person.credentials,
        "bio": person.bio,
        "photo": person.photo_id or "",
        "links": streamfield([]),
        "user": person.user_id or "",
    }
    data.update(changes)
    return nested_form_data(data)


def post_person(client, person, action="action-publish", **changes):
    """Edit PERSON in the admin (publishing by default) as CLIENT's user."""
    data = person_form_data(person, **changes)
    if action:
        data[action] = "1"
    return client.post(reverse("wagtailsnippets_people_person:edit", args=[person.pk]), data)


def public_views(client, page):
    """What readers get of PAGE: (HTML, the JSON-LD in it, the API detail)."""
    from bs4 import BeautifulSoup

    page = reload(page)
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    json_ld = json.loads(soup.find("script", type="application/ld+json").string)
    api = client.get(f"/api/v2/pages/{page.pk}/", HTTP_ACCEPT="application/json")
    assert api.status_code == 200
    return soup, json_ld, api.json()


def review_as_read(client, page):
    """The review record as each of HTML, JSON-LD and API shows it (comparable)."""
    soup, json_ld, api = public_views(client, page)

    def text(node):
        return " ".join(node.get_text(" ").split()) if node else None

    byline = soup.find("span", class_="byline-reviewers")
    return {
        "html_byline": text(byline),
        "html_dates": text(soup.find("dl", class_="review-dates")),
        "html_status": text(soup.find("p", class_="review-status")),
        "json_ld_reviewed_by": json_ld.get("reviewedBy"),
        "json_ld_last_reviewed": json_ld.get("lastReviewed"),
        "api_review": {
            **api["review"],
            "stages": [
                {**s, "reviewer": {k: s["reviewer"][k] for k in ("name", "credentials")}}
                for s in api["review"]["stages"]
            ],
            "medically_reviewed_by": (
                {k: api["review"]["medically_reviewed_by"][k] for k in ("name", "credentials")}
                if api["review"]["medically_reviewed_by"]
                else None
            ),
        },
    }


# Refusals on every path -----------------------------------------------------------------


def action_names(page, user):
    state = open_state(page)
    return [name for name, _label, _modal in state.task.specific.get_actions(reload(page), user)]


def assert_refused_everywhere(client, page, user, expected_reason):
    """USER is not offered "approve" and every way of approving is refused, changing nothing."""
    state = open_state(page)
    approvals_before = approved_states(page).count()
    by_user_before = approved_states(page).filter(finished_by=user).count()
    assert "approve" not in action_names(page, user)

    client.force_login(user)
    # Dashboard modal: the view asks the task for its actions and refuses.
    modal = client.get(
        workflow_action_url(page, state, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert modal.status_code == 403
    assert post_dashboard_decision(client, page, state, "approve").status_code == 403
    # Page editor: the approve item is absent from the action menu.
    editor = client.get(edit_url(page))
    assert editor.status_code == 200
    assert 'data-workflow-action-name="approve"' not in editor.content.decode()
    # The task itself refuses, whatever called it, and logs the attempt.
    from insights.review.tasks import ReviewRefused

    with pytest.raises(ReviewRefused, match=expected_reason):
        state.task.specific.on_action(state, user, "approve", comment="Looks fine")
    assert PageLogEntry.objects.filter(
        page=page, action="insights.review.refused", user=user
    ).exists()

    assert open_state(page).pk == state.pk
    assert open_state(page).status == TaskState.STATUS_IN_PROGRESS
    assert approved_states(page).count() == approvals_before
    assert not reload(page).live

    # A forged "approve" from the editor is not a valid action for them: Wagtail saves the
    # form as a draft instead (a new revision, so an approved review restarts), and
    # nothing is approved by them.
    post_edit_decision(client, page, "approve", "Looks fine")
    assert approved_states(page).filter(finished_by=user).count() == by_user_before
    assert not reload(page).live


def credit_author(page, user, by):
    """Add USER's Person to PAGE's authors in a new revision saved by BY."""
    from insights.models import ExplainerPageAuthor

    draft = reload(page).get_latest_revision_as_object()
    authors = list(draft.authors.all())
    authors.append(ExplainerPageAuthor(person=Person.objects.get(user=user)))
    draft.authors = authors
    draft.save_revision(user=by)
    return reload(page)


def save_edit(page, user, subtitle=None):
    """Save a new revision of PAGE as USER that changes its content (the subtitle)."""
    draft = reload(page).get_latest_revision_as_object()
    draft.subtitle = subtitle or f"{draft.subtitle} (edited by {user.username})"
    return draft.save_revision(user=user)
