"""Every fact shown as the registry qualifies it: trial page, listing, API, JSON-LD (#11).

The studies are reference records (real registry responses) synced through the fake
registry, so they arrive projected by ``fields=`` exactly as in production.
"""

import json
import re

import pytest

from tests.reference_records import reference_dir
from trials import labels
from trials.models import Trial, TrialAlias
from trials.sync import run_sync

from .fake_registry import real_study

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

API = "/api/v2/trials/"
RECORDS = ["NCT03475563", "NCT00184067", "NCT00973089", "NCT00763412", "NCT02552212"]


def sites_with_statuses(study):
    """NCT02513394 lists 437 sites without statuses; give them some, as newer records do."""
    locations = study["protocolSection"]["contactsLocationsModule"]["locations"]
    for i, location in enumerate(locations):
        if i < 393:
            location["status"] = "SUSPENDED"
        elif i < 430:
            location["status"] = "RECRUITING"
    interventions = study["protocolSection"]["armsInterventionsModule"]["interventions"]
    interventions += [
        {"type": "DRUG", "name": "Placebo", "armGroupLabels": ["Arm A"]},
        {"type": "OTHER", "name": "Placebo", "armGroupLabels": ["Arm B"]},
    ]


@pytest.fixture
def synced(registry, registry_client):
    registry.store.edit("NCT02513394", sites_with_statuses)
    run = run_sync(ids=[*RECORDS, "NCT02513394"], client=registry_client)
    assert run.status == "succeeded", run.error
    return {t.nct_id: t for t in Trial.objects.all()}


def page(client, nct_id) -> str:
    response = client.get(f"/trials/{nct_id}/")
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def api(client, nct_id) -> dict:
    response = client.get(f"{API}{nct_id}/")
    assert response.status_code == 200
    return response.json()


def properties(data: dict) -> dict:
    return {p["name"]: p.get("value") for p in data.get("additionalProperty", [])}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.reference_records
def test_unknown_status_shows_its_last_known_status_and_verification(client, synced):
    html = page(client, "NCT03475563")
    words = text(html)
    assert "Unknown (last known: Recruiting)" in words
    assert "last verified November 2019" in words
    data = json_ld(html)
    assert data["status"] == "Unknown (last known: Recruiting)"
    assert "last verified November 2019" in properties(data)["Status note"]
    body = api(client, "NCT03475563")
    assert (body["overall_status"], body["last_known_status"]) == ("UNKNOWN", "RECRUITING")
    assert body["last_known_status_label"] == "Recruiting"
    assert body["status_verified_date"] == "2019-11"
    assert body["status_display"] == "Unknown (last known: Recruiting)"
    listing = text(client.get("/trials/", {"status": "UNKNOWN"}).content.decode())
    assert "Unknown (last known: Recruiting)" in listing
    assert "Last verified November 2019" in listing


@pytest.mark.reference_records
def test_estimates_read_as_expected_and_anticipated(client, synced):
    html = page(client, "NCT03475563")
    words = text(html)
    assert "Primary completion expected 30 December 2019" in words
    assert "Completion expected 30 December 2019" in words
    assert "Start 16 August 2018" in words  # ACTUAL: a fact
    assert "100 participants (anticipated)" in words
    data = json_ld(html)
    assert data["startDate"] == "2018-08-16"
    assert "endDate" not in data  # an expected date is not the study's end
    facts = properties(data)
    assert facts["Expected completion"] == "2019-12-30"
    assert facts["Expected primary completion"] == "2019-12-30"
    assert facts["Anticipated enrollment"] == 100
    body = api(client, "NCT03475563")
    assert (body["enrollment"], body["enrollment_type"]) == (100, "ESTIMATED")
    assert body["enrollment_text"] == "100 participants (anticipated)"
    assert body["completion_date_type"] == "ESTIMATED"
    assert body["start_date_type"] == "ACTUAL"
    listing = text(client.get("/trials/", {"status": "UNKNOWN"}).content.decode())
    assert "100 participants (anticipated)" in listing
    # an actual count is a fact
    assert "23 participants" in text(page(client, "NCT00184067"))
    assert "anticipated" not in text(page(client, "NCT00184067"))


@pytest.mark.reference_records
@pytest.mark.parametrize(
    ("nct_id", "why"),
    [
        ("NCT00184067", "Primary PI left institution"),
        (
            "NCT00973089",
            "recruiting or enrolling participants has halted prematurely and will not resume",
        ),
    ],
)
def test_stopped_studies_say_why(client, synced, nct_id, why):
    html = page(client, nct_id)
    assert f"Why stopped: {why}" in text(html)
    assert properties(json_ld(html))["Status note"] == f"Why stopped: {why}"
    body = api(client, nct_id)
    assert body["why_stopped"] == why
    assert body["status_note"] == f"Why stopped: {why}"


@pytest.mark.reference_records
def test_results_posted_with_a_link_to_them(client, synced):
    html = page(client, "NCT00763412")
    assert "Results posted 5 June 2017" in text(html)
    assert 'href="https://clinicaltrials.gov/study/NCT00763412?tab=results"' in html
    data = json_ld(html)
    (results,) = [p for p in data["additionalProperty"] if p["name"] == "Results posted"]
    assert results == {
        "@type": "PropertyValue",
        "name": "Results posted",
        "url": "https://clinicaltrials.gov/study/NCT00763412?tab=results",
        "value": "2017-06-05",
    }
    body = api(client, "NCT00763412")
    assert (body["has_results"], body["results_first_posted"]) == (True, "2017-06-05")
    assert body["results_url"].endswith("NCT00763412?tab=results")
    listing = client.get(API, {"nct_id": "NCT00763412,NCT00184067"}).json()["items"]
    assert {i["nct_id"]: i["has_results"] for i in listing} == {
        "NCT00763412": True,
        "NCT00184067": False,
    }
    assert "Results posted 5 June 2017" in text(client.get("/trials/").content.decode())
    assert "Results posted" not in text(page(client, "NCT00184067"))


@pytest.mark.reference_records
def test_collaborators_are_shown_and_searchable(client, synced):
    trial = synced["NCT00763412"]
    study = real_study("NCT00763412")
    expected = [
        c["name"] for c in study["protocolSection"]["sponsorCollaboratorsModule"]["collaborators"]
    ]
    assert trial.collaborators == expected and len(expected) == 4
    html = page(client, "NCT00763412")
    assert all(name in html for name in expected)
    assert properties(json_ld(html))["Collaborators"] == "; ".join(expected)
    assert api(client, "NCT00763412")["collaborators"] == expected
    word = expected[-1].split()[0]
    found = client.get(API, {"search": expected[-1]}).json()["items"]
    assert "NCT00763412" in [i["nct_id"] for i in found], word
    listing = client.get("/trials/", {"q": expected[-1]}).content.decode()
    assert "NCT00763412" in listing


@pytest.mark.reference_records
def test_interventions_keep_their_types_and_arms(client, synced):
    trial = synced["NCT02513394"]
    placebos = [i for i in trial.interventions if i["name"] == "Placebo"]
    assert placebos == [
        {"name": "Placebo", "type": "DRUG", "arms": ["Arm A"]},
        {"name": "Placebo", "type": "OTHER", "arms": ["Arm B"]},
    ]
    words = text(page(client, "NCT02513394"))
    assert "Drug: Palbociclib (Arm A)" in words
    assert "Drug: Placebo (Arm A)" in words
    assert "Other: Placebo (Arm B)" in words
    body = api(client, "NCT02513394")
    assert body["interventions"][0] == {
        "name": "Palbociclib",
        "type": "DRUG",
        "type_label": "Drug",
        "arms": ["Arm A"],
    }
    assert len(body["interventions"]) == 4


@pytest.mark.reference_records
def test_secondary_ids_are_stored_and_shown(client, synced):
    assert synced["NCT02552212"].secondary_ids == [
        {"id": "2015-001894-41", "type": "EUDRACT_NUMBER"}
    ]
    html = page(client, "NCT02552212")
    assert "2015-001894-41 (EudraCT number)" in text(html)
    assert json_ld(html)["identifier"] == ["NCT02552212", "2015-001894-41"]
    (item,) = api(client, "NCT02552212")["secondary_ids"]
    assert item == {
        "id": "2015-001894-41",
        "type": "EUDRACT_NUMBER",
        "type_label": "EudraCT number",
    }


@pytest.mark.reference_records
def test_sites_are_counted_by_status(client, synced):
    trial = synced["NCT02513394"]
    assert trial.locations_count == 437
    assert trial.site_statuses == {"": 7, "RECRUITING": 37, "SUSPENDED": 393}
    words = text(page(client, "NCT02513394"))
    assert "437 sites: 393 suspended, 37 recruiting, 7 status not given" in words
    body = api(client, "NCT02513394")
    assert body["site_statuses"] == [
        {"status": "SUSPENDED", "label": "suspended", "count": 393},
        {"status": "RECRUITING", "label": "recruiting", "count": 37},
        {"status": "", "label": "status not given", "count": 7},
    ]
    # a record that gives no site status says only how many sites
    assert "23 participants" in text(page(client, "NCT00184067"))
    assert "1 site," in text(page(client, "NCT00184067"))


def documented_enums() -> dict[str, list[str]]:
    """The enums of the registry's OpenAPI description (../shared/ctgov/openapi.yaml),
    read with a few lines rather than a YAML library: its layout is regular."""
    spec = reference_dir() / "openapi.yaml"
    enums: dict[str, list[str]] = {}
    name = None
    for line in spec.read_text().splitlines():
        schema = re.match(r"^    (\w+):$", line)
        if schema:
            name = schema.group(1)
        value = re.match(r'^      - "?([A-Z0-9_]+)"?$', line)
        if name and value:
            enums.setdefault(name, []).append(value.group(1))
    return enums


@pytest.mark.reference_records
def test_every_documented_enum_value_has_a_label():
    enums = documented_enums()
    assert len(enums["Status"]) == 14
    for enum, ours in labels.ENUMS.items():
        assert set(enums[enum]) == set(ours), enum
        assert all(text.strip() for text in ours.values())
    assert labels.label(labels.STUDY_TYPE, "EXPANDED_ACCESS") == "Expanded access"
    assert labels.label(labels.INTERVENTION_TYPE, "DIETARY_SUPPLEMENT") == "Dietary supplement"
    assert labels.label(labels.STATUS, "PAUSED_BY_REGULATOR") == "Paused by regulator"


def test_an_alias_redirects_to_the_current_id(client, registry, registry_client):
    def aliased(study):
        study["protocolSection"]["identificationModule"]["nctIdAliases"] = ["NCT00100000"]

    registry.store.edit("NCT99000004", aliased)
    run_sync(ids=["NCT99000004"], client=registry_client)
    assert TrialAlias.objects.get(alias="NCT00100000").nct_id == "NCT99000004"
    assert Trial.objects.get().nct_id_aliases == ["NCT00100000"]
    response = client.get("/trials/NCT00100000/")
    assert response.status_code == 301
    assert response["Location"] == "/trials/NCT99000004/"
    assert client.get("/trials/nct00100000/", follow=True).redirect_chain[-1] == (
        "/trials/NCT99000004/",
        301,
    )
    assert client.get("/trials/NCT00100001/").status_code == 404
    assert api(client, "NCT00100000")["nct_id"] == "NCT99000004"
    assert "Formerly NCT00100000" in text(page(client, "NCT99000004"))
    # searching for the old ID finds the study
    found = client.get(API, {"search": "NCT00100000"}).json()["items"]
    assert [i["nct_id"] for i in found] == ["NCT99000004"]


def test_a_stored_undocumented_status_can_be_filtered(client, registry, registry_client):
    def paused(study):
        study["protocolSection"]["statusModule"]["overallStatus"] = "PAUSED_BY_REGULATOR"

    registry.store.edit("NCT99000004", paused)
    run_sync(ids=["NCT99000004", "NCT99000008"], client=registry_client)
    response = client.get("/trials/", {"status": "PAUSED_BY_REGULATOR"})
    assert response.status_code == 200
    assert [t.nct_id for t in response.context["trials"]] == ["NCT99000004"]
    assert "Paused by regulator" in response.content.decode()
    items = client.get(API, {"status": "PAUSED_BY_REGULATOR"}).json()["items"]
    assert [i["nct_id"] for i in items] == ["NCT99000004"]
    # a value neither documented nor stored is still a clear 400
    assert client.get("/trials/", {"status": "NO_SUCH_STATUS"}).status_code == 400
    bad = client.get(API, {"status": "NO_SUCH_STATUS"})
    assert bad.status_code == 400
    assert "NO_SUCH_STATUS" in bad.json()["message"]


def test_the_admin_status_filter_offers_stored_undocumented_statuses(client, django_user_model):
    from tests.trials.factories import TrialFactory

    TrialFactory(nct_id="NCT99100001", overall_status="PAUSED_BY_REGULATOR")
    TrialFactory(nct_id="NCT99100002", overall_status="RECRUITING")
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(admin)
    response = client.get("/admin/snippets/trials/trial/", {"status": "PAUSED_BY_REGULATOR"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "NCT99100001" in html and "NCT99100002" not in html
    assert "Paused by regulator" in html
