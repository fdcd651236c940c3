"""Requests that PostgreSQL could not store are refused with a 400, not a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/?site=%00",
        "/api/v2/trials/?search=a%00b",
        "/api/v2/people/?%00=1",
    ],
)
def test_api_rejects_nul_characters_with_a_json_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]


@pytest.mark.parametrize("url", ["/trials/?q=%00", "/search/?query=cancer%00"])
def test_site_rejects_nul_characters_with_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_posted_nul_is_refused(client):
    response = client.post("/admin/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/api/v2/trials/?search=lymphoma").status_code == 200
    assert client.get("/trials/?q=lymphoma").status_code == 200
