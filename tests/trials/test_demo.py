"""Demo trials load from our own example records, through the sync's own code; the
example records are what trials/demo/records.py builds, and they look like the registry's."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import reference_records
from trials.demo import records
from trials.demo.loader import example_studies
from trials.models import OverallStatus, Trial, TrialQuery, TrialSyncRun
from trials.registry.mapping import canonical_json, content_hash
from trials.sync.writer import store_page

pytestmark = pytest.mark.django_db


def test_demo_loads_every_example_record_once(capsys):
    call_command("load_demo_content")
    out = capsys.readouterr().out
    studies = example_studies()
    assert Trial.objects.count() == len(studies) == 18
    assert f"Trials: {len(studies)} created" in out
    run = TrialSyncRun.objects.get()
    assert (run.trigger, run.status, run.created) == ("demo", "succeeded", len(studies))
    assert TrialQuery.objects.filter(name="CAR-T cell therapy", active=True).exists()

    call_command("load_demo_content")
    out = capsys.readouterr().out
    assert f"0 created, 0 updated, {len(studies)} unchanged" in out
    assert Trial.objects.count() == len(studies)
    assert TrialSyncRun.objects.count() == 1
    assert TrialQuery.objects.count() == 2


def test_no_demo_trial_can_pass_for_a_real_study():
    for study in example_studies():
        ident = study["protocolSection"]["identificationModule"]
        # A range the registry has not issued, and a marker a reader sees.
        assert ident["nctId"].startswith("NCT990"), ident["nctId"]
        assert ident["briefTitle"].startswith("Example record: ")
        assert "(example record)" in ident["officialTitle"]
        for alias in ident.get("nctIdAliases", []):
            assert alias.startswith("NCT990")


def test_committed_records_are_what_the_generator_builds():
    assert records.JSON_PATH.read_text() == records.dumps(records.build())


def _module(study, name):
    return study["protocolSection"].get(name, {})


def test_example_records_cover_what_the_product_shows():
    studies = example_studies()
    statuses = {_module(s, "statusModule")["overallStatus"] for s in studies}
    assert statuses == set(OverallStatus.values)
    unknown = [s for s in studies if _module(s, "statusModule")["overallStatus"] == "UNKNOWN"]
    assert all(_module(s, "statusModule").get("lastKnownStatus") for s in unknown)
    assert any(len(_module(s, "designModule").get("phases", [])) > 1 for s in studies)
    date_types = {
        _module(s, "statusModule")[key]["type"]
        for s in studies
        for key in ("startDateStruct", "completionDateStruct")
        if key in _module(s, "statusModule")
    }
    assert date_types == {"ACTUAL", "ESTIMATED"}
    enrollment_types = {
        _module(s, "designModule")["enrollmentInfo"]["type"]
        for s in studies
        if "enrollmentInfo" in _module(s, "designModule")
    }
    assert enrollment_types == {"ACTUAL", "ESTIMATED"}
    assert any(s["hasResults"] for s in studies)
    stopped = {"TERMINATED", "SUSPENDED", "WITHDRAWN"}
    for s in studies:
        if _module(s, "statusModule")["overallStatus"] in stopped:
            assert _module(s, "statusModule")["whyStopped"]
    assert any(_module(s, "sponsorCollaboratorsModule").get("collaborators") for s in studies)
    types = {
        i["type"] for s in studies for i in _module(s, "armsInterventionsModule")["interventions"]
    }
    assert {"BIOLOGICAL", "DRUG", "DEVICE", "BEHAVIORAL", "GENETIC", "OTHER"} <= types
    assert any(_module(s, "identificationModule").get("nctIdAliases") for s in studies)
    assert any(_module(s, "identificationModule").get("secondaryIdInfos") for s in studies)
    criteria = [_module(s, "eligibilityModule").get("eligibilityCriteria", "") for s in studies]
    assert any("Inclusion Criteria:" in c and "Exclusion Criteria:" in c for c in criteria)
    sites = [
        site for s in studies for site in _module(s, "contactsLocationsModule").get("locations", [])
    ]
    assert len({site["country"] for site in sites}) >= 5
    assert len({site["status"] for site in sites}) >= 5
    assert all({"lat", "lon"} <= set(site["geoPoint"]) for site in sites)


COMPARED = [
    f.name
    for f in Trial._meta.fields
    if f.name not in {"id", "content_hash", "first_seen", "last_seen", "last_changed"}
]


def test_demo_stores_what_a_sync_of_the_same_study_would(registry, registry_client):
    """Same columns and raw record; only the hash differs (the sync hashes the text the
    registry sent, the demo a canonical serialisation), so a first real sync rewrites
    each demo trial once with identical content."""
    call_command("load_demo_content")
    demo = Trial.objects.values(*COMPARED).get(nct_id="NCT99000001")
    demo_hash = Trial.objects.get(nct_id="NCT99000001").content_hash
    page = registry_client.studies_page({"filter.ids": "NCT99000001"})
    assert demo_hash == content_hash(canonical_json(page.studies[0]))
    result = store_page(page.studies, timezone.now(), page.raw)
    assert (result.updated, result.status_changes) == (1, [])
    assert Trial.objects.values(*COMPARED).get(nct_id="NCT99000001") == demo
    assert store_page(page.studies, timezone.now(), page.raw).unchanged == 1


@pytest.mark.reference_records
def test_reference_studies_prefer_full_records():
    by_id = {
        s["protocolSection"]["identificationModule"]["nctId"]: s
        for s in reference_records.reference_studies()
    }
    # NCT00184067 is both a list-page entry and a full record: the full one wins
    assert "contactsLocationsModule" in by_id["NCT00184067"]["protocolSection"]
    assert (
        len(by_id["NCT02513394"]["protocolSection"]["contactsLocationsModule"]["locations"]) == 437
    )
    assert by_id["NCT03475563"]["protocolSection"]["statusModule"]["overallStatus"] == "UNKNOWN"


def test_reference_records_are_read_where_they_lie(monkeypatch, tmp_path):
    """Never from the repository: without the folder, reading them says what to do."""
    monkeypatch.setenv("CTGOV_REFERENCE_DIR", str(tmp_path / "absent"))
    assert not reference_records.available()
    with pytest.raises(RuntimeError, match=r"reference_records"):
        reference_records.reference_studies()
