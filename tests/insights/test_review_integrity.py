"""Issue 10: the review record readers see can be trusted on every path.

One test (or a small group) per hole, through the admin views with the test client and the
HTTP API, asserting the exact refusal and that nothing changed. The matrix rows
(credited author, shared e-mail, delete/move/unpublish, media) are in
test_review_permissions.py.
"""

import datetime as dt
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState

from insights.models import CompletedReview, StageSignOff
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    approved_states,
    make_explainer,
    open_state,
    post_dashboard_decision,
    post_edit_decision,
    post_person,
    reload,
    review_as_read,
    submit,
    workflow_action_url,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def snapshot(page):
    """What a refused decision must leave as it was."""
    page = reload(page)
    return (
        page.live,
        page.latest_revision_id,
        list(
            TaskState.objects.filter(revision__object_id=str(page.pk))
            .order_by("pk")
            .values_list("pk", "status", "revision_id")
        ),
    )


def reviewed_page(team, title="CAR-T cell therapy"):
    page = make_explainer(team["writer"], title=title)
    advance_to_stage(page, 4, team)
    page = reload(page)
    assert page.live and CompletedReview.objects.filter(page=page, is_current=True).exists()
    return page


# 1. Sign-offs are frozen ---------------------------------------------------------------


def test_hole1_editing_a_reviewers_credentials_rewrites_no_past_review(client, team, fresh_trial):
    page = reviewed_page(team)
    before = review_as_read(client, page)
    assert "Medical2 Tester (MD, Haematology)" in before["html_byline"]
    assert "Medical2 Tester, MD, Haematology on" in before["html_dates"]
    medical = Person.objects.get(user=team["medical2"])

    client.force_login(team["writer"])  # an Editor: may change and publish people
    response = post_person(client, medical, credentials="MD, FRCP")
    assert response.status_code == 302
    medical.refresh_from_db()
    assert medical.credentials == "MD, FRCP"  # the profile changed...
    client.logout()

    after = review_as_read(client, page)
    assert after == before  # ...the record readers see did not, in HTML, JSON-LD or API
    assert "FRCP" not in str(after)
    sign_off = StageSignOff.objects.get(review__page=page, stage=2)
    assert sign_off.person_credentials == "MD, Haematology"
    assert after["api_review"]["medically_reviewed_by"] == {
        "name": "Medical2 Tester",
        "credentials": "MD, Haematology",
    }
    # The reviewer's box is their profile today, and says what they signed with.
    soup, _json_ld, _api = review_support.public_views(client, page)
    box = soup.find(id=f"person-{medical.pk}")
    assert "MD, FRCP" in box.get_text()
    assert box.find("p", class_="person-reviewed-as").get_text() == (
        "Credentials when reviewing this explainer: MD, Haematology"
    )


@pytest.mark.parametrize("role", ["writer", "analyst", "medical", "verifier"])
def test_hole1_only_superusers_relink_a_person_to_another_account(client, team, role):
    medical = Person.objects.get(user=team["medical2"])
    client.force_login(team["writer"] if role == "writer" else team[role])
    # A forged POST: the field is not even in the form for them, so it is ignored.
    post_person(client, medical, user=team[role].pk)
    medical.refresh_from_db()
    assert medical.user_id == team["medical2"].pk

    client.force_login(team["boss"])
    form = client.get(f"/admin/snippets/people/person/edit/{medical.pk}/").content.decode()
    assert 'name="user"' in form
    spare = review_support.make_user("spare", "Medical reviewers")
    assert post_person(client, medical, user=spare.pk).status_code == 302
    medical.refresh_from_db()
    assert medical.user_id == spare.pk


def test_hole1_the_person_form_hides_the_user_link_from_editors(client, team):
    medical = Person.objects.get(user=team["medical2"])
    client.force_login(team["writer"])
    form = client.get(f"/admin/snippets/people/person/edit/{medical.pk}/")
    assert form.status_code == 200
    assert 'name="user"' not in form.content.decode()


# 4. A decision is bound to the version the reviewer was shown -----------------------------


def test_hole4_dashboard_decision_on_a_version_since_replaced_is_refused(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    shown = open_state(page)
    client.force_login(team["analyst"])
    modal = client.get(
        workflow_action_url(page, shown, "approve"), headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert f'name="revision" value="{shown.revision_id}"' in modal.json()["html"]

    # Meanwhile another analyst saves an edit: stage 1 (nothing approved) moves onto it.
    review_support.save_edit(page, team["analyst2"])
    moved = open_state(page)
    assert moved.pk == shown.pk and moved.revision_id != shown.revision_id
    before = snapshot(page)

    response = post_dashboard_decision(client, page, moved, "approve", revision=shown.revision_id)
    assert response.status_code == 403
    assert snapshot(page) == before
    assert not approved_states(page).exists()
    entry = PageLogEntry.objects.get(page=page, action="insights.review.refused")
    assert entry.data["reason"].startswith(
        f"This page changed since you opened it: you were shown version {shown.revision_id}"
    )
    compare = reverse(
        "wagtailadmin_pages:revisions_compare", args=[page.pk, shown.revision_id, moved.revision_id]
    )
    assert compare in entry.data["reason"]
    # Deciding on what the page says now works.
    assert post_dashboard_decision(client, page, moved, "approve").status_code == 200
    assert approved_states(page).get().revision_id == moved.revision_id


def test_hole4_editor_decision_on_a_version_since_replaced_is_refused(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    shown = open_state(page).revision_id
    review_support.save_edit(page, team["analyst2"])
    before = snapshot(page)

    client.force_login(team["analyst"])
    response = post_edit_decision(client, page, "approve", "Sources checked.", shown=shown)
    assert response.status_code == 409
    assert "This page changed since you opened it" in response.content.decode()
    assert snapshot(page) == before  # no revision saved, nothing approved
    assert not approved_states(page).exists()


def test_hole4_a_decision_that_names_no_version_is_a_form_error(client, team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    before = snapshot(page)
    client.force_login(team["analyst"])
    response = client.post(
        workflow_action_url(page, state, "approve"),
        {"comment": "ok"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert "does not say which version of the page you reviewed" in response.json()["html"]
    assert snapshot(page) == before


# 3. No silent voids: content-equal versions, autosaves and comments change nothing -------


def make_imported_explainer(author, title="Imported explainer"):
    """A draft made outside the admin form (as the demo and imports do): rich text without
    the editor's block keys, so the edit form round-trips it differently."""
    from insights.models import (
        ExplainerPage,
        ExplainerPageAuthor,
        ExplainerTrialCitation,
        InsightsIndexPage,
    )

    index = InsightsIndexPage.objects.get(slug="insights")
    page = ExplainerPage(
        title=title,
        slug="imported-explainer",
        subtitle="Made by a script",
        owner=author,
        live=False,
        body=[
            {"type": "paragraph", "value": f"<p>Imported words. See {review_support.NCT}.</p>"},
            {"type": "disclaimer", "value": {"kind": "medical", "extra": ""}},
        ],
        summary="<p>Short version.</p>",
    )
    page.authors = [ExplainerPageAuthor(person=Person.objects.get(user=author))]
    page.trial_citations = [
        ExplainerTrialCitation(
            nct_id=review_support.NCT, stated_status="RECRUITING", stated_phase="PHASE2"
        )
    ]
    index.add_child(instance=page)
    page.save_revision(user=author)
    return reload(page)


def review_history(page):
    return (
        reload(page).latest_revision_id,
        list(approved_states(page).order_by("pk").values_list("pk", "revision_id")),
        PageLogEntry.objects.filter(page=page, action="insights.review.restart").count(),
    )


def test_hole3a_approving_from_the_editor_saves_no_revision_and_voids_nothing(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    revisions, approvals, restarts = review_history(page)
    assert len(approvals) == 1 and restarts == 0

    client.force_login(team["medical"])
    response = post_edit_decision(client, page, "approve", "Clinically accurate.")
    assert response.status_code == 302
    assert review_support.stage_names(page) == "Registry verification"
    after_revisions, after_approvals, after_restarts = review_history(page)
    assert after_revisions == revisions  # the form's round trip saved no revision
    assert after_approvals[0] == approvals[0]  # stage 1's approval stands
    assert after_restarts == 0
    stage_2 = approved_states(page).get(task__name="Medical accuracy review")
    assert stage_2.finished_by == team["medical"] and stage_2.comment == "Clinically accurate."


def test_hole3b_a_reviewers_autosave_with_nothing_changed_is_no_edit(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    response = review_support.post_edit(client, page, extra={"loaded_revision_id": str(before[0])})
    assert response.status_code == 302
    response = client.post(
        review_support.edit_url(page),
        review_support.edit_form_data(page),
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200 and response.json()["revision_id"] == before[0]
    assert review_history(page) == before
    # They did not become the "last editor": they may still approve.
    assert "approve" in review_support.action_names(page, team["medical"])
    assert post_dashboard_decision(client, page, open_state(page), "approve").status_code == 200


def test_hole3c_a_field_comment_is_not_an_edit(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    data = review_support.edit_form_data(page)
    data.update(
        {
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "",
            "comments-0-DELETE": "",
            "comments-0-resolved": "",
            "comments-0-id": "",
            "comments-0-contentpath": "subtitle",
            "comments-0-text": "Is this the approved indication?",
            "comments-0-position": "",
            "comments-0-replies-TOTAL_FORMS": "0",
            "comments-0-replies-INITIAL_FORMS": "0",
            "comments-0-replies-MIN_NUM_FORMS": "0",
            "comments-0-replies-MAX_NUM_FORMS": "0",
        }
    )
    response = client.post(review_support.edit_url(page), data)
    assert response.status_code == 302
    comment = reload(page).wagtail_admin_comments.get()
    assert comment.text == "Is this the approved indication?" and comment.user == team["medical"]
    assert review_history(page) == before  # no revision, no restart, approvals kept
    assert "approve" in review_support.action_names(page, team["medical"])


def test_hole3_a_real_edit_by_a_reviewer_still_restarts_the_review(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    revisions, _approvals, _restarts = review_history(page)
    client.force_login(team["medical"])
    review_support.post_edit(client, page, subtitle="Changed by the reviewer")
    after_revisions, _after_approvals, after_restarts = review_history(page)
    assert after_revisions != revisions and after_restarts == 1
    assert review_support.stage_names(page) == "Primary research"


def test_hole3a_a_decision_posted_with_real_edits_is_refused_before_anything_is_saved(client, team):
    page = make_imported_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = review_history(page)
    client.force_login(team["medical"])
    data = review_support.edit_form_data(page, subtitle="Changed while approving")
    data.update(
        {
            "action-workflow-action": "1",
            "loaded_revision_id": str(before[0]),
            "workflow-action-name": "approve",
            "workflow-action-extra-data": json.dumps(
                {"comment": "Looks right.", "revision": before[0]}
            ),
        }
    )
    response = client.post(review_support.edit_url(page), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "You changed the page in the editor" in html and "nothing was saved" in html
    assert "Your comment was: “Looks right.”" in html
    assert review_history(page) == before  # stage 1's approval stands, no restart
    assert review_support.stage_names(page) == "Medical accuracy review"
    assert reload(page).get_latest_revision_as_object().subtitle == "Made by a script"


# 6. Deletion: refused mid-review for non-superusers (matrix in test_review_permissions);
#    a superuser's deletion keeps the reviews and leaves a trace ---------------------------


def test_hole6_an_editor_cannot_delete_an_explainer_in_review(client, team):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    before = snapshot(page)
    client.force_login(team["writer"])
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    assert client.get(url).status_code in (302, 403)
    client.post(url)
    assert snapshot(page) == before
    assert approved_states(page).count() == 1


@pytest.mark.parametrize("path", ["admin", "shell"])
def test_hole6_deleting_a_reviewed_page_keeps_its_reviews_and_a_log_entry(
    client, team, fresh_trial, path
):
    page = reviewed_page(team)
    review = CompletedReview.objects.get(page=page)
    sign_offs = list(review.sign_offs.values_list("stage", "person_name", "person_credentials"))
    if path == "admin":
        client.force_login(team["boss"])
        client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    else:
        reload(page).delete()
    assert not type(page).objects.filter(pk=page.pk).exists()
    review.refresh_from_db()
    assert review.page_id is None
    assert (review.page_pk, review.page_title) == (page.pk, page.title)
    assert list(review.sign_offs.values_list("stage", "person_name", "person_credentials")) == (
        sign_offs
    )
    entry = PageLogEntry.objects.get(page_id=page.pk, action="insights.review.deleted")
    assert entry.data["completed_reviews"] == [review.pk]
    assert "its 1 completed review(s) are kept on record" in entry.data["reason"]


# 5. Media on reviewed pages --------------------------------------------------------------


def live_page_with_media(team):
    from tests.api.factories import DocumentFactory, ImageFactory

    image = ImageFactory(description="A CAR-T cell")
    document = DocumentFactory(
        file=ContentFile(b"Dose: 1 mg/kg", name="dosing.txt"), title="Dosing leaflet"
    )
    page = make_explainer(team["writer"])
    draft = reload(page)
    draft.hero_image = image
    draft.summary = f'<p>Dosing: <a linktype="document" id="{document.pk}">leaflet</a>.</p>'
    draft.save()
    draft.save_revision(user=team["writer"])
    advance_to_stage(page, 4, team)
    return reload(page), image, document


def test_hole5_an_editor_cannot_replace_a_document_or_image_on_a_live_reviewed_page(
    client, team, fresh_trial
):
    from wagtail.test.utils.form_data import nested_form_data

    page, image, document = live_page_with_media(team)
    client.force_login(team["writer"])
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": document.title,
            "collection": document.collection_id,
            "tags": "",
            "file": SimpleUploadedFile("dosing.txt", b"Dose: 10 mg/kg"),
        },
    )
    assert response.status_code == 200
    message = (
        "This document is shown on published or in-review explainers: “CAR-T cell therapy”. "
        "Only a superuser may change its file"
    )
    assert message in response.content.decode()
    document.refresh_from_db()
    with document.file.open() as handle:
        assert handle.read() == b"Dose: 1 mg/kg"

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        nested_form_data(
            {
                "title": image.title,
                "collection": image.collection_id,
                "tags": "",
                "description": "A cancer cure",
                "focal_point_x": "",
                "focal_point_y": "",
                "focal_point_width": "",
                "focal_point_height": "",
            }
        ),
    )
    assert "Only a superuser may change its alt text" in response.content.decode()
    image.refresh_from_db()
    assert image.description == "A CAR-T cell"
    api = client.get(f"/api/v2/pages/{page.pk}/", HTTP_ACCEPT="application/json").json()
    assert api["hero_image"]["alt"] == "A CAR-T cell"


@pytest.mark.parametrize("path", ["admin", "shell"])
def test_hole5_a_superusers_change_flags_the_page_for_re_review(client, team, fresh_trial, path):
    from insights.models import ReReviewFlag

    page, _image, document = live_page_with_media(team)
    if path == "admin":
        client.force_login(team["boss"])
        response = client.post(
            reverse("wagtaildocs:edit", args=[document.pk]),
            {
                "title": document.title,
                "collection": document.collection_id,
                "tags": "",
                "file": SimpleUploadedFile("dosing.txt", b"Dose: 10 mg/kg"),
            },
        )
        assert response.status_code == 302
    else:
        document.file.save("dosing-v2.txt", ContentFile(b"Dose: 10 mg/kg"), save=True)
    flag = ReReviewFlag.objects.get(page=page, resolved_at__isnull=True)
    assert flag.source == f"document:{document.pk}"
    assert flag.reason == "The file of document “Dosing leaflet” changed after review."
    client.force_login(team["writer"])  # Editors see the report
    report = client.get(reverse("insights_re_reviews")).content.decode()
    assert "CAR-T cell therapy" in report and "Dosing leaflet" in report

    # The page's next completed review clears it.
    review_support.save_edit(page, team["writer"])
    advance_to_stage(page, 4, team)
    flag.refresh_from_db()
    assert flag.resolved_at is not None


# 7. Unpublished people: gone from bylines and boxes; sign-offs stay, without a link ------


def test_hole7_unpublished_people_vanish_the_same_way_in_html_json_ld_and_api(
    client, team, fresh_trial
):
    page = reviewed_page(team)
    author = Person.objects.get(user=team["writer"])
    medical = Person.objects.get(user=team["medical2"])
    soup, json_ld, api = review_support.public_views(client, page)
    assert soup.find(id=f"person-{author.pk}") and soup.find(id=f"person-{medical.pk}")

    client.force_login(team["writer"])  # an Editor may unpublish people
    for person in (author, medical):
        url = reverse("wagtailsnippets_people_person:unpublish", args=[person.pk])
        assert client.post(url).status_code == 302
        person.refresh_from_db()
        assert not person.live
    client.logout()

    soup, json_ld, api = review_support.public_views(client, page)
    # Authors: gone from the byline, the boxes, JSON-LD and the API.
    byline = soup.find("span", class_="byline-authors")
    assert byline is None or author.name not in byline.get_text()
    assert soup.find(id=f"person-{author.pk}") is None
    assert author.name not in [a["name"] for a in json_ld["author"]]
    assert author.name not in [a["name"] for a in api["authors"]]
    # Reviewers: the sign-off stays (it happened), by its frozen name, with no profile.
    reviewers = soup.find("span", class_="byline-reviewers")
    assert "Medical2 Tester (MD, Haematology)" in " ".join(reviewers.get_text().split())
    assert reviewers.find("a", href=f"#person-{medical.pk}") is None
    assert soup.find(id=f"person-{medical.pk}") is None
    assert {"@type": "Person", "name": "Medical2 Tester"}.items() <= next(
        r for r in json_ld["reviewedBy"] if r["name"] == "Medical2 Tester"
    ).items()
    stage_2 = api["review"]["stages"][1]
    assert stage_2["reviewer"] == {
        "name": "Medical2 Tester",
        "credentials": "MD, Haematology",
        "profile": None,
    }
    assert api["review"]["medically_reviewed_by"]["profile"] is None


# The sweep: nothing done to people or media rewrites the review record -------------------


def test_sweep_review_record_unchanged_after_person_and_media_changes(client, team, fresh_trial):
    page, image, document = live_page_with_media(team)
    record = review_as_read(client, page)
    assert record["api_review"]["status"] == "reviewed"
    medical = Person.objects.get(user=team["medical2"])
    analyst = Person.objects.get(user=team["analyst2"])

    def unchanged(after_what):
        assert review_as_read(client, page) == record, after_what

    client.force_login(team["writer"])
    post_person(client, medical, credentials="MD, FRCP", name="Dr Someone Else")
    client.logout()
    unchanged("Person edit")

    client.force_login(team["writer"])
    client.post(reverse("wagtailsnippets_people_person:unpublish", args=[analyst.pk]))
    client.logout()
    unchanged("Person unpublish")

    from wagtail.test.utils.form_data import nested_form_data

    client.force_login(team["boss"])  # the only one who may change them
    client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        nested_form_data(
            {
                "title": "Renamed",
                "collection": image.collection_id,
                "tags": "",
                "description": "New alt text",
                "focal_point_x": "",
                "focal_point_y": "",
                "focal_point_width": "",
                "focal_point_height": "",
            }
        ),
    )
    image.refresh_from_db()
    assert image.description == "New alt text"
    client.logout()
    unchanged("image edit")

    client.force_login(team["boss"])
    client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": document.title,
            "collection": document.collection_id,
            "tags": "",
            "file": SimpleUploadedFile("dosing.txt", b"Dose: 10 mg/kg"),
        },
    )
    client.logout()
    unchanged("document replace")
    from insights.models import ReReviewFlag

    assert ReReviewFlag.objects.filter(page=page, resolved_at__isnull=True).count() == 2


# 8. No claim of review on unreviewed pages ---------------------------------------------


def test_hole8_a_page_published_without_review_says_so_everywhere(client, team):
    page = make_explainer(team["writer"], title="Published directly")
    client.force_login(team["boss"])
    review_support.post_edit(client, page, action="action-publish")
    client.logout()
    page = reload(page)
    assert page.live
    soup, json_ld, api = review_support.public_views(client, page)
    status = soup.find("p", class_="review-status").get_text()
    assert status == "Not yet reviewed under our three-stage process"
    assert soup.find("dl", class_="review-dates") is None
    assert json_ld["reviewedBy"] == [] and "lastReviewed" not in json_ld
    assert api["review"]["status"] == "not_reviewed" and api["review"]["stages"] == []
    index = client.get("/insights/").content.decode()
    assert "Not yet reviewed under our three-stage process" in index
    # Site texts claim only what is true.
    html = client.get(page.url).content.decode() + index
    assert "Every explainer passes three review stages" not in html
    assert "Every explainer is researched, medically reviewed" not in html


def test_hole8_a_direct_publish_over_reviewed_content_says_updated_since_review(
    client, team, fresh_trial
):
    page = reviewed_page(team)
    before = review_as_read(client, page)
    reviewed_on = dt.date.fromisoformat(before["api_review"]["last_reviewed"])
    client.force_login(team["boss"])
    review_support.post_edit(client, page, action="action-publish", subtitle="Changed directly")
    client.logout()
    page = reload(page)
    assert page.subtitle == "Changed directly"
    soup, json_ld, api = review_support.public_views(client, page)
    status = " ".join(soup.find("p", class_="review-status").get_text().split())
    assert status == f"Updated since its last review on {reviewed_on:%-d %B %Y}"
    assert soup.find("span", class_="byline-reviewers") is None
    assert soup.find("dl", class_="review-dates") is None
    assert json_ld["reviewedBy"] == [] and "lastReviewed" not in json_ld
    assert api["review"]["status"] == "updated_since_review"
    # The review that happened is still on record, frozen.
    after = review_as_read(client, page)
    assert after["api_review"]["stages"] == before["api_review"]["stages"]
    assert "Updated since its last review on" in client.get("/insights/").content.decode()
