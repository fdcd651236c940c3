"""Saved searches as feeds (#13): /trials/feed/?<finder parameters> is the Atom feed of
the same search, last change first, 50 entries; a malformed filter is a 400."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trials.feeds import FEED_SIZE

from .factories import TrialFactory, TrialSiteFactory

pytestmark = pytest.mark.django_db

FEED = "/trials/feed/"
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    """The NCT IDs of the feed's entries, in feed order."""
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(  # noqa: S314
        response.content
    )
    return [
        e.find(f"{ATOM}title").text.rsplit("(", 1)[1].rstrip(")") for e in root.iter(f"{ATOM}entry")
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"age": "abc"}, "age"),
        ({"within_km": "100"}, "within_km"),  # a distance without a place
        ({"near": "Atlantis, Nowhere"}, "near"),
        ({"status": "NOT_A_STATUS"}, "status"),
        ({"within_km": "0", "near": "Boston, United States"}, "within_km"),
    ],
)
def test_a_malformed_filter_is_a_400_with_a_message(client, params, field):
    TrialFactory()
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert f"{field}:" in response.content.decode()


def test_the_feed_is_the_finders_search_last_change_first(client):
    now = timezone.now()
    old = TrialFactory(conditions=["Lymphoma"], last_changed=now - timedelta(days=3))
    new = TrialFactory(conditions=["Lymphoma"], last_changed=now - timedelta(hours=1))
    TrialFactory(conditions=["Melanoma"], last_changed=now)  # another condition
    TrialFactory(conditions=["Lymphoma"], overall_status="COMPLETED", last_changed=now)
    boston = TrialFactory(conditions=["Lymphoma"], last_changed=now - timedelta(days=1))
    TrialSiteFactory(trial=boston)
    params = {"condition": "lymphoma", "status": "RECRUITING"}
    assert entries(client.get(FEED, params)) == [new.nct_id, boston.nct_id, old.nct_id]
    near = {**params, "near": "Boston, United States", "within_km": "50"}
    assert entries(client.get(FEED, near)) == [boston.nct_id]


def test_an_entry_links_the_trial_and_carries_its_dates(client):
    trial = TrialFactory(brief_title="CAR-T for lymphoma", phases=["PHASE1"])
    root = ElementTree.fromstring(  # noqa: S314
        client.get(FEED, {"condition": "lymphoma"}).content
    )
    assert (
        root.find(f"{ATOM}link[@rel='alternate']")
        .get("href")
        .endswith("/trials/?condition=lymphoma")
    )
    assert (
        root.find(f"{ATOM}link[@rel='self']")
        .get("href")
        .endswith("/trials/feed/?condition=lymphoma")
    )
    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/trials/{trial.nct_id}/")
    assert entry.find(f"{ATOM}updated").text.startswith(str(trial.last_changed.year))
    assert "Recruiting" in entry.find(f"{ATOM}summary").text


def test_fifty_entries_in_a_constant_number_of_queries(client):
    TrialFactory.create_batch(FEED_SIZE + 5)
    client.get(FEED)  # warm up (one-off lookups)
    with CaptureQueriesContext(connection) as queries:
        assert len(entries(client.get(FEED))) == FEED_SIZE
    # the stored statuses (the filter's choices) and the entries
    assert len(queries) == 2, [q["sql"] for q in queries]


def test_the_finder_links_its_feed(client):
    TrialFactory()
    html = client.get("/trials/", {"condition": "lymphoma", "page": "1"}).content.decode()
    href = "/trials/feed/?condition=lymphoma"
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        f'title="New and changed trials for this search" href="{href}">' in html
    )
    assert f'class="feed-link" href="{href}"' in html
