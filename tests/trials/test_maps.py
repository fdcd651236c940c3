"""Site maps (#13): Leaflet with tiles from TRIALS_MAP_TILE_URL and the sites as JSON in
the page; with the setting empty (tests, by default) no map and no query for it."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import TrialFactory, TrialSiteFactory

pytestmark = pytest.mark.django_db

TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def points(html: str) -> list[dict]:
    found = re.search(r'<script id="trial-map-points" type="application/json">(.*?)</script>', html)
    return json.loads(found.group(1)) if found else []


@pytest.fixture
def trial():
    trial = TrialFactory()
    TrialSiteFactory(trial=trial, facility="<b>Mass General</b>")
    TrialSiteFactory(trial=trial, city="Paris", country="France", latitude=None, longitude=None)
    return trial


def test_without_a_tile_url_no_map_and_the_site_list_stays(client, settings, trial):
    settings.TRIALS_MAP_TILE_URL = ""
    for url in [trial.get_absolute_url(), "/trials/"]:
        html = client.get(url).content.decode()
        assert 'id="trial-map"' not in html and "leaflet" not in html
    assert (
        "&lt;b&gt;Mass General&lt;/b&gt;" in client.get(trial.get_absolute_url()).content.decode()
    )


def test_the_result_page_map_costs_no_query_when_off(client, settings, trial):
    settings.TRIALS_MAP_TILE_URL = ""
    client.get("/trials/")
    with CaptureQueriesContext(connection) as off:
        client.get("/trials/")
    settings.TRIALS_MAP_TILE_URL = TILES
    with CaptureQueriesContext(connection) as on:
        client.get("/trials/")
    assert len(on) == len(off) + 1  # one query for the page's sites


def test_the_trial_page_map_has_the_located_sites(client, settings, trial):
    settings.TRIALS_MAP_TILE_URL = TILES
    html = client.get(trial.get_absolute_url()).content.decode()
    assert f'data-tiles="{TILES}"' in html
    assert "/static/vendor/leaflet/leaflet.js" in html and "/static/js/trial-map.js" in html
    # the site without coordinates is listed, not mapped; names are JSON-escaped
    assert points(html) == [
        {
            "lat": 42.35843,
            "lon": -71.05977,
            "name": "<b>Mass General</b>",
            "place": "Boston, United States",
            "open": True,
        }
    ]
    assert "<b>Mass General</b>" not in html.split('id="trial-map-points"')[1].split("</script>")[0]
    assert "Paris" in html


def test_the_result_page_map_has_each_trials_sites(client, settings, trial):
    settings.TRIALS_MAP_TILE_URL = TILES
    other = TrialFactory()
    TrialSiteFactory(trial=other, city="Houston", latitude=29.76, longitude=-95.36)
    TrialFactory()  # no sites
    found = points(client.get("/trials/").content.decode())
    assert sorted((p["trial"], p["lat"]) for p in found) == sorted(
        [(trial.nct_id, 42.35843), (other.nct_id, 29.76)]
    )
    assert {p["url"] for p in found} == {trial.get_absolute_url(), other.get_absolute_url()}


def test_a_trial_without_located_sites_shows_no_map(client, settings):
    settings.TRIALS_MAP_TILE_URL = TILES
    trial = TrialFactory()
    TrialSiteFactory(trial=trial, latitude=None, longitude=None)
    assert 'id="trial-map"' not in client.get(trial.get_absolute_url()).content.decode()
