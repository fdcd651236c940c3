"""Issue 10: the review record readers see can be trusted (holes 1, 7, 8 and the sweep).

Through the admin views with the test client and the HTTP API, asserting the exact
refusal and that nothing changed. Self-review (hole 2) and the matrix rows are in
test_review_permissions.py; bad input (hole 9) in test_review_bad_input.py.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from insights.models import StageSignOff
from people.models import Person
from tests.insights import review_support
from tests.insights.integrity_support import (
    live_page_with_media,
    reviewed_page,
)
from tests.insights.review_support import (
    make_explainer,
    post_person,
    reload,
    review_as_read,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


# 1. Sign-offs are frozen ---------------------------------------------------------------


def test_hole1_editing_a_reviewers_credentials_rewrites_no_past_review(client, team, fresh_trial):
    page = reviewed_page(team)
    before = review_as_read(client, page)
    # The byline names people; the frozen credentials are in the review dates.
    assert "Medical2 Tester" in before["html_byline"] and "(" not in before["html_byline"]
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
    assert "Medical2 Tester" in " ".join(reviewers.get_text().split())
    dates = " ".join(soup.find("dl", class_="review-dates").get_text().split())
    assert "Medical2 Tester, MD, Haematology" in dates
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
