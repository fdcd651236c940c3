"""Property: whatever the query string, no endpoint answers 500.

Hypothesis throws random parameter names and values (known names with hostile values,
random names, null bytes, huge numbers, odd unicode, repeated keys) at every endpoint;
each answer must be a success, a redirect, or a 4xx with a JSON message.
"""

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.factories import ExplainerPageFactory, ImageFactory, PersonFactory
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "pages/": [
        "type",
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "search_operator",
        "child_of",
        "descendant_of",
        "ancestor_of",
        "translation_of",
        "locale",
        "site",
        "topic",
        "cites",
        "title",
        "slug",
        "id",
        "show_in_menus",
        "rich_text_format",
        "html_path",
        "format",
    ],
    "pages/?type=insights.ExplainerPage&": [
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "topic",
        "cites",
        "reading_time_minutes",
        "therapy_name",
        "subtitle",
        "id",
        "rich_text_format",
    ],
    "images/": ["fields", "limit", "offset", "order", "search", "title", "width", "tags"],
    "documents/": ["fields", "limit", "offset", "order", "search", "title", "tags"],
    "people/": ["fields", "limit", "offset", "role", "search", "search_operator", "name"],
    "trials/": [
        "fields",
        "limit",
        "offset",
        "order",
        "status",
        "phase",
        "condition",
        "nct_id",
        "updated_since",
        "search",
    ],
    "pages/preview/": ["token", "fields", "format"],
    "pages/find/": ["id", "html_path", "type"],
    "trials/find/": ["nct_id", "fields"],
}
TRICKY_VALUES = [
    "",
    "*",
    "_",
    "-",
    "*,-title",
    "_,title",
    "body(x)",
    "authors(name)",
    "hero_image(*)",
    "true",
    "false",
    "0",
    "-1",
    "1e3",
    "random",
    "-title",
    "title,random",
    "root",
    "NCT01234567",
    "nct0123",
    "2026-01-01",
    "2026-13-45",
    "\x00",
    "%",
    "'",
    '"',
    "\\",
    "insights.ExplainerPage",
    "home.HomePage",
    "wagtailcore.Page",
    "auth.User",
    "a.b.c",
    "RECRUITING",
    "PHASE2,PHASE3",
    "markdown",
    "db_html",
    "html",
    "localhost:80",
    "x:y",
    "9" * 30,
    "-" + "9" * 30,
    "ü" * 5,
    "\u202e",
    "\U0001d518\U0001d52b\U0001d526",
    " ",
    ",,,",
]

values = st.one_of(
    st.sampled_from(TRICKY_VALUES),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def queries(names):
    keys = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))
    return st.lists(st.tuples(keys, values), max_size=4)


@pytest.fixture
def content():
    TrialFactory(nct_id="NCT01234567")
    ExplainerPageFactory(hero_image=ImageFactory(), topics=["Oncology"])
    PersonFactory()


def assert_no_server_error(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code < 500, (url, response.status_code)
    if response.status_code >= 400:
        assert "message" in response.json(), url


HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@HYPOTHESIS
@given(data=st.data())
def test_random_query_strings_never_cause_a_server_error(client, content, endpoint, data):
    pairs = data.draw(queries(ENDPOINTS[endpoint]))
    separator = "" if endpoint.endswith("&") else "?"
    assert_no_server_error(client, f"/api/v2/{endpoint}{separator}{urlencode(pairs)}")


@HYPOTHESIS
@given(key=st.one_of(st.text(min_size=1, max_size=30), st.sampled_from(TRICKY_VALUES[1:])))
def test_random_detail_paths_never_cause_a_server_error(client, content, key):
    quoted = quote(key, safe="")
    for endpoint in ("pages", "people", "images", "documents", "trials"):
        assert_no_server_error(client, f"/api/v2/{endpoint}/{quoted}/")
