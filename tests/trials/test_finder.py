"""The trial finder (#13): one FilterSet (trials.filters.TrialFilter) behind /trials/ and
/api/v2/trials/, with the contract's parameter names, facets and a 400 for bad input."""

import math

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from trials import facet_counts
from trials.demo.loader import load
from trials.filters import TrialFilter, bounding_box, facets
from trials.filters.places import EARTH_RADIUS_KM, cells_in_box
from trials.models import Trial
from trials.sites import grid_cell

from .factories import TrialFactory, TrialSiteFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

LIST = "/trials/"
API = "/api/v2/trials/"


@pytest.fixture
def demo():
    load(lambda *args: None)


def page_ids(client, params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return sorted(t.nct_id for t in response.context["trials"])


def api_ids(client, params) -> list[str]:
    response = client.get(API, {**params, "limit": 100})
    assert response.status_code == 200, response.json()
    return sorted(item["nct_id"] for item in response.json()["items"])


def ids(client, params) -> list[str]:
    """The NCT IDs the page and the API give for PARAMS (asserted to be the same)."""
    page, api = page_ids(client, params), api_ids(client, params)
    assert page == api
    return page


def test_the_patient_path_car_t_recruiting_open_at_40_within_200_km_of_boston(client, demo):
    params = {
        "intervention": "CAR-T",
        "status": "RECRUITING",
        "age": "40",
        "near": "Boston, United States",
        "within_km": "200",
    }
    assert ids(client, params) == ["NCT99000001"]
    # Houston is 2,600 km away: within 3,000 km a second site of the same trial, and
    # no other trial, so the result is the same; within 100 km of Seattle, none.
    assert ids(client, {**params, "within_km": "3000"}) == ["NCT99000001"]
    assert ids(client, {**params, "near": "Seattle, United States", "within_km": "100"}) == [
        "NCT99000001"
    ]  # Seattle's site is not yet recruiting, but the trial is
    assert ids(client, {**params, "near": "Sydney, Australia"}) == []


def test_each_filter_narrows_by_what_it_names(client, demo):
    every = ids(client, {})
    assert len(every) == Trial.objects.count()
    assert ids(client, {"condition": "melanoma"}) == ["NCT99000012", "NCT99000015", "NCT99000017"]
    # sponsor: the lead sponsor or a collaborator
    halden = ["NCT99000005", "NCT99000008", "NCT99000012", "NCT99000014", "NCT99000015"]
    assert ids(client, {"sponsor": "Halden Biotherapeutics"}) == halden
    assert ids(client, {"sponsor": "International Melanoma Example Group"}) == ["NCT99000015"]
    assert "NCT99000001" in ids(client, {"sponsor": "Harbourside Cancer Institute"})
    assert ids(client, {"intervention": "HLX-PD1"}) == ["NCT99000012", "NCT99000015"]
    assert ids(client, {"intervention": "HLX-L3"}) == ["NCT99000015"]
    australia = ["NCT99000003", "NCT99000015", "NCT99000018"]
    assert ids(client, {"country": "Australia"}) == australia
    assert ids(client, {"country": "australia"}) == australia
    assert ids(client, {"phase": "PHASE3", "status": "RECRUITING"}) == [
        t.nct_id
        for t in Trial.objects.filter(overall_status="RECRUITING").order_by("nct_id")
        if "PHASE3" in t.phases
    ]


def test_age_is_within_the_limits_inclusive_and_no_limit_means_open(client, demo):
    child_trial = "NCT99000003"  # 1 year to 25 years
    assert child_trial in ids(client, {"age": "25"})
    assert child_trial not in ids(client, {"age": "25.5"})
    assert child_trial in ids(client, {"age": "1"})
    at_ten = ids(client, {"age": "10"})
    assert "NCT99000001" not in at_ten  # 18 years and older
    # the access programmes give no ages at all: no limit
    assert "NCT99000013" in at_ten and "NCT99000013" in ids(client, {"age": "90"})


def test_sex_and_healthy_volunteers(client):
    women = TrialFactory(sex="FEMALE", healthy_volunteers=True)
    men = TrialFactory(sex="MALE", healthy_volunteers=False)
    everyone = TrialFactory(sex="ALL", healthy_volunteers=False)
    assert ids(client, {"sex": "FEMALE"}) == sorted([women.nct_id, everyone.nct_id])
    assert ids(client, {"sex": "MALE"}) == sorted([men.nct_id, everyone.nct_id])
    assert ids(client, {"healthy_volunteers": "true"}) == [women.nct_id]
    assert ids(client, {"healthy_volunteers": "false"}) == sorted([men.nct_id, everyone.nct_id])


def test_near_coordinates_and_the_distance(client):
    boston = TrialSiteFactory(latitude=42.35843, longitude=-71.05977).trial
    # Providence is ~66 km from Boston
    providence = TrialSiteFactory(city="Providence", latitude=41.824, longitude=-71.4128).trial
    assert ids(client, {"near": "42.36,-71.06", "within_km": "10"}) == [boston.nct_id]
    assert ids(client, {"near": "42.36,-71.06", "within_km": "80"}) == sorted(
        [boston.nct_id, providence.nct_id]
    )
    # near without within_km: 50 km
    assert ids(client, {"near": "Providence, Massachusetts, United States"}) == [providence.nct_id]


def test_the_distance_works_across_the_antimeridian(client):
    fiji = TrialSiteFactory(city="Suva", country="Fiji", latitude=-18.0, longitude=179.9).trial
    TrialSiteFactory(city="Far", country="Fiji", latitude=-18.0, longitude=170.0)
    assert ids(client, {"near": "-18.0,-179.9", "within_km": "50"}) == [fiji.nct_id]
    low, high, ranges = bounding_box(-18.0, -179.9, 50)
    assert len(ranges) == 2 and low < -18 < high


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-80, 80),
    lon=st.floats(-180, 180, exclude_max=True),
    km=st.floats(1, 1000),
    bearing=st.floats(0, 360),
    share=st.floats(0, 1),
)
def test_the_grid_cells_of_a_box_hold_every_point_within_its_distance(lat, lon, km, bearing, share):
    cells = cells_in_box(lat, lon, km)
    if cells is None:  # a box round a pole or too wide: no cell check
        return
    # the point SHARE of KM away on BEARING (great circle), then its cell
    d, b = km * share / EARTH_RADIUS_KM, math.radians(bearing)
    phi, lam = math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(b))
    lam2 = lam + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(phi), math.cos(d) - math.sin(phi) * math.sin(phi2)
    )
    lon2 = (math.degrees(lam2) + 180) % 360 - 180
    assert grid_cell(math.degrees(phi2), lon2) in cells


def test_a_box_round_a_pole_or_over_too_many_cells_has_no_cell_check():
    assert cells_in_box(89.9, 0, 100) is None
    assert cells_in_box(0, 0, 5000) is None
    assert cells_in_box(48.85, 2.35, 50) == ["48:1", "48:2", "48:3", "49:1", "49:2", "49:3"]
    # across the antimeridian: both sides
    assert {"-19:179", "-19:-180"} <= set(cells_in_box(-18.0, -179.9, 50))


def test_a_trials_sites_give_its_cells_and_the_distance_finds_it_by_them(client):
    wide = TrialSiteFactory(latitude=-33.87, longitude=151.21).trial
    TrialSiteFactory(trial=wide, latitude=42.36, longitude=-71.06)
    wide.refresh_from_db()
    assert wide.site_cells == ["-34:151", "42:-72"]
    assert ids(client, {"near": "-33.9,151.2", "within_km": "20"}) == [wide.nct_id]
    # on PostgreSQL the trial's cells are read first: a trial whose cells say it has no
    # site there is not probed (the sync writes cells and sites together)
    Trial.objects.filter(pk=wide.pk).update(site_cells=["42:-72"])
    cache.clear()  # (an update() sends no signal: the API's cached answer would stay)
    expected = [] if connection.vendor == "postgresql" else [wide.nct_id]
    assert ids(client, {"near": "-33.9,151.2", "within_km": "20"}) == expected


def test_facets_count_every_filter_but_their_own(client, demo):
    response = client.get(LIST, {"status": "RECRUITING", "condition": "lymphoma"})
    facets = {
        f["name"]: {i["value"]: i["count"] for i in f["items"]} for f in response.context["facets"]
    }
    lymphoma = Trial.objects.filter(conditions_text__contains="lymphoma")
    # the status facet ignores status=RECRUITING, so other statuses stay offered
    expected = {}
    for status in lymphoma.values_list("overall_status", flat=True):
        expected[status] = expected.get(status, 0) + 1
    assert facets["status"] == expected
    recruiting = lymphoma.filter(overall_status="RECRUITING")
    assert facets["country"]["United States"] == sum(
        "United States" in t.countries for t in recruiting
    )
    html = response.content.decode()
    assert 'aria-label="Refine"' in html
    # a facet link replaces its own filter and keeps the others
    assert '<a href="?status=SUSPENDED&amp;condition=lymphoma">Suspended</a>' in html


def test_the_api_gives_facets_on_request(client, demo):
    data = client.get(API, {"country": "Australia", "facets": "true"}).json()
    assert len(data["items"]) == 3
    # the country facet does not count its own filter: every country stays offered
    countries = {i["value"]: i["count"] for i in data["meta"]["facets"]["country"]}
    assert countries["Australia"] == 3 and countries["United States"] == 8
    assert "facets" not in client.get(API, {"country": "Australia"}).json()["meta"]
    assert client.get(API, {"facets": "maybe"}).status_code == 400


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"age": "abc"}, "age", "Enter a number."),
        ({"age": "-1"}, "age", "greater than or equal to 0"),
        ({"within_km": "50"}, "within_km", "A distance needs a place"),
        ({"near": "Atlantis, Ocean"}, "near", "No trial site in 'Atlantis, Ocean'"),
        ({"near": "Atlantis, Ocean", "within_km": "5"}, "near", "No trial site in"),
        ({"near": "95,10"}, "near", "Coordinates out of range"),
        ({"near": "Boston, United States", "within_km": "0"}, "within_km", "greater than"),
        ({"near": "Boston, United States", "within_km": "x"}, "within_km", "Enter a number."),
        ({"country": "Atlantis"}, "country", "No trial site in a country called 'Atlantis'"),
        ({"sex": "OTHER"}, "sex", "Select a valid choice."),
        ({"healthy_volunteers": "maybe"}, "healthy_volunteers", "Select a valid choice."),
        ({"status": "RECRUITING,NOPE"}, "status", "Unknown status NOPE"),
        ({"sponsor": "x" * 201}, "sponsor", "at most 200 characters"),
    ],
)
def test_malformed_filters_are_a_400_with_a_message_on_page_and_api(client, params, field, message):
    TrialSiteFactory()  # a Boston site: only the parameter at fault is wrong
    response = client.get(LIST, params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert 'class="field-error"' in response.content.decode()
    api = client.get(API, params)
    assert api.status_code == 400
    assert f"{field}: " in api.json()["message"] and message in api.json()["message"]


def test_the_filterset_is_importable_for_other_apis():
    finder = TrialFilter({"age": "40", "near": "1,2"}, queryset=Trial.objects.all())
    assert finder.is_valid()
    contract = {
        "condition",
        "intervention",
        "sponsor",
        "status",
        "phase",
        "age",
        "sex",
        "healthy_volunteers",
        "country",
        "near",
        "within_km",
    }
    assert contract <= set(finder.filters)


def test_the_finder_query_count_is_constant(client):
    for _ in range(3):
        TrialSiteFactory()
    params = {"near": "Boston, United States", "age": "40", "country": "United States"}
    client.get(LIST, params)  # one-off lookups of a first request (site, locale) aside
    facets.forget()  # only the facets' cache: other one-off lookups stay warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, params).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(LIST, params).status_code == 200
    for _ in range(30):
        TrialSiteFactory()  # each trial written forgets the cached facets
    with CaptureQueriesContext(connection) as many:
        assert client.get(LIST, params).status_code == 200
    # the place (3: no place table without a finished sync, then the sites), the sites in
    # the distance's box (from the same table), the country, page, last sync, stored
    # statuses, the facets counted live (a distance is no structured filter) in two
    # queries: status and phase share the whole set (its size is the count), the country
    # facet the set without its own filter; cached: no facet query and no count
    assert len(few) == len(many) == 10
    assert len(warm) == 8


def test_structured_filters_query_count_with_the_facet_counts_table(client):
    for _ in range(3):
        TrialSiteFactory()
    facet_counts.rebuild()
    params = {"status": "RECRUITING", "age": "40", "country": "United States"}
    client.get(LIST, params)
    facets.forget()  # only the facets' cache: other one-off lookups stay warm
    with CaptureQueriesContext(connection) as cold:
        assert client.get(LIST, params).status_code == 200
    # the country (1), count, page, last sync, stored statuses, the counts table's
    # presence, three sums over it
    assert len(cold) == 9
    assert sum("trials_trialfacetcount" in q["sql"] for q in cold) == 4
