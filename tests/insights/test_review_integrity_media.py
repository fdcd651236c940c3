"""Issue 10: nothing reviewed changes or disappears around the review (holes 5 and 6).

Media on reviewed explainers, and deletion of reviewed explainers, through the admin
views and the shell. The role x state matrices are in test_review_permissions.py.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import PageLogEntry

from insights.models import CompletedReview
from tests.insights import review_support
from tests.insights.integrity_support import (
    live_page_with_media,
    reviewed_page,
    snapshot,
)
from tests.insights.review_support import (
    advance_to_stage,
    approved_states,
    make_explainer,
    reload,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


# 5. Media on reviewed pages --------------------------------------------------------------


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


def test_hole5_media_only_in_the_revision_under_review_is_protected_too(client, team, fresh_trial):
    from wagtail.test.utils.form_data import nested_form_data

    from tests.api.factories import ImageFactory

    page = reviewed_page(team)
    new_hero = ImageFactory(description="The new hero")
    draft = reload(page).get_latest_revision_as_object()
    draft.hero_image = new_hero
    draft.save_revision(user=team["writer"])  # the live row keeps no hero
    review_support.submit(page, team["writer"])
    assert reload(page).hero_image_id is None

    client.force_login(team["writer"])
    response = client.post(
        reverse("wagtailimages:edit", args=[new_hero.pk]),
        nested_form_data(
            {
                "title": "Swapped",
                "collection": new_hero.collection_id,
                "tags": "",
                "description": new_hero.description,
                "focal_point_x": "",
                "focal_point_y": "",
                "focal_point_width": "",
                "focal_point_height": "",
            }
        ),
    )
    assert "This image is shown on published or in-review explainers" in (response.content.decode())
    new_hero.refresh_from_db()
    assert new_hero.title != "Swapped"
