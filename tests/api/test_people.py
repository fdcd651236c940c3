"""Contract of /api/v2/people/: published people, public fields only."""

import pytest
from django.contrib.auth import get_user_model

from tests.api.factories import ImageFactory, PersonFactory

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "id",
    "meta",
    "name",
    "initials",
    "role",
    "role_label",
    "job_title",
    "credentials",
    "bio",
    "photo",
    "links",
}


@pytest.fixture
def reviewer():
    user = get_user_model().objects.create_user(
        "drmed", email="dr.med@private.example", password="x"
    )
    return PersonFactory(
        name="Dr Med",
        role="medical_review",
        credentials="MD, Oncology",
        photo=ImageFactory(),
        user=user,
        links=[{"type": "link", "value": {"label": "ORCID", "url": "https://orcid.org/0000"}}],
    )


def test_listing_is_alphabetical_with_summary_fields(api, reviewer):
    PersonFactory(name="Ada Writer")
    data = api("people/").json()
    assert data["meta"]["total_count"] == 2
    assert [p["name"] for p in data["items"]] == ["Ada Writer", "Dr Med"]
    assert set(data["items"][1]) == {
        "id",
        "meta",
        "name",
        "initials",
        "role",
        "role_label",
        "credentials",
    }


def test_detail_has_public_fields_only(api, reviewer):
    response = api(f"people/{reviewer.pk}/")
    data = response.json()
    assert set(data) == PUBLIC_FIELDS
    assert data["initials"] == "DM"
    assert data["role_label"] == "Medical Review"
    assert data["links"][0]["value"] == {"label": "ORCID", "url": "https://orcid.org/0000"}
    assert data["photo"]["renditions"]["avatar"]["width"] == 160
    body = response.content.decode()
    assert "dr.med@private.example" not in body
    assert "drmed" not in body


@pytest.mark.parametrize(
    "params",
    [
        {"fields": "user"},
        {"fields": "*,user(email)"},
        {"fields": "latest_revision"},
        {"user": "1"},
        {"user__email": "dr.med@private.example"},
        {"live": "false"},
        {"order": "user"},
    ],
)
def test_private_fields_cannot_be_requested_or_filtered(api, reviewer, params):
    response = api("people/", **params)
    assert response.status_code == 400
    assert "message" in response.json()


def test_unpublished_people_are_absent_from_listing_and_detail(api):
    hidden = PersonFactory(name="Not Yet Public", live=False)
    assert api("people/").json()["meta"]["total_count"] == 0
    assert api(f"people/{hidden.pk}/").status_code == 404
    assert api("people/", search="Public").json()["items"] == []


def test_filter_by_role_and_search(search_index, api, reviewer):
    PersonFactory(name="Ada Writer", role="research")
    assert [p["name"] for p in api("people/", role="medical_review").json()["items"]] == ["Dr Med"]
    assert len(api("people/", role="research,medical_review").json()["items"]) == 2
    assert [p["name"] for p in api("people/", search="Ada").json()["items"]] == ["Ada Writer"]
    bad = api("people/", role="surgeon")
    assert bad.status_code == 400
    assert "role" in bad.json()["message"]
