"""Who can join and where (#13): eligibility, sites and central contacts, mapped from the
registry by the sync, backfilled by the migration, shown on the trial page and the API."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.utils import timezone

from tests.reference_records import reference_studies
from trials.demo.loader import example_studies, load
from trials.models import Trial, TrialSite
from trials.registry.eligibility import parse_age, split_criteria
from trials.registry.fields import project
from trials.registry.mapping import map_study
from trials.sync import run_sync
from trials.sync.writer import store_page

from .factories import TrialFactory, TrialSiteFactory

pytestmark = pytest.mark.django_db


def quiet(*args):
    pass


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18 Years", (18.0, "YEAR", 18.0)),
        ("1 Year", (1.0, "YEAR", 1.0)),
        ("3 Months", (3.0, "MONTH", 0.25)),
        ("6 Weeks", (6.0, "WEEK", 0.115)),
        ("28 Days", (28.0, "DAY", 0.0767)),
    ],
)
def test_ages_are_parsed_to_a_number_a_unit_and_years(text, expected):
    age = parse_age(text)
    assert (age["value"], age["unit"]) == expected[:2]
    assert age["years"] == pytest.approx(expected[2], abs=0.001)


@pytest.mark.parametrize("text", ["", "N/A", "eighteen years", "18 Parsecs", None, 18])
def test_an_unreadable_age_is_no_age(text):
    assert parse_age(text) is None


def test_an_unreadable_age_is_kept_as_text_and_reported():
    study = example_studies()[0]
    study["protocolSection"]["eligibilityModule"]["minimumAge"] = "eighteen"
    mapped = map_study(study)
    assert mapped.columns["minimum_age"] == "eighteen"
    assert mapped.columns["minimum_age_years"] is None
    assert any("minimumAge 'eighteen' is not an age" in w for w in mapped.warnings)


def test_criteria_are_split_under_the_registry_headings_verbatim():
    text = (
        "Key Inclusion Criteria:\n\n1. Adults aged 18 to 64\n2. Chronic AD \\[Eichenfeld\\]\n"
        "   * present for 3 years\n\nExclusion Criteria:\n\n* Pregnancy\n"
        "Paragraph under the heading, kept"
    )
    inclusion, exclusion = split_criteria(text)
    assert inclusion == [
        {"text": "Adults aged 18 to 64", "level": 0},
        {"text": "Chronic AD \\[Eichenfeld\\]", "level": 0},
        {"text": "present for 3 years", "level": 1},
    ]
    assert exclusion == [
        {"text": "Pregnancy", "level": 0},
        {"text": "Paragraph under the heading, kept", "level": 0},
    ]


def test_criteria_with_text_before_any_heading_are_not_split():
    # NCT03630471 writes "Eligibility criteria:" and groups by participant: a split that
    # dropped "For adolescent participants:" would change who can join.
    text = "Eligibility criteria:\n\nFor adolescents:\n\n* Student\n\nExclusion criteria:\n\n* X"
    assert split_criteria(text) == ([], [])


def test_a_criterion_that_mentions_the_words_is_not_a_heading():
    text = (
        "Inclusion Criteria:\n\n* Must meet the ASAS criteria for axSpA and the inclusion "
        "criteria of the parent protocol that are listed elsewhere in this record\n"
    )
    inclusion, exclusion = split_criteria(text)
    assert len(inclusion) == 1 and exclusion == []


def test_the_demo_records_store_eligibility_sites_and_contacts():
    load(quiet)
    trial = Trial.objects.get(nct_id="NCT99000001")
    assert (trial.minimum_age, trial.minimum_age_years, trial.maximum_age_years) == (
        "18 Years",
        18.0,
        None,
    )
    assert (trial.sex, trial.healthy_volunteers, trial.ages_text) == (
        "ALL",
        False,
        "18 years and older",
    )
    assert trial.inclusion_criteria[0]["text"].startswith("Large B-cell lymphoma that came back")
    assert trial.eligibility_criteria.startswith("Inclusion Criteria:\n\n* Large B-cell")
    assert trial.central_contacts == [
        {
            "name": "Trial Information Desk (example)",
            "role": "CONTACT",
            "phone": "+1 555 0100",
            "email": "trials-001@example.org",
        }
    ]
    sites = list(trial.sites.all())
    assert [s.city for s in sites] == [
        "Boston",
        "Houston",
        "Seattle",
        "Chicago",
        "London",
        "Manchester",
        "Berlin",
        "Munich",
    ]
    boston = sites[0]
    assert (boston.facility, boston.state, boston.postal_code, boston.country) == (
        "Harbourside Cancer Institute",
        "Massachusetts",
        "02115",
        "United States",
    )
    assert (boston.status, boston.latitude, boston.longitude) == ("RECRUITING", 42.35843, -71.05977)
    assert TrialSite.objects.count() == sum(
        len(s["protocolSection"].get("contactsLocationsModule", {}).get("locations", []))
        for s in example_studies()
    )


def test_the_sync_writes_each_trials_grid_cells_with_its_sites():
    from trials.sites import grid_cells

    load(quiet)
    trials = Trial.objects.prefetch_related("sites")
    assert any(t.site_cells for t in trials)
    for trial in trials:
        points = [(site.latitude, site.longitude) for site in trial.sites.all()]
        assert trial.site_cells == grid_cells(points), trial.nct_id
    # sites replaced: cells replaced with them
    study = project(example_studies()[1])
    locations = study["protocolSection"]["contactsLocationsModule"]["locations"]
    del locations[1:]
    locations[0]["geoPoint"] = {"lat": -33.87, "lon": 151.21}
    store_page([study], timezone.now())
    assert Trial.objects.get(
        nct_id=study["protocolSection"]["identificationModule"]["nctId"]
    ).site_cells == ["-34:151"]


def test_a_changed_record_replaces_its_sites_and_an_unchanged_one_keeps_them():
    load(quiet)
    trial = Trial.objects.get(nct_id="NCT99000002")
    kept = set(Trial.objects.get(nct_id="NCT99000001").sites.values_list("pk", flat=True))
    study = project(example_studies()[1])
    locations = study["protocolSection"]["contactsLocationsModule"]["locations"]
    del locations[1:]
    locations[0]["geoPoint"] = {"lat": 95, "lon": 2.3}  # out of range: not placed
    store_page([project(example_studies()[0]), study], trial.last_seen)
    assert [(s.city, s.latitude) for s in trial.sites.all()] == [("Paris", None)]
    assert set(Trial.objects.get(nct_id="NCT99000001").sites.values_list("pk", flat=True)) == kept


@pytest.mark.reference_records
def test_every_reference_record_maps_its_sites_and_eligibility():
    for study in reference_studies():
        mapped = map_study(study)
        locations = study["protocolSection"].get("contactsLocationsModule", {}).get("locations")
        assert len(mapped.sites) == len(locations or []), mapped.nct_id
        module = study["protocolSection"].get("eligibilityModule", {})
        assert mapped.columns["eligibility_criteria"] == module.get("eligibilityCriteria", "")
        if module.get("minimumAge"):
            assert mapped.columns["minimum_age_years"] is not None, mapped.nct_id
        # (fields the sync does not request, such as studyPopulation, are only reported)
        odd = [w for w in mapped.warnings if "Age" in w or "sex" in w or "geoPoint" in w]
        assert not odd, odd


@pytest.mark.reference_records
def test_reference_records_synced_through_the_registry_projection(registry, registry_client):
    run = run_sync(ids=["NCT03475563", "NCT05594173", "NCT02513394"], client=registry_client)
    assert run.status == "succeeded", run.error
    barcelona = Trial.objects.get(nct_id="NCT03475563")
    assert barcelona.central_contacts[0] == {
        "name": "Imanol Otaegui, MD",
        "role": "CONTACT",
        "phone": "+342746155",
        "email": "iotaegui@vhebron.net",
    }
    site = barcelona.sites.get(city="Sabadell")
    assert (site.facility, site.state, site.postal_code, site.status) == (
        "Hospital Universitari Parc Taulí",
        "Barcelona",
        "08208",
        "RECRUITING",
    )
    assert (site.latitude, site.longitude) == (41.54329, 2.10942)
    healthy = Trial.objects.get(nct_id="NCT05594173")
    assert (healthy.healthy_volunteers, healthy.ages_text) == (True, "18 years to 60 years")
    assert healthy.inclusion_criteria == [{"text": "Healthy adults under age 60", "level": 0}]
    assert Trial.objects.get(nct_id="NCT02513394").sites.count() == 437


@pytest.mark.reference_records
def test_an_age_in_months_is_filtered_in_years():
    study = next(
        s
        for s in reference_studies()
        if s["protocolSection"]["identificationModule"]["nctId"] == "NCT07119606"
    )
    mapped = map_study(study)
    assert (mapped.columns["minimum_age_value"], mapped.columns["minimum_age_unit"]) == (3, "MONTH")
    assert mapped.columns["minimum_age_years"] == 0.25


def test_the_migration_backfills_stored_trials_from_raw():
    study = project(example_studies()[0])
    TrialFactory(nct_id="NCT99000001", raw=study)
    TrialFactory(nct_id="NCT99000099", raw={"broken": True})  # keeps empty columns
    migration = importlib.import_module("trials.migrations.0011_backfill_eligibility_and_sites")
    migration.backfill(global_apps, SimpleNamespace(connection=connection))
    trial = Trial.objects.get(nct_id="NCT99000001")
    assert (trial.minimum_age_years, trial.sex) == (18.0, "ALL")
    assert "cmx-19 car-t cells" in trial.interventions_text
    assert "european lymphoma example network" in trial.sponsors_text
    assert trial.sites.count() == 8 and trial.central_contacts
    assert Trial.objects.get(nct_id="NCT99000099").sites.count() == 0


def test_the_trial_page_shows_who_can_join_sites_by_country_and_contacts(client):
    load(quiet)
    html = client.get("/trials/NCT99000001/").content.decode()
    assert '<h2 id="eligibility-heading">Who can join</h2>' in html
    assert "<dt>Ages</dt><dd>18 years and older</dd>" in html
    assert "<dt>Healthy volunteers</dt><dd>Not accepted</dd>" in html
    assert "Large B-cell lymphoma that came back" in html
    assert 'href="mailto:trials-001@example.org"' in html
    # countries with open sites first (most open first), recruiting sites first in each
    countries = [c for c in ("United States", "United Kingdom", "Germany") if f"<h3>{c} " in html]
    assert countries == ["United States", "United Kingdom", "Germany"]
    assert (
        html.index("<h3>United States")
        < html.index("<h3>United Kingdom")
        < html.index("<h3>Germany")
    )
    us = html[html.index("<h3>United States") : html.index("<h3>United Kingdom")]
    assert us.index("Houston") < us.index("Seattle") < us.index("Chicago")
    assert "(4 sites, 3 open)" in us


def test_registry_markdown_escapes_are_not_shown(client):
    TrialFactory(
        nct_id="NCT00000777",
        eligibility_criteria="Inclusion Criteria:\n\n* glucose \\<126 mg/dl",
        inclusion_criteria=[{"text": "glucose \\<126 mg/dl", "level": 0}],
    )
    html = client.get("/trials/NCT00000777/").content.decode()
    assert "glucose &lt;126 mg/dl" in html and "\\&lt;" not in html


def test_the_api_gives_eligibility_and_sites(client):
    load(quiet)
    data = client.get("/api/v2/trials/NCT99000015/").json()
    assert (data["minimum_age"], data["minimum_age_years"], data["maximum_age_years"]) == (
        "12 Years",
        12.0,
        None,
    )
    assert data["sex"] == "ALL" and data["healthy_volunteers"] is False
    assert (
        data["inclusion_criteria"][1]["text"] == "Age 12 years or older and weighing at least 40 kg"
    )
    assert data["central_contacts"][0]["email"] == "trials-015@example.org"
    first = data["sites"][0]
    # two open sites each in the UK and the US: by name then
    assert [(g["country"], g["open_sites"]) for g in data["sites"][:2]] == [
        ("United Kingdom", 2),
        ("United States", 2),
    ]
    assert first["sites"][0]["latitude"] == 51.50853
    assert sum(len(g["sites"]) for g in data["sites"]) == 11


def test_the_sites_of_an_api_page_are_one_query(client, django_assert_max_num_queries):
    for n in range(10):
        TrialSiteFactory.create_batch(3, trial=TrialFactory(nct_id=f"NCT0000080{n}"))
    with django_assert_max_num_queries(5):
        data = client.get("/api/v2/trials/?fields=sites&limit=10").json()
    assert [len(item["sites"][0]["sites"]) for item in data["items"]] == [3] * 10
