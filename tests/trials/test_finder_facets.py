"""The finder's facets at scale (#13, #11): the facet counts table for structured
filters, bounded live counts marked as lower bounds, the cache and its invalidation by
the serving events, and ``Trial.countries`` kept equal to the sites' countries."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trials import facet_counts
from trials.demo.loader import example_studies, load
from trials.filters import TrialFilter, facets
from trials.models import Trial, TrialFacetCount, TrialSite
from trials.registry.fields import project
from trials.sync import run_sync
from trials.sync.writer import store_page

from .factories import TrialFactory, TrialQueryFactory, TrialSiteFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

LIST = "/trials/"
STRUCTURED_CASES = [
    {},
    {"status": "RECRUITING"},
    {"status": "RECRUITING", "phase": "PHASE2"},
    {"age": "40", "sex": "FEMALE"},
    {"country": "United States"},
    {"country": "Australia", "status": "RECRUITING", "age": "40"},
    {"healthy_volunteers": "false", "phase": "PHASE1"},
]


@pytest.fixture
def demo():
    load(lambda *args: None)
    cache.clear()


def finder(params) -> TrialFilter:
    found = TrialFilter(params, queryset=Trial.objects.all())
    assert found.is_valid(), found.form.errors
    return found


def by_python(params) -> dict:
    """The facets counted the slow, obvious way: every trial, in Python."""
    wanted = finder(params)
    result = {}
    for name in facets.FACETS:
        counts: dict[str, int] = {}
        for trial in wanted.filter_queryset(Trial.objects.all(), without=name):
            values = {
                "status": [trial.overall_status],
                "phase": trial.phases,
                "country": trial.countries,
            }[name]
            for value in values:
                counts[value] = counts.get(value, 0) + 1
        if name == "country":  # the most frequent countries only, as the page shows
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            counts = dict(top[: facets.COUNTRY_FACET_SIZE])
        result[name] = counts
    return result


def as_counts(found) -> dict:
    return {name: {i["value"]: i["count"] for i in items} for name, items in found.items()}


def sites_countries() -> dict:
    found: dict[str, set] = {}
    for nct_id, country in TrialSite.objects.values_list("trial__nct_id", "country"):
        if country:
            found.setdefault(nct_id, set()).add(country)
    nct_ids = Trial.objects.values_list("nct_id", flat=True)
    return {nct: sorted(found.get(nct, ())) for nct in nct_ids}


@pytest.mark.parametrize("params", STRUCTURED_CASES)
def test_structured_filters_are_counted_from_the_facet_counts_table(demo, params):
    assert TrialFacetCount.objects.exists()  # the loader counted
    with CaptureQueriesContext(connection) as queries:
        found = facets.compute(finder(params), facets.active_filters(finder(params)))["facets"]
    grouped = [q["sql"] for q in queries if "GROUP BY" in q["sql"]]
    assert len(grouped) == 3 and all('FROM "trials_trialfacetcount"' in q for q in grouped)
    assert as_counts(found) == by_python(params)
    # the same counts as counting live (small data: exact)
    live = facets._live(finder(params))
    assert found == live["facets"]
    assert live["matches"] == finder(params).qs.count()  # the whole set, uncapped here
    assert not any(item["at_least"] for items in found.values() for item in items)


def test_other_filters_are_counted_live_and_exactly_when_few_match(demo):
    params = {"condition": "lymphoma", "status": "RECRUITING"}
    found = finder(params).facets()
    assert as_counts(found) == by_python(params)
    assert not any(item["at_least"] for items in found.values() for item in items)


def test_counts_of_a_broad_live_match_are_lower_bounds_and_the_page_says_so(client, monkeypatch):
    for _ in range(6):
        TrialSiteFactory(trial=TrialFactory(overall_status="COMPLETED"))
    TrialSiteFactory(trial=TrialFactory(overall_status="RECRUITING"))
    monkeypatch.setattr(facets, "LIVE_LIMIT", 3)
    cache.clear()
    response = client.get(LIST, {"condition": "lymphoma"})
    found = {f["name"]: f["items"] for f in response.context["facets"]}
    statuses = {i["value"]: i for i in found["status"]}
    assert all(item["at_least"] for item in statuses.values())
    # never more than the truth: 6 completed, 1 recruiting
    assert statuses["COMPLETED"]["count"] <= 6
    assert statuses.get("RECRUITING", {"count": 0})["count"] <= 1
    html = response.content.decode()
    assert f'<span class="facet-count">{statuses["COMPLETED"]["count"]}+</span>' in html
    assert "there are at least that many" in html
    api = client.get("/api/v2/trials/", {"condition": "lymphoma", "facets": "true"}).json()
    assert all(i["at_least"] for i in api["meta"]["facets"]["status"])


def test_cached_facets_are_forgotten_when_a_trial_is_written(client, demo):
    params = {"status": "RECRUITING"}
    client.get(LIST, params)
    with CaptureQueriesContext(connection) as warm:
        before = client.get(LIST, params).context["facets"]
    assert not any("trials_trialfacetcount" in q["sql"] for q in warm)  # from the cache
    TrialFactory(overall_status="RECRUITING")  # the serving event: counts are stale
    assert not TrialFacetCount.objects.exists()
    after = client.get(LIST, params).context["facets"]
    recruiting = [
        {i["value"]: i["count"] for i in f["items"]}["RECRUITING"] for f in (before[0], after[0])
    ]
    assert recruiting[1] == recruiting[0] + 1


def test_an_explainer_citing_trials_does_not_empty_the_counts(demo):
    from insights.serving import changes, events

    change = changes.Change(trials={"NCT99000001"})  # a citing page, no trial written
    events._forget_trial_facets(change)
    assert TrialFacetCount.objects.exists()


def test_trials_written_empty_the_counts_in_the_same_transaction(demo):
    studies = [project(study) for study in example_studies()]
    studies[0]["protocolSection"]["statusModule"]["overallStatus"] = "WITHDRAWN"
    with transaction.atomic():
        store_page(studies, timezone.now())
        assert not TrialFacetCount.objects.exists()  # gone with the writes, not after
    # until the run ends, facets are counted live, and right
    assert as_counts(facets.compute(finder({}), {})["facets"]) == by_python({})


def test_a_sync_keeps_countries_and_facet_counts_true(registry, registry_client):
    TrialQueryFactory(name="Everything", condition="", term="a")
    run_sync(full=True, client=registry_client)
    assert {t.nct_id: t.countries for t in Trial.objects.all()} == sites_countries()
    assert TrialFacetCount.objects.exists()
    assert as_counts(facets.compute(finder({}), {})["facets"]) == by_python({})

    def move_to_iceland(study):
        module = study["protocolSection"].setdefault("contactsLocationsModule", {})
        for location in module.get("locations", []):
            location["country"] = "Iceland"
        study["protocolSection"]["statusModule"]["overallStatus"] = "SUSPENDED"

    registry.store.edit("NCT99000015", move_to_iceland)
    run_sync(full=True, client=registry_client)
    trial = Trial.objects.get(nct_id="NCT99000015")
    assert trial.countries == ["Iceland"]
    assert {t.nct_id: t.countries for t in Trial.objects.all()} == sites_countries()
    counted = as_counts(
        facets.compute(finder({"country": "Iceland"}), {"country": "Iceland"})["facets"]
    )
    assert counted == by_python({"country": "Iceland"})
    assert counted["status"] == {"SUSPENDED": 1}
    # the country filter reads the column (PostgreSQL) or the sites (SQLite): same trials
    assert list(finder({"country": "Iceland"}).qs.values_list("nct_id", flat=True)) == [
        "NCT99000015"
    ]


class Editor:
    """What the migration's RunPython uses of a schema editor (SQLite's cannot be
    opened inside the test's transaction)."""

    connection = connection

    def execute(self, sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_makes_countries_the_sites_countries():
    france = TrialSiteFactory(country="France").trial
    TrialSiteFactory(trial=france, country="Belgium")
    TrialSiteFactory(trial=france, country="")
    nowhere = TrialFactory()
    Trial.objects.filter(pk=france.pk).update(countries=["United States"])
    Trial.objects.filter(pk=nowhere.pk).update(countries=["Spain"])
    migration = importlib.import_module("trials.migrations.0017_facet_counts_and_countries_index")
    migration.backfill(django_apps, Editor())
    assert Trial.objects.get(pk=france.pk).countries == ["Belgium", "France"]
    assert Trial.objects.get(pk=nowhere.pk).countries == []


def test_the_migration_fills_site_cells_as_the_sync_writes_them():
    from trials.sites import grid_cells

    # points west and south of Greenwich: floor, not truncation (-71.06 is cell -72)
    boston = TrialSiteFactory(latitude=42.36, longitude=-71.06).trial
    TrialSiteFactory(trial=boston, latitude=-33.87, longitude=151.21)
    TrialSiteFactory(trial=boston, latitude=42.9, longitude=-71.5)  # the same cell
    TrialSiteFactory(trial=boston, latitude=None, longitude=None)
    unplaced = TrialSiteFactory(latitude=None, longitude=None).trial
    Trial.objects.update(site_cells=[])
    migration = importlib.import_module("trials.migrations.0022_trial_site_cells")
    migration.backfill(django_apps, Editor())
    assert Trial.objects.get(pk=boston.pk).site_cells == ["-34:151", "42:-72"]
    points = boston.sites.values_list("latitude", "longitude")
    assert Trial.objects.get(pk=boston.pk).site_cells == grid_cells(points)
    assert Trial.objects.get(pk=unplaced.pk).site_cells == []


def test_the_facet_key_does_not_depend_on_how_a_search_is_written():
    TrialSiteFactory(country="France")
    one = facets.active_filters(finder({"country": "france", "status": "recruiting,completed"}))
    two = facets.active_filters(finder({"status": "COMPLETED,RECRUITING", "country": "France"}))
    assert facets.cache_key(one, "g") == facets.cache_key(two, "g")
    assert facets.cache_key(one, "g") != facets.cache_key(one, "h")


def test_rebuild_counts_every_trial_once_and_once_per_country():
    trial = TrialSiteFactory(country="France").trial
    TrialSiteFactory(trial=trial, country="Spain")
    TrialFactory(overall_status="COMPLETED")
    facet_counts.rebuild()
    rows = TrialFacetCount.objects
    assert sum(rows.filter(country="").values_list("trials", flat=True)) == 2
    assert rows.get(country="France").trials == rows.get(country="Spain").trials == 1


@pytest.mark.parametrize(
    "params",
    [{"condition": "lymphoma"}, {"near": "Boston, United States", "within_km": "100"}],
)
def test_a_broad_full_text_or_distance_match_is_read_in_the_listings_order(
    client, monkeypatch, params
):
    for day in range(8):
        site = TrialSiteFactory()
        Trial.objects.filter(pk=site.trial_id).update(
            last_update_posted=timezone.localdate() - timezone.timedelta(days=day % 3)
        )
    narrow = client.get(LIST, params).context["trials"]  # 8 matches: no walk
    monkeypatch.setattr(facets, "LIVE_LIMIT", 3)  # now the match is broad
    cache.clear()  # the facets (and the count they found) of the 8 matches
    with CaptureQueriesContext(connection) as queries:
        broad = client.get(LIST, params).context["trials"]
    walked = [q["sql"] for q in queries if "enable_bitmapscan" in q["sql"]]
    assert len(walked) == (1 if connection.vendor == "postgresql" else 0)
    # the same trials in the same order (most recently updated, then NCT ID); the
    # paginator stops at the capped count (LIVE_LIMIT + 1)
    assert [t.nct_id for t in broad] == [t.nct_id for t in narrow][:4]
    assert len({t.last_update_posted for t in broad}) > 1
    # a structured filter has its own ordered index: never walked
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, {"status": "RECRUITING"})
    assert not any("enable_bitmapscan" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    ("params", "samples"),
    [
        ({"condition": "lymphoma"}, 1),  # one set for the three facets and the count
        ({"condition": "lymphoma", "status": "RECRUITING"}, 2),  # and one without status
    ],
)
def test_the_listing_takes_its_count_from_the_live_facets_sample(client, params, samples):
    for _ in range(3):
        TrialSiteFactory(trial=TrialFactory(overall_status="RECRUITING"))
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    capped = [q["sql"] for q in queries if f"LIMIT {facets.LIVE_LIMIT + 1}" in q["sql"]]
    assert len(capped) == samples  # the facets' samples; no count of its own
    assert response.context["paginator"].count == 3
    assert len(response.context["trials"]) == 3
    # warm: the count comes from the cache with the facets
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, params)
    assert not any(f"LIMIT {facets.LIVE_LIMIT + 1}" in q["sql"] for q in queries)


def test_near_a_city_reads_the_place_sums_counted_when_the_sync_ended(client):
    TrialSiteFactory(latitude=42.0, longitude=-71.0)
    TrialSiteFactory(latitude=43.0, longitude=-72.0, state="Elsewhere")
    from trials.filters.places import city_point

    live = city_point("Boston, United States")
    facet_counts.rebuild()
    with CaptureQueriesContext(connection) as queries:
        assert city_point("Boston, United States") == pytest.approx(live) == (42.5, -71.5)
    assert len(queries) == 1 and "trials_trialplace" in queries[0]["sql"]
    assert city_point("Boston, Elsewhere, United States") == pytest.approx((43.0, -72.0))
    TrialSiteFactory(trial=TrialFactory(), latitude=44.0, longitude=-70.0)  # trials written
    assert city_point("Boston, United States") == pytest.approx((43.0, -71.0))


def test_the_sites_in_a_distances_box_are_counted_from_the_place_sums():
    from trials.filters.places import sites_in_box

    for _ in range(3):
        TrialSiteFactory(city="Boston", latitude=42.36, longitude=-71.06)
    TrialSiteFactory(city="Worcester", latitude=42.26, longitude=-71.80)  # 62 km away
    TrialSiteFactory(city="Paris", country="France", latitude=48.85, longitude=2.35)
    assert sites_in_box(42.36, -71.06, 50) is None  # no place sums yet: no estimate
    facet_counts.rebuild()
    assert sites_in_box(42.36, -71.06, 50) == 3
    assert sites_in_box(42.36, -71.06, 100) == 4
    assert sites_in_box(48.85, 2.35, 2000) == 1  # Boston is 5,500 km from Paris
    assert sites_in_box(42.36, -71.06, 10_000) == 5  # a box over the pole: every site


@pytest.mark.parametrize(("broad_box_sites", "probed"), [(10, False), (2, True)])
def test_a_broad_distance_checks_each_trials_sites_by_the_trial(
    client, monkeypatch, broad_box_sites, probed
):
    import trials.filters

    for day in range(6):
        site = TrialSiteFactory(city="Boston", latitude=42.36, longitude=-71.06)
        Trial.objects.filter(pk=site.trial_id).update(
            last_update_posted=timezone.localdate() - timezone.timedelta(days=day)
        )
    TrialSiteFactory(city="Paris", country="France", latitude=48.85, longitude=2.35)
    facet_counts.rebuild()
    monkeypatch.setattr(trials.filters, "BROAD_BOX_SITES", broad_box_sites)
    params = {"near": "Boston, United States", "within_km": "100"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    planned = [q["sql"] for q in queries if "enable_hashjoin = off" in q["sql"]]
    assert len(planned) == (1 if probed and connection.vendor == "postgresql" else 0)
    # with no filter a GIN index serves, the candidates are read row by row too
    assert all("enable_bitmapscan = off" in sql for sql in planned)
    # the same answer either way: the six Boston trials, newest first, counted
    shown = [t.nct_id for t in response.context["trials"]]
    expected = Trial.objects.filter(sites__city="Boston").order_by("-last_update_posted")
    assert shown == [t.nct_id for t in expected]
    assert response.context["paginator"].count == 6
    statuses = {f["name"]: f["items"] for f in response.context["facets"]}["status"]
    assert sum(item["count"] for item in statuses) == 6


@pytest.mark.parametrize(
    ("extra", "row_by_row"),
    [({"phase": "PHASE2"}, True), ({"country": "United States"}, False), ({"q": "cancer"}, False)],
)
def test_a_broad_distance_keeps_bitmaps_only_for_a_filter_a_gin_index_serves(
    client, monkeypatch, extra, row_by_row
):
    import trials.filters

    for phases in (["PHASE2"], ["PHASE3"]):
        site = TrialSiteFactory(city="Boston", latitude=42.36, longitude=-71.06)
        Trial.objects.filter(pk=site.trial_id).update(
            phases=phases,
            phase_label="|".join(phases),
            search_text="breast cancer",
            countries=["United States"],
        )
    facet_counts.rebuild()
    monkeypatch.setattr(trials.filters, "BROAD_BOX_SITES", 1)
    params = {"near": "Boston, United States", "within_km": "100", **extra}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    assert response.status_code == 200
    planned = [q["sql"] for q in queries if "enable_hashjoin = off" in q["sql"]]
    if connection.vendor != "postgresql":
        assert planned == []
        return
    assert len(planned) == 1
    assert ("enable_bitmapscan = off" in planned[0]) is row_by_row
    expected = 1 if "phase" in extra else 2
    assert response.context["paginator"].count == expected


def _analyzed_conditions():
    for _ in range(30):
        TrialFactory(conditions=["Breast Cancer"], conditions_text="breast cancer")
    for _ in range(10):
        TrialFactory(conditions=["Asthma"], conditions_text="asthma")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE trials_trial")


def test_how_common_a_searchs_words_are_comes_from_the_vectors_statistics():
    from trials.filters import words

    _analyzed_conditions()
    share = words.estimated_share("conditions_text", "Breast cancers")
    if connection.vendor == "postgresql":
        # each word in 30 of 40 trials, taken as independent, as the planner does
        assert share == pytest.approx(0.75 * 0.75, abs=0.05)
        assert words.is_common("conditions_text", "breast cancer")
        assert words.estimated_share("conditions_text", "asthma") == pytest.approx(0.25, abs=0.05)
    else:  # no statistics to read: never common
        assert share == 0
    # a word not among the most common ones (or nowhere): rare
    assert words.estimated_share("conditions_text", "breast glioblastoma") == 0
    assert not words.is_common("conditions_text", "")


@pytest.mark.parametrize(("common_share", "row_by_row"), [(0.9, False), (0.1, True)])
def test_a_common_words_sample_is_read_row_by_row(client, monkeypatch, common_share, row_by_row):
    from trials.filters import words

    _analyzed_conditions()
    monkeypatch.setattr(words, "COMMON_SHARE", common_share)
    cache.clear()
    params = {"condition": "breast cancer", "status": "RECRUITING"}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, params)
    planned = [q["sql"] for q in queries if "enable_bitmapscan = off" in q["sql"]]
    assert len(planned) == (1 if row_by_row and connection.vendor == "postgresql" else 0)
    expected = Trial.objects.filter(conditions_text="breast cancer", overall_status="RECRUITING")
    assert response.context["paginator"].count == expected.count() > 0
    assert {t.nct_id for t in response.context["trials"]} == {t.nct_id for t in expected[:20]}
