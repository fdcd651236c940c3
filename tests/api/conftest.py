"""Fixtures of the API tests."""

import pytest


@pytest.fixture
def api(client):
    """GET an API path with query parameters; returns the response."""

    def get(path, **params):
        return client.get(f"/api/v2/{path}", params, HTTP_ACCEPT="application/json")

    return get
