"""Bad parameters get a 400 with a JSON message, on every endpoint, never a 500."""

import pytest

from tests.api.factories import PersonFactory
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

BAD_REQUESTS = [
    # unknown filters and fields
    ("pages/", {"colour": "red"}, "colour"),
    ("pages/", {"type": "insights.ExplainerPage", "fields": "nonsense"}, "nonsense"),
    ("pages/", {"type": "insights.ExplainerPage", "fields": "body("}, "fields"),
    ("pages/", {"type": "no.Such"}, "type"),
    ("pages/", {"type": "people.Person"}, "type"),
    ("pages/", {"topic": "oncology"}, "type=insights.ExplainerPage"),
    ("pages/", {"type": "insights.ExplainerPage", "topic": "not a slug!"}, "topic"),
    ("pages/", {"type": "insights.ExplainerPage", "cites": "NCT123"}, "cites"),
    ("pages/", {"type": "insights.ExplainerPage", "body": "x"}, "body"),
    ("pages/", {"type": "insights.ExplainerPage", "authors": "x"}, "authors"),
    ("pages/", {"type": "insights.ExplainerPage", "order": "body"}, "order"),
    ("pages/", {"first_published_at": "yesterday"}, "first_published_at"),
    ("pages/", {"id": "abc"}, "id"),
    ("pages/", {"search": "cells", "search_operator": "xor"}, "search_operator"),
    ("pages/", {"title": "a\x00b"}, "null"),
    ("pages/", {"child_of": "-3"}, "child_of"),
    ("pages/", {"site": "example.com:notaport"}, "port"),
    # limits and offsets
    ("pages/", {"limit": "101"}, "limit"),
    ("pages/", {"limit": "-1"}, "limit"),
    ("pages/", {"offset": "99999999999999999999999"}, "offset"),
    ("people/", {"limit": "1000"}, "limit"),
    ("trials/", {"offset": "1000001"}, "offset"),
    # people
    ("people/", {"role": "surgeon"}, "role"),
    ("people/", {"user": "1"}, "user"),
    ("people/", {"fields": "user"}, "user"),
    ("people/", {"search": "x", "search_operator": "nand"}, "search_operator"),
    # trials
    ("trials/", {"status": "OPEN"}, "status"),
    ("trials/", {"phase": "PHASE5"}, "phase"),
    ("trials/", {"nct_id": "NCT123"}, "nct_id"),
    ("trials/", {"nct_id": "12345678"}, "nct_id"),
    ("trials/", {"updated_since": "last week"}, "updated_since"),
    ("trials/", {"updated_since": "2026-02-30"}, "updated_since"),
    ("trials/", {"updated_since": "20260101"}, "updated_since"),
    ("trials/", {"order": "brief_title"}, "order"),
    ("trials/", {"brief_title": "x"}, "brief_title"),
    ("trials/", {"fields": "raw"}, "raw"),
    ("trials/", {"condition": "x" * 201}, "condition"),
    ("trials/", {"search": "bad\x00byte"}, "null"),
    ("trials/", {"status": ",".join(["RECRUITING"] * 101)}, "status"),
    ("trials/abc/", {}, "NCT"),
    ("trials/NCT1234/", {}, "NCT"),
    ("trials/find/", {"nct_id": "nope"}, "nct_id"),
    ("images/", {"width": "wide"}, "width"),
    ("documents/", {"uploaded_by_user": "1"}, "uploaded_by_user"),
]


@pytest.fixture(autouse=True)
def _some_content():
    PersonFactory()
    TrialFactory()


@pytest.mark.parametrize("path, params, mentioned", BAD_REQUESTS)
def test_bad_parameters_are_a_400_with_a_message(api, path, params, mentioned):
    response = api(path, **params)
    assert response.status_code == 400, response.content
    message = response.json()["message"]
    assert mentioned.lower() in message.lower(), message


def test_limits_at_the_bounds_are_accepted(api):
    assert api("pages/", limit=0).status_code == 200
    assert api("pages/", limit=100).status_code == 200
    assert api("trials/", offset=1_000_000).json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("term", [" ", "   ", "\t"])
def test_a_blank_search_is_no_server_error(client, term):
    """Found by the random query strings test: a blank search on SQLite was a 500."""
    from tests.api.factories import ExplainerPageFactory

    ExplainerPageFactory()
    response = client.get("/api/v2/pages/", {"search": term}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "search" in response.json()["message"]
