"""Fixtures of the API tests."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Site root paths and renditions are cached; ids repeat across rolled-back tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client):
    """GET an API path with query parameters; returns the response."""

    def get(path, **params):
        return client.get(f"/api/v2/{path}", params, HTTP_ACCEPT="application/json")

    return get
