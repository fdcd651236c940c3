"""Wagtail's default "Moderators" grants are gone; Research analysts may upload media.

Permissions as a matrix through the admin views, deny cases first.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from insights.models import InsightsIndexPage
from tests.insights.review_support import make_explainer

pytestmark = pytest.mark.django_db

MEDIA_VIEWS = ["/admin/images/add/", "/admin/documents/add/"]
CHOOSERS = ["/admin/images/chooser/", "/admin/documents/chooser/"]


def member(name, group=None):
    user = get_user_model().objects.create_user(name, password="x")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def as_user(client, user):
    client.force_login(user)
    return client


def test_moderators_hold_no_grant_on_the_root_page_or_root_collection():
    assert not GroupPagePermission.objects.filter(group__name="Moderators").exists()
    assert not GroupCollectionPermission.objects.filter(group__name="Moderators").exists()


def test_a_moderator_cannot_edit_or_add_pages(client):
    moderator = member("mod", "Moderators")
    page = make_explainer(member("author", "Editors"))
    index = InsightsIndexPage.objects.get(slug="insights")
    as_user(client, moderator)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code in (302, 403)
    add = f"/admin/pages/add/insights/explainerpage/{index.pk}/"
    assert client.get(add).status_code in (302, 403)
    assert client.get("/admin/images/add/").status_code in (302, 403)


@pytest.mark.parametrize("group", [None, "Moderators", "Medical reviewers", "Registry verifiers"])
@pytest.mark.parametrize("url", MEDIA_VIEWS)
def test_others_cannot_upload_media(client, group, url):
    response = as_user(client, member("someone", group)).get(url)
    assert response.status_code in (302, 403), (group, url)


@pytest.mark.parametrize("url", MEDIA_VIEWS + CHOOSERS)
def test_research_analysts_reach_the_upload_and_chooser_views(client, url):
    response = as_user(client, member("ana", "Research analysts")).get(url)
    assert response.status_code == 200, url


def test_a_research_analyst_uploads_an_image_and_a_document(client):
    analyst = member("ana", "Research analysts")
    as_user(client, analyst)
    png = get_test_image_file(size=(320, 200)).file.getvalue()
    response = client.post(
        "/admin/images/add/",
        {"title": "Cells", "file": SimpleUploadedFile("cells.png", png, "image/png")},
    )
    assert response.status_code == 302, response.content[:500]
    assert get_image_model().objects.get().uploaded_by_user == analyst

    response = client.post(
        "/admin/documents/add/",
        {"title": "Leaflet", "file": SimpleUploadedFile("leaflet.pdf", b"%PDF-1.4", "text/plain")},
    )
    assert response.status_code == 302, response.content[:500]
    assert get_document_model().objects.get().uploaded_by_user == analyst


def test_editors_keep_their_media_rights(client):
    response = as_user(client, member("ed", "Editors")).get("/admin/documents/add/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_admin_sends_no_reviewer_e_mail_hash_to_gravatar(client):
    user = get_user_model().objects.create_superuser("avatar", "reviewer@example.org", "pw")
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html.lower()
    assert "avatar" in html  # Wagtail's own default avatar is shown instead
