"""The registry sync against the fake registry: what is stored, what each run records."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from trials import citations
from trials.models import SyncLease, Trial, TrialQuery, TrialSyncRun
from trials.signals import trial_status_changed
from trials.sync import SyncAlreadyRunning, run_sync
from trials.sync import lease as sync_lease

from .factories import TrialQueryFactory
from .fake_registry import (
    CLIENT_READ_TIMEOUT,
    Fault,
    StudyStore,
    nct_id_of,
    real_study,
    served_studies,
    study_record,
)

pytestmark = pytest.mark.django_db

PAGE = 5  # small pages, so that the served studies span several


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr("trials.registry.client.PAGE_SIZE", PAGE)


@pytest.fixture
def everything():
    """A saved query that matches every reference study."""
    return TrialQueryFactory(name="Everything", condition="", term="a")


@pytest.fixture
def received():
    """Status-change signals received during the test."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    trial_status_changed.connect(receiver)
    yield calls
    trial_status_changed.disconnect(receiver)


@pytest.fixture
def cited():
    """Register a provider of cited NCT IDs; the test fills the set."""
    ids: set[str] = set()

    def provider():
        return ids

    citations.register_cited_ids_provider(provider)
    yield ids
    citations.unregister_cited_ids_provider(provider)


def total(registry) -> int:
    return len(registry.store)


def stored_state() -> dict:
    return {
        t.nct_id: (t.content_hash, t.overall_status, t.last_changed)
        for t in Trial.objects.order_by("nct_id")
    }


def trial_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and '"trials_trial"' in q["sql"].split("WHERE")[0]
    ]


def set_status(nct_id: str, status: str):
    return lambda s: s["protocolSection"]["statusModule"].update(overallStatus=status)


# -- a normal run --------------------------------------------------------------------------


def test_full_sync_stores_every_study_and_records_the_run(
    registry, registry_client, everything, small_pages
):
    run = run_sync(full=True, client=registry_client)
    n = total(registry)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert run.kind == TrialSyncRun.Kind.FULL
    assert (run.fetched, run.created, run.updated, run.unchanged, run.failed) == (n, n, 0, 0, 0)
    assert run.pages == -(-n // PAGE)
    assert run.finished >= run.started
    assert run.error == ""
    assert Trial.objects.count() == n
    assert Trial.objects.get(nct_id="NCT99000015").locations_count == 11
    unknown = Trial.objects.get(nct_id="NCT99000009")
    assert unknown.overall_status == "UNKNOWN"
    assert unknown.raw["protocolSection"]["statusModule"]["lastKnownStatus"] == "RECRUITING"
    everything.refresh_from_db()
    assert everything.last_synced == run.started
    assert run.parameters["scope"] == "all"
    assert run.parameters["queries"] == ["Everything"]
    assert not SyncLease.objects.filter(holder__gt="").exists()


def test_second_sync_of_unchanged_data_writes_nothing(
    registry, registry_client, everything, small_pages
):
    run_sync(full=True, client=registry_client)
    before = stored_state()
    with CaptureQueriesContext(connection) as queries:
        run = run_sync(full=True, client=registry_client)
    n = total(registry)
    assert (run.created, run.updated, run.unchanged, run.failed) == (0, 0, n, 0)
    assert trial_writes(queries.captured_queries) == []
    assert stored_state() == before
    # per page two reads: is the lease still ours, which hashes are stored. The run's
    # progress is saved at the end of the query, not after every page that wrote nothing.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    hash_reads = [
        s
        for s in statements
        if s.startswith("SELECT") and "content_hash" in s and "trials_trial" in s
    ]
    assert len(hash_reads) == run.pages
    # (+1: the query's stored matches, compared with what it returned)
    # +2: the finished run is a serving event (every page shows the last sync): its pages
    # +1: the finder's facet counts are there (a run that wrote nothing rebuilds none)
    assert len(statements) == 2 * run.pages + 15
    run_writes = [s for s in statements if s.startswith('UPDATE "trials_trialsyncrun"')]
    assert len(run_writes) == 3  # interrupted runs closed, query done, run finished


def test_changed_study_is_updated_and_its_change_recorded(
    registry, registry_client, everything, small_pages, received
):
    run_sync(full=True, client=registry_client)
    old = Trial.objects.get(nct_id="NCT99000015")
    registry.store.edit("NCT99000015", set_status("NCT99000015", "TERMINATED"))
    run = run_sync(full=True, client=registry_client)
    assert (run.created, run.updated, run.unchanged) == (0, 1, total(registry) - 1)
    new = Trial.objects.get(nct_id="NCT99000015")
    assert new.overall_status == "TERMINATED"
    assert new.last_changed > old.last_changed
    assert new.first_seen == old.first_seen
    assert new.content_hash != old.content_hash
    assert len(received) == 1
    (signal,) = received
    assert signal["trial"] == new
    assert (signal["old_status"], signal["new_status"]) == (old.overall_status, "TERMINATED")
    assert signal["old_phases"] == signal["new_phases"] == old.phases
    assert signal["run"] == run


def test_phase_change_sends_the_signal_and_a_title_change_does_not(
    registry, registry_client, everything, received
):
    run_sync(full=True, client=registry_client)
    registry.store.edit(
        "NCT99000003",
        lambda s: s["protocolSection"]["designModule"].update(phases=["PHASE2", "PHASE3"]),
    )
    registry.store.edit(
        "NCT99000017",
        lambda s: s["protocolSection"]["identificationModule"].update(briefTitle="Renamed"),
    )
    run = run_sync(full=True, client=registry_client)
    assert run.updated == 2
    assert [(s["trial"].nct_id, s["new_phases"]) for s in received] == [
        ("NCT99000003", ["PHASE2", "PHASE3"])
    ]
    assert Trial.objects.get(nct_id="NCT99000017").brief_title == "Renamed"


def test_a_failing_receiver_does_not_fail_the_sync(registry, registry_client, everything):
    def broken(sender, **kwargs):
        raise ValueError("receiver bug")

    run_sync(full=True, client=registry_client)
    registry.store.edit("NCT99000015", set_status("NCT99000015", "SUSPENDED"))
    trial_status_changed.connect(broken)
    try:
        run = run_sync(full=True, client=registry_client)
    finally:
        trial_status_changed.disconnect(broken)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert any("receiver bug" in w for w in run.warnings)
    assert Trial.objects.get(nct_id="NCT99000015").overall_status == "SUSPENDED"


def test_unchanged_studies_refresh_last_seen_once_it_is_old(registry, registry_client, everything):
    run_sync(full=True, client=registry_client)
    old = timezone.now() - timedelta(days=2)
    Trial.objects.update(last_seen=old, last_changed=old)
    run = run_sync(full=True, client=registry_client)
    assert run.unchanged == total(registry)
    assert not Trial.objects.filter(last_seen=old).exists()
    assert Trial.objects.filter(last_changed=old).count() == total(registry)


def test_a_run_never_deletes_trials(registry, registry_client, everything):
    run_sync(full=True, client=registry_client)
    registry.store.remove("NCT99000009")
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert Trial.objects.filter(nct_id="NCT99000009").exists()
    assert Trial.objects.count() == total(registry) + 1


# -- incremental runs and cited trials ---------------------------------------------------


def test_incremental_run_asks_for_studies_updated_since_the_last_success(
    registry, registry_client, everything
):
    first = run_sync(client=registry_client)  # never synced: the whole query
    assert first.kind == TrialSyncRun.Kind.INCREMENTAL
    assert "filter.advanced" not in registry.studies_requests()[0].params
    registry.requests.clear()
    second = run_sync(client=registry_client)
    since = (timezone.localdate(first.started) - timedelta(days=1)).isoformat()
    params = registry.studies_requests()[0].params
    assert params["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    assert second.fetched == 0  # the reference studies are older
    assert second.status == TrialSyncRun.Status.SUCCEEDED


def test_since_option_overrides_the_watermark(registry, registry_client, everything):
    run = run_sync(since=timezone.datetime(2024, 1, 1).date(), client=registry_client)
    params = registry.studies_requests()[0].params
    assert params["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2024-01-01,MAX]"
    posted = Trial.objects.values_list("last_update_posted", flat=True)
    assert run.created == len(posted) > 0
    assert all(d.isoformat() >= "2024-01-01" for d in posted)


def test_inactive_queries_are_not_synced(registry, registry_client):
    TrialQueryFactory(name="Off", term="a", condition="", active=False)
    run = run_sync(client=registry_client)
    assert run.fetched == 0
    assert registry.studies_requests() == []


def test_query_parameters_reach_the_registry(registry, registry_client):
    TrialQuery.objects.create(
        name="Melanoma recruiting",
        condition="melanoma",
        intervention="pembrolizumab",
        sponsor="merck",
        status_filter=["RECRUITING", "NOT_YET_RECRUITING"],
    )
    run_sync(client=registry_client)
    params = registry.studies_requests()[0].params
    assert params["query.cond"] == "melanoma"
    assert params["query.intr"] == "pembrolizumab"
    assert params["query.spons"] == "merck"
    assert params["filter.overallStatus"] == "NOT_YET_RECRUITING|RECRUITING"


def test_cited_trials_are_fetched_by_id_in_batches(registry, registry_client, cited, monkeypatch):
    monkeypatch.setattr("trials.registry.client.IDS_BATCH_SIZE", 2)
    cited.update({"NCT99000009", "NCT99000002", "NCT99000004"})
    run = run_sync(client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert set(Trial.objects.values_list("nct_id", flat=True)) == cited
    batches = [r.params["filter.ids"] for r in registry.studies_requests()]
    assert batches == ["NCT99000002,NCT99000004", "NCT99000009"]
    assert run.parameters["cited_ids"] == 3


def test_cited_trial_missing_from_the_registry_is_marked_not_removed(
    registry, registry_client, cited
):
    cited.update({"NCT99000009", "NCT99000008"})
    run_sync(client=registry_client)
    registry.store.remove("NCT99000008")
    cited.add("NCT09999999")  # never existed
    run = run_sync(full=True, client=registry_client)
    assert run.missing == 2
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    gone = Trial.objects.get(nct_id="NCT99000008")
    assert gone.missing_from_registry
    assert not Trial.objects.get(nct_id="NCT99000009").missing_from_registry
    assert any("NCT09999999" in w for w in run.warnings)
    # it comes back: the mark is cleared
    registry.store.put(study_record("NCT99000008"))
    run_sync(full=True, client=registry_client)
    gone.refresh_from_db()
    assert not gone.missing_from_registry


def test_explicit_ids_only_fetch_those(registry, registry_client, everything):
    run = run_sync(ids=["NCT99000015"], client=registry_client)
    assert run.kind == TrialSyncRun.Kind.FULL
    assert run.parameters["ids"] == ["NCT99000015"]
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT99000015"]
    assert Trial.objects.get().locations_count == 11


# -- the fault matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda: Fault.http(429, "Too Many Requests", retry_after="3"), id="429+RA"),
        pytest.param(lambda: Fault.http(429, "Too Many Requests"), id="429"),
        pytest.param(lambda: Fault.http(500, "Internal Server Error", times=2), id="500"),
        pytest.param(lambda: Fault.http(502, "Bad Gateway", times=2), id="502"),
        pytest.param(lambda: Fault.http(503, "Service Unavailable", times=3), id="503"),
        pytest.param(Fault.reset_mid_body, id="reset-mid-body"),
        pytest.param(lambda: Fault.stall(2 * CLIENT_READ_TIMEOUT), id="read-timeout"),
        pytest.param(Fault.invalid_json, id="invalid-json"),
        pytest.param(Fault.html, id="html-200"),
    ],
)
def test_transient_faults_are_retried_and_the_run_completes(
    registry, registry_client, everything, small_pages, sleeps, fault
):
    fault = fault()
    fault.match = lambda req: req.params.get("pageToken") is not None  # hit page 2
    failures = fault.times
    registry.add_fault(fault)
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED, run.error
    assert Trial.objects.count() == total(registry)
    assert run.created == total(registry)
    assert len(sleeps.calls) == failures  # one backoff per failed attempt
    if fault.headers.get("Retry-After"):
        assert sleeps.calls == [3.0]


def test_registry_down_fails_the_run_and_keeps_what_was_stored(
    registry, registry_client, everything, small_pages
):
    run_sync(full=True, client=registry_client)
    before = stored_state()
    late = nct_id_of(served_studies()[-1])  # on the last page
    registry.store.edit(late, set_status(late, "WITHDRAWN"))
    registry.add_fault(
        Fault.http(503, "Service Unavailable", times=50, match=lambda r: "pageToken" in r.params)
    )
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.FAILED
    assert "HTTP 503" in run.error and "after 4 attempts" in run.error
    assert run.pages == 1 and run.unchanged == PAGE
    assert run.finished is not None
    assert stored_state() == before  # nothing lost, nothing half-written
    everything.refresh_from_db()
    # the query's watermark does not move on failure
    assert everything.last_synced < run.started
    assert not SyncLease.objects.filter(holder__gt="").exists()


def test_empty_page_is_legal(registry, registry_client, everything, small_pages):
    registry.add_fault(Fault.empty_page())
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert Trial.objects.count() == total(registry)
    assert run.pages == -(-total(registry) // PAGE) + 1


def test_query_with_no_results(registry, registry_client):
    TrialQueryFactory(name="Nothing", condition="no-such-condition-anywhere")
    run = run_sync(client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert (run.pages, run.fetched) == (1, 0)


def test_expired_page_token_restarts_the_query(registry, registry_client, everything, small_pages):
    registry.add_fault(Fault.expired_token())
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert Trial.objects.count() == total(registry)
    assert run.created == total(registry)
    assert run.unchanged == PAGE  # page 1 again, already stored
    assert any("page token" in w for w in run.warnings)
    firsts = [r for r in registry.studies_requests() if "pageToken" not in r.params]
    assert len(firsts) == 2


def test_token_refused_again_and_again_fails_the_query(
    registry, registry_client, everything, small_pages
):
    registry.add_fault(Fault.expired_token(times=10))
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.PARTIAL
    assert "expired" in run.error
    assert Trial.objects.count() == PAGE


def test_bad_query_is_recorded_and_other_sources_still_run(registry, registry_client, cited):
    TrialQueryFactory(name="Broken", condition="lymphoma (")
    cited.add("NCT99000009")
    run = run_sync(client=registry_client)
    assert run.status == TrialSyncRun.Status.PARTIAL
    assert "query 'Broken'" in run.error and "missing ')'" in run.error
    assert Trial.objects.filter(nct_id="NCT99000009").exists()


def test_study_missing_required_fields_is_skipped_and_keeps_its_previous_version(
    registry, registry_client, everything
):
    run_sync(full=True, client=registry_client)
    good = Trial.objects.get(nct_id="NCT99000009")
    registry.store.edit(
        "NCT99000009", lambda s: s["protocolSection"]["identificationModule"].pop("briefTitle")
    )
    registry.store.put(  # a new study without a status
        {"protocolSection": {"identificationModule": {"nctId": "NCT07777777", "briefTitle": "A"}}}
    )
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.PARTIAL
    assert run.failed == 2
    assert run.unchanged == total(registry) - 2
    assert any("NCT99000009: missing required field briefTitle" in w for w in run.warnings)
    assert any("NCT07777777: missing required field overallStatus" in w for w in run.warnings)
    kept = Trial.objects.get(nct_id="NCT99000009")
    assert (kept.brief_title, kept.content_hash) == (good.brief_title, good.content_hash)
    assert not Trial.objects.filter(nct_id="NCT07777777").exists()


def test_unknown_status_value_is_stored_and_reported(registry, registry_client, everything, caplog):
    registry.store.edit("NCT99000003", set_status("NCT99000003", "PAUSED_BY_REGULATOR"))
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert Trial.objects.get(nct_id="NCT99000003").overall_status == "PAUSED_BY_REGULATOR"
    assert any("PAUSED_BY_REGULATOR" in w for w in run.warnings)
    assert "unknown overallStatus 'PAUSED_BY_REGULATOR'" in caplog.text


@pytest.mark.reference_records
def test_the_largest_study_is_synced(registry, registry_client, cited):
    cited.add("NCT02513394")
    run = run_sync(client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    trial = Trial.objects.get(nct_id="NCT02513394")
    assert trial.locations_count == 437
    assert trial.countries
    assert trial.raw["protocolSection"]["identificationModule"]["nctId"] == "NCT02513394"


# -- crashes, resuming, overlapping runs ---------------------------------------------------------


def test_crash_half_way_then_the_next_run_completes_the_job(
    registry, registry_client, everything, small_pages, monkeypatch
):
    from trials.sync import run as run_module

    real_store_page = run_module.store_page
    calls = {"n": 0}

    def crashing_store_page(studies, now, raw=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker crashed")
        return real_store_page(studies, now, raw)

    monkeypatch.setattr(run_module, "store_page", crashing_store_page)
    crashed = run_sync(full=True, client=registry_client)
    assert crashed.status == TrialSyncRun.Status.FAILED
    assert "RuntimeError: worker crashed" in crashed.error
    assert crashed.pages == 2 and crashed.created == 2 * PAGE
    assert Trial.objects.count() == 2 * PAGE  # page 3 rolled back whole
    assert crashed.cursor["page_token"]

    monkeypatch.setattr(run_module, "store_page", real_store_page)
    registry.requests.clear()
    resumed = run_sync(full=True, client=registry_client)
    assert resumed.status == TrialSyncRun.Status.SUCCEEDED
    assert resumed.resumed_from == crashed
    # it picked up at page 3 with the saved token
    assert registry.studies_requests()[0].params.get("pageToken") == crashed.cursor["page_token"]
    assert resumed.created == total(registry) - 2 * PAGE
    assert Trial.objects.count() == total(registry)


def test_crash_in_a_no_change_pass_keeps_its_counts_and_resumes(
    registry, registry_client, everything, small_pages, monkeypatch
):
    """Pages that wrote nothing do not save progress one by one; a crash still records
    what was done and where to resume."""
    from trials.sync import run as run_module

    run_sync(full=True, client=registry_client)
    real_store_page = run_module.store_page
    calls = {"n": 0}

    def crashing_store_page(studies, now, raw=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker crashed")
        return real_store_page(studies, now, raw)

    monkeypatch.setattr(run_module, "store_page", crashing_store_page)
    crashed = run_sync(full=True, client=registry_client)
    crashed.refresh_from_db()
    assert crashed.status == TrialSyncRun.Status.FAILED
    assert (crashed.pages, crashed.unchanged, crashed.created) == (2, 2 * PAGE, 0)
    monkeypatch.setattr(run_module, "store_page", real_store_page)
    registry.requests.clear()
    resumed = run_sync(full=True, client=registry_client)
    assert resumed.resumed_from == crashed
    assert registry.studies_requests()[0].params["pageToken"] == crashed.cursor["page_token"]
    assert resumed.unchanged == total(registry) - 2 * PAGE


def test_a_killed_run_is_closed_and_taken_over_after_its_lease_expires(
    registry, registry_client, everything, small_pages
):
    # a worker died mid-run: its lease is still there and its run still says running
    holder = "dead-host:123:abc"
    assert sync_lease.acquire(holder)
    ghost = TrialSyncRun.objects.create(status=TrialSyncRun.Status.RUNNING)
    with pytest.raises(SyncAlreadyRunning):
        run_sync(full=True, client=registry_client)
    SyncLease.objects.update(expires=timezone.now() - timedelta(seconds=1))
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    ghost.refresh_from_db()
    assert ghost.status == TrialSyncRun.Status.FAILED
    assert "Interrupted" in ghost.error
    assert Trial.objects.count() == total(registry)


def test_a_second_run_is_refused_while_one_holds_the_lease(registry, registry_client, everything):
    assert sync_lease.acquire("other-worker:1:x")
    with pytest.raises(SyncAlreadyRunning, match="other-worker"):
        run_sync(full=True, client=registry_client)
    assert TrialSyncRun.objects.count() == 0
    assert Trial.objects.count() == 0
    assert registry.requests == []


def test_lease_is_released_even_when_the_run_fails(registry, registry_client, everything):
    registry.add_fault(Fault.http(503, times=50))
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.FAILED
    assert sync_lease.acquire("next-worker")


def test_a_lost_lease_stops_the_run(
    registry, registry_client, everything, small_pages, monkeypatch
):
    from trials.sync import run as run_module

    real_store_page = run_module.store_page

    def steal_then_store(studies, now, raw=None):
        SyncLease.objects.update(holder="thief", expires=timezone.now() + timedelta(hours=1))
        return real_store_page(studies, now, raw)

    monkeypatch.setattr(run_module, "store_page", steal_then_store)
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.FAILED
    assert "no longer held" in run.error
    assert Trial.objects.count() == PAGE
    assert SyncLease.objects.get().holder == "thief"  # not released by the loser


def test_unknown_registry_store_is_empty_page(registry, registry_client):
    """A store with no studies answers one empty last page."""
    registry.store = StudyStore([])
    TrialQueryFactory(name="Any", condition="x")
    run = run_sync(client=registry_client)
    assert (run.status, run.pages, run.fetched) == (TrialSyncRun.Status.SUCCEEDED, 1, 0)


# -- freshness: what the update date does not tell (issue #11) ----------------------------


def _silently(status: str, **extra):
    """Change a study's status as the registry sometimes does: no new update date."""

    def change(study):
        module = study["protocolSection"]["statusModule"]
        module["overallStatus"] = status
        module.update(extra)

    return change


def test_cited_trials_are_fetched_whole_on_every_run(registry, registry_client, cited):
    cited.update({"NCT99000009", "NCT99000002"})
    run_sync(client=registry_client)
    registry.requests.clear()
    run_sync(client=registry_client)
    (request,) = registry.studies_requests()
    assert request.params["filter.ids"] == "NCT99000002,NCT99000009"
    assert "filter.advanced" not in request.params


def test_quiet_cited_trial_keeps_a_fresh_last_seen(registry, registry_client, cited):
    cited.add("NCT99000004")
    run_sync(client=registry_client)
    old = timezone.now() - timedelta(days=8)
    Trial.objects.update(last_seen=old)
    run_sync(client=registry_client)  # incremental; the study has no new update date
    assert Trial.objects.get().last_seen > timezone.now() - timedelta(minutes=5)


def test_status_change_without_update_date_is_picked_up_for_a_cited_trial(
    registry, registry_client, cited, received
):
    cited.add("NCT99000002")
    run_sync(client=registry_client)
    before = Trial.objects.get(nct_id="NCT99000002")
    posted = before.last_update_posted
    registry.store.edit("NCT99000002", _silently("UNKNOWN", lastKnownStatus=before.overall_status))
    run = run_sync(client=registry_client)  # a plain incremental run
    trial = Trial.objects.get(nct_id="NCT99000002")
    assert (trial.overall_status, trial.last_update_posted) == ("UNKNOWN", posted)
    assert run.updated == 1
    (signal,) = received
    assert (signal["old_status"], signal["new_status"]) == (before.overall_status, "UNKNOWN")


def test_a_study_leaving_a_status_filtered_query_is_corrected(registry, registry_client):
    recruiting = TrialQueryFactory(name="Recruiting", condition="", term="a")
    recruiting.status_filter = ["RECRUITING"]
    recruiting.save()
    run_sync(client=registry_client)
    listed = set(Trial.objects.values_list("nct_id", flat=True))
    assert listed and set(Trial.objects.values_list("overall_status", flat=True)) == {"RECRUITING"}
    leaving = sorted(listed)[0]
    registry.store.edit(leaving, _silently("ACTIVE_NOT_RECRUITING"))
    run = run_sync(client=registry_client)  # incremental: the study is not in its window
    assert Trial.objects.get(nct_id=leaving).overall_status == "ACTIVE_NOT_RECRUITING"
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert leaving not in set(recruiting.matches.values_list("nct_id", flat=True))
    assert any("matched before and matches no more" in w for w in run.warnings)
    # and once corrected, the next run re-fetches nothing by ID
    registry.requests.clear()
    run_sync(client=registry_client)
    assert not [r for r in registry.studies_requests() if "filter.ids" in r.params]


def test_a_study_entering_a_status_filtered_query_silently_is_fetched(registry, registry_client):
    unknown = TrialQueryFactory(name="Unknown", condition="", term="a")
    unknown.status_filter = ["UNKNOWN"]
    unknown.save()
    run_sync(client=registry_client)
    before = set(Trial.objects.values_list("nct_id", flat=True))
    entering = next(nct_id_of(s) for s in served_studies() if nct_id_of(s) not in before)
    registry.store.edit(entering, _silently("UNKNOWN"))
    run_sync(client=registry_client)
    assert Trial.objects.get(nct_id=entering).overall_status == "UNKNOWN"


def test_a_repeated_page_token_fails_the_query_cleanly(
    registry, registry_client, everything, cited, small_pages
):
    cited.add("NCT99000004")
    registry.add_fault(Fault.repeat_token(times=50))
    run = run_sync(full=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.PARTIAL
    assert "repeated the page token" in run.error
    assert "query 'Everything'" in run.error
    # it stopped at once, and the other sources still ran
    assert len([r for r in registry.studies_requests() if "pageToken" in r.params]) <= 3
    assert Trial.objects.filter(nct_id="NCT99000004").exists()
    assert sync_lease.current().holder == ""


def test_weekly_full_refresh_refetches_every_stored_trial(registry, registry_client):
    run_sync(ids=["NCT99000004", "NCT99000002"], client=registry_client)
    registry.store.edit("NCT99000002", _silently("UNKNOWN"))
    registry.requests.clear()
    run = run_sync(stored=True, client=registry_client)
    assert run.parameters["scope"] == "stored"
    assert run.kind == TrialSyncRun.Kind.FULL
    (request,) = registry.studies_requests()
    assert request.params["filter.ids"] == "NCT99000002,NCT99000004"
    assert Trial.objects.get(nct_id="NCT99000002").overall_status == "UNKNOWN"


# -- the whole registry (TRIALS_MIRROR_REGISTRY) -------------------------------------------


@pytest.fixture
def mirror(settings):
    settings.TRIALS_MIRROR_REGISTRY = True


def test_without_the_setting_there_is_no_whole_registry_source(registry, registry_client):
    run = run_sync(client=registry_client)
    assert "mirror" not in run.parameters
    assert registry.studies_requests() == [] and Trial.objects.count() == 0


def test_mirror_first_run_pages_through_every_study_then_takes_the_update_window(
    registry, registry_client, mirror, small_pages
):
    first = run_sync(client=registry_client)
    assert first.status == TrialSyncRun.Status.SUCCEEDED
    assert Trial.objects.count() == total(registry)
    requests = registry.studies_requests()
    assert len(requests) == -(-total(registry) // PAGE)
    assert not any(k.startswith(("query.", "filter.")) for r in requests for k in r.params)
    registry.requests.clear()
    second = run_sync(client=registry_client)
    since = (timezone.localdate(first.started) - timedelta(days=1)).isoformat()
    (request,) = registry.studies_requests()
    assert request.params["filter.advanced"] == f"AREA[LastUpdatePostDate]RANGE[{since},MAX]"
    assert second.fetched == 0


def test_mirror_watermark_stays_when_the_pass_fails(registry, registry_client, mirror):
    registry.add_fault(Fault.http(503, times=10))
    assert run_sync(client=registry_client).status == TrialSyncRun.Status.FAILED
    registry.requests.clear()
    run_sync(client=registry_client)
    assert "filter.advanced" not in registry.studies_requests()[0].params


def test_mirror_weekly_refresh_passes_over_everything_and_rechecks_what_it_missed(
    registry, registry_client, mirror
):
    run_sync(client=registry_client)
    registry.store.edit("NCT99000002", _silently("UNKNOWN"))
    registry.store.remove("NCT99000008")
    Trial.objects.update(last_seen=timezone.now() - timedelta(days=7))
    registry.requests.clear()
    run = run_sync(stored=True, client=registry_client)
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    requests = registry.studies_requests()
    assert "filter.advanced" not in requests[0].params
    assert requests[-1].params["filter.ids"] == "NCT99000008"  # not returned: re-checked
    assert Trial.objects.get(nct_id="NCT99000002").overall_status == "UNKNOWN"
    assert Trial.objects.get(nct_id="NCT99000008").missing_from_registry
    assert run.missing == 1


@pytest.mark.reference_records
def test_mirror_storage_per_study_stays_bounded(registry, registry_client, mirror):
    import json

    run_sync(client=registry_client)
    trial = Trial.objects.get(nct_id="NCT02513394")
    full = len(json.dumps(real_study("NCT02513394")))
    stored = len(json.dumps(trial.raw))
    assert full > 800_000
    # the projection (sites with their places and geoPoints since #13), not the record
    assert stored < full / 8
    assert trial.locations_count == 437
