"""Fixtures of the API v3 tests: every response is checked against the OpenAPI document."""

import pytest
from django.core.cache import cache

from .openapi import check_response


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


class V3Client:
    """Calls /api/v3/ with an optional bearer token; validates every response."""

    def __init__(self, client):
        self.client = client

    def _headers(self, bearer):
        return {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}

    def get(self, path, bearer=None, **params):
        response = self.client.get(f"/api/v3/{path}", params, **self._headers(bearer))
        return check_response(response, "GET")

    def send(self, method, path, bearer=None, data=None):
        response = getattr(self.client, method.lower())(
            f"/api/v3/{path}",
            data=data if data is not None else {},
            content_type="application/json",
            **self._headers(bearer),
        )
        return check_response(response, method)


@pytest.fixture
def v3(client):
    return V3Client(client)


def token_for(user) -> str:
    """A new API token of USER (the plain key, shown once)."""
    from wagtail.models import APIToken

    _token, key = APIToken.create_token(user=user, name="partner")
    return key
