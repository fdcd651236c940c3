"""Demo trials load from the shipped registry responses, through the sync's own code."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from trials.demo import reference_studies
from trials.models import Trial, TrialQuery, TrialSyncRun
from trials.registry.fields import project
from trials.registry.mapping import canonical_json, content_hash
from trials.sync.writer import store_page

pytestmark = pytest.mark.django_db


def test_demo_loads_every_reference_study_once(capsys):
    call_command("load_demo_content")
    out = capsys.readouterr().out
    studies = reference_studies()
    assert Trial.objects.count() == len(studies) >= 30
    for nct_id in ("NCT03475563", "NCT02552212", "NCT02513394", "NCT00184067", "NCT00973089"):
        assert Trial.objects.filter(nct_id=nct_id).exists()
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
    demo = Trial.objects.values(*COMPARED).get(nct_id="NCT02552212")
    demo_hash = Trial.objects.get(nct_id="NCT02552212").content_hash
    page = registry_client.studies_page({"filter.ids": "NCT02552212"})
    assert demo_hash == content_hash(canonical_json(page.studies[0]))
    result = store_page(page.studies, timezone.now(), page.raw)
    assert (result.updated, result.status_changes) == (1, [])
    assert Trial.objects.values(*COMPARED).get(nct_id="NCT02552212") == demo
    assert store_page(page.studies, timezone.now(), page.raw).unchanged == 1


def test_reference_studies_prefer_full_records():
    by_id = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in reference_studies()}
    # NCT00184067 is both a list-page entry and a full record: the full one wins
    assert "contactsLocationsModule" in by_id["NCT00184067"]["protocolSection"]
    assert (
        len(by_id["NCT02513394"]["protocolSection"]["contactsLocationsModule"]["locations"]) == 437
    )
    assert (
        project(by_id["NCT03475563"])["protocolSection"]["statusModule"]["overallStatus"]
        == "UNKNOWN"
    )
