"""Property: whatever the request, nothing answers 5xx.

Hypothesis throws random parameter names and values (known names with hostile values,
random names, null bytes, huge numbers, odd unicode, repeated keys) at every API
endpoint; each answer must be a success, a redirect, or a 4xx with a JSON message.
Then every URL of the site (API, public pages, admin and Django admin login, password
reset, health, sitemap) gets random headers, cookies and form posts; no answer may be 5xx.
"""

from urllib.parse import quote, urlencode

import pytest
from django.utils import timezone
from django_q.models import Success
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from home.health import HEARTBEAT_FUNC
from tests.api.factories import (
    DocumentFactory,
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
)
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
    page = ExplainerPageFactory(hero_image=ImageFactory(), topics=["Oncology"])
    PersonFactory()
    DocumentFactory()
    # A live task worker, so that /healthz itself has no reason to answer 503 (degraded).
    now = timezone.now()
    Success.objects.create(
        id="fuzz-heartbeat",
        name="heartbeat",
        func=HEARTBEAT_FUNC,
        started=now,
        stopped=now,
        success=True,
    )
    return page


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


# Every URL, header and cookie ---------------------------------------------------------

SITE_PATHS = [
    "/",
    "/search/?query=cells",
    "/trials/",
    "/trials/?q=lymphoma&status=RECRUITING",
    "/trials/NCT01234567/",
    "/healthz",
    "/robots.txt",
    "/sitemap.xml",
    "/admin/login/",
    "/admin/",
    "/admin/password_reset/",
    "/django-admin/login/",
    "/documents/1/leaflet.pdf",
    "/no/such/page/",
    "/api/v2/pages/",
    "/api/v2/pages/?type=insights.ExplainerPage&fields=*",
    "/api/v2/pages/find/?html_path=/",
    "/api/v2/pages/preview/?token=x",
    "/api/v2/images/",
    "/api/v2/documents/",
    "/api/v2/people/",
    "/api/v2/trials/",
    "/api/v2/trials/NCT01234567/",
    "/api/v2/nothing/",
]
POST_PATHS = ["/admin/login/", "/django-admin/login/", "/admin/password_reset/", "/search/"]
HEADERS = [
    "Accept",
    "Accept-Language",
    "Accept-Encoding",
    "If-None-Match",
    "If-Modified-Since",
    "Range",
    "Origin",
    "Referer",
    "User-Agent",
    "Host",
    "X-Forwarded-Proto",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Requested-With",
    "Authorization",
    "Content-Type",
]
HEADER_VALUES = [
    "application/json",
    "application/json; indent=abc",
    "text/html;q=x",
    "*/*;q=0",
    "xx-YY,*;q=2",
    "fr-CA",
    '"abc"',
    "W/*",
    "*",
    "Mon, 32 Foo 2026 25:61:61 GMT",
    "bytes=9999999999-1",
    "null",
    "https",
    "evil.example:99999",
    "localhost",
    "Basic Og==",
    "Bearer \x00",
    "multipart/form-data; boundary=",
]
COOKIES = ["sessionid", "csrftoken", "django_language", "messages", "wagtail_preview"]


def wsgi_text(value: str) -> str:
    """What a WSGI server hands Django for VALUE sent as UTF-8 bytes (latin-1 text)."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


header_values = st.one_of(st.sampled_from(HEADER_VALUES), values).map(wsgi_text)
# Hostile values first: a session key is looked up only from 8 characters on.
HOSTILE_COOKIES = ["k" * 16 + "\x00" + "k" * 16, '"abcdefghij\\000klmnop"', "k" * 32, "", "=;"]
cookie_values = st.one_of(st.sampled_from(HOSTILE_COOKIES), values).map(wsgi_text)
headers = st.dictionaries(
    st.sampled_from(HEADERS).map(lambda name: "HTTP_" + name.upper().replace("-", "_")),
    header_values,
    max_size=4,
)
cookies = st.lists(
    st.tuples(st.one_of(st.sampled_from(COOKIES), st.text(min_size=1, max_size=8)), cookie_values),
    max_size=3,
).map(lambda pairs: "; ".join(f"{wsgi_text(k)}={v}" for k, v in pairs))


def assert_no_5xx(response, what):
    assert response.status_code < 500, (what, response.status_code)


@pytest.fixture
def raw_client():
    """A client that reports a server error as the 500 a visitor would get."""
    from django.test import Client

    return Client(raise_request_exception=False)


PER_PATH = settings(HYPOTHESIS, max_examples=15)


@pytest.mark.parametrize("path", SITE_PATHS)
@PER_PATH
@given(extra=headers, cookie=cookies)
def test_random_headers_and_cookies_never_cause_a_server_error(
    raw_client, content, path, extra, cookie
):
    if cookie:
        extra = {**extra, "HTTP_COOKIE": cookie}
    assert_no_5xx(raw_client.get(path, **extra), (path, extra))


@HYPOTHESIS
@given(extra=headers, cookie=cookies)
def test_random_headers_and_cookies_on_an_explainer_never_cause_a_server_error(
    raw_client, content, extra, cookie
):
    if cookie:
        extra = {**extra, "HTTP_COOKIE": cookie}
    assert_no_5xx(raw_client.get(content.url, **extra), (content.url, extra))


@HYPOTHESIS
@given(
    path=st.sampled_from(POST_PATHS),
    form=st.dictionaries(
        st.one_of(st.sampled_from(["username", "password", "email", "next", "query"]), values),
        values,
        max_size=4,
    ),
    cookie=cookies,
)
def test_random_form_posts_never_cause_a_server_error(raw_client, content, path, form, cookie):
    extra = {"HTTP_COOKIE": cookie} if cookie else {}
    assert_no_5xx(raw_client.post(path, form, **extra), (path, form, cookie))
