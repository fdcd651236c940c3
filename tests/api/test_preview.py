"""Headless preview: a signed, expiring token lets a front-end fetch one draft revision."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Revision

from insights.api.preview import SALT, preview_token
from tests.api.factories import ExplainerPageFactory, disclaimer_block, paragraph, rich

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    """A live explainer with a newer, unpublished revision."""
    page = ExplainerPageFactory(title="Live title")
    page.title = "Draft title"
    page.body = [paragraph(rich("Draft words.")), disclaimer_block()]
    revision = page.save_revision()
    return page, revision


def preview(client, token):
    return client.get("/api/v2/pages/preview/", {"token": token})


def test_token_shows_the_draft_revision_with_every_field(client, draft):
    page, revision = draft
    response = preview(client, preview_token(revision))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == page.pk
    assert data["title"] == "Draft title"
    assert data["body"][0]["value"] == "<p>Draft words.</p>"
    assert data["authors"] and data["review"] is not None and data["json_ld"]["headline"]
    # The published page is untouched.
    assert client.get(f"/api/v2/pages/{page.pk}/").json()["title"] == "Live title"


def test_preview_of_a_never_published_page(client):
    page = ExplainerPageFactory(title="Brand new", publish=False)
    response = preview(client, preview_token(page.get_latest_revision()))
    assert response.status_code == 200
    assert response.json()["title"] == "Brand new"


def test_preview_is_private_and_not_indexed(client, draft):
    response = preview(client, preview_token(draft[1]))
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "ETag" not in response


def test_token_is_bound_to_its_revision(client, draft):
    page, first = draft
    token = preview_token(first)
    page.title = "Even newer"
    page.save_revision()
    assert preview(client, token).json()["title"] == "Draft title"


@pytest.mark.parametrize(
    "token, message",
    [
        ("", "required"),
        ("not-a-token", "not valid"),
    ],
)
def test_missing_or_forged_tokens_are_refused(client, draft, token, message):
    response = preview(client, token)
    assert response.status_code == 403
    assert message in response.json()["message"]
    assert "no-store" in response["Cache-Control"]


def test_tampered_token_is_refused(client, draft):
    _page, revision = draft
    other = ExplainerPageFactory(publish=False).get_latest_revision()
    token = preview_token(revision)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"page": other.object_id, "revision": other.pk}, salt="other-salt")
    assert preview(client, forged).status_code == 403
    assert preview(client, payload[:-2] + "xx:" + rest).status_code == 403


def test_expired_token_is_refused(client, draft, settings):
    token = preview_token(draft[1])
    settings.API_PREVIEW_TOKEN_MAX_AGE = -1
    response = preview(client, token)
    assert response.status_code == 403
    assert "expired" in response.json()["message"]


def test_token_for_a_deleted_revision_is_refused(client, draft):
    token = preview_token(draft[1])
    Revision.objects.filter(pk=draft[1].pk).delete()
    response = preview(client, token)
    assert response.status_code == 403
    assert "no longer exists" in response.json()["message"]


def test_unknown_parameters_are_a_400(client, draft):
    response = client.get(
        "/api/v2/pages/preview/", {"token": preview_token(draft[1]), "colour": "red"}
    )
    assert response.status_code == 400


def test_editors_get_a_preview_link_in_the_admin(client, draft, django_user_model, settings):
    page, revision = draft
    settings.HEADLESS_PREVIEW_URL = "https://app.example.org/preview?token={token}"
    editor = django_user_model.objects.create_superuser("boss", password="x")
    client.force_login(editor)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    url = reverse("insights_headless_preview", args=[page.pk])
    assert url in edit.content.decode()
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://app.example.org/preview?token=")
    token = location.split("token=", 1)[1]
    assert signing.loads(token, salt=SALT)["revision"] == revision.pk


def test_people_without_edit_permission_get_no_preview(client, draft, django_user_model):
    page, _ = draft
    url = reverse("insights_headless_preview", args=[page.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    reader = django_user_model.objects.create_user("reader", password="x")
    reader.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    client.force_login(reader)
    refused = client.get(url)
    # Wagtail's admin turns PermissionDenied into a redirect to the dashboard.
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert url not in edit.content.decode()


def test_command_prints_a_working_token(client, draft, capsys):
    page, _ = draft
    call_command("api_preview_token", str(page.pk))
    out = capsys.readouterr().out
    token = re.search(r"token: (\S+)", out).group(1)
    assert "/api/v2/pages/preview/?token=" in out
    assert preview(client, token).json()["title"] == "Draft title"
