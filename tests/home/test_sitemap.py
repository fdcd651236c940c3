"""The sitemap index: Wagtail pages and every trial page, in files of bounded size."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home import sitemaps
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_files(monkeypatch):
    cache.clear()
    monkeypatch.setattr(sitemaps.TrialSitemap, "limit", 2)
    yield
    cache.clear()


def locs(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def test_index_lists_the_pages_and_every_file_of_trials(client):
    TrialFactory.create_batch(5)
    assert locs(client.get("/sitemap.xml")) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-trials.xml",
        "http://testserver/sitemap-trials.xml?p=2",
        "http://testserver/sitemap-trials.xml?p=3",
    ]


def test_trial_files_list_every_trial_once_in_id_order(client):
    trials = sorted(TrialFactory.create_batch(5), key=lambda t: t.nct_id)
    TrialFactory(nct_id="NCT00000009", missing_from_registry=True)
    listed = []
    for page in (1, 2, 3):
        listed += locs(client.get("/sitemap-trials.xml", {"p": page}))
    assert listed == [f"http://testserver/trials/{t.nct_id}/" for t in trials]


def test_urls_name_the_configured_host(client, settings):
    settings.SITE_URL = "https://cms.example.org"
    trial = TrialFactory()
    assert locs(client.get("/sitemap.xml"))[1] == "https://cms.example.org/sitemap-trials.xml"
    assert locs(client.get("/sitemap-trials.xml")) == [
        f"https://cms.example.org/trials/{trial.nct_id}/"
    ]


@pytest.mark.parametrize("query", ["?p=99", "?p=abc", ""])
def test_no_such_file_is_a_404(client, query):
    TrialFactory()
    path = "/sitemap-nothing.xml" if not query else "/sitemap-trials.xml" + query
    assert client.get(path).status_code == 404


def test_a_trial_file_costs_two_queries_at_most_whatever_the_catalogue(client):
    TrialFactory.create_batch(3)
    client.get("/sitemap-trials.xml")  # the count is cached
    with CaptureQueriesContext(connection) as few:
        client.get("/sitemap-trials.xml")
    TrialFactory.create_batch(30)
    cache.clear()
    client.get("/sitemap-trials.xml")
    with CaptureQueriesContext(connection) as many:
        client.get("/sitemap-trials.xml", {"p": 2})
    assert len(few) == len(many) <= 2


def test_head_is_answered(client):
    assert client.head("/sitemap.xml").status_code == 200
    assert client.post("/sitemap.xml").status_code == 405
