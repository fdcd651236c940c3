"""The ClinicalTrials.gov client against the fake registry: paging, projection, politeness,
retries and errors. No database needed."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from trials.registry.client import (
    PAGE_SIZE,
    RegistryClient,
    RegistryRequestError,
    RegistryUnavailable,
    decode_studies_page,
    parse_retry_after,
)
from trials.registry.fields import FIELDS

from .fake_registry import CLIENT_READ_TIMEOUT, Fault, StudyStore, study_record


def test_first_page_asks_for_the_largest_page_the_projection_and_a_count(registry_client, registry):
    registry.store = StudyStore([study_record(n) for n in ("NCT99000004", "NCT99000009")])
    pages = list(registry_client.iter_pages({"query.cond": "glioblastoma OR cytokine"}))
    assert len(pages) == 1
    requests = registry.studies_requests()
    assert requests[0].params["pageSize"] == str(PAGE_SIZE)
    assert requests[0].params["fields"] == "|".join(FIELDS)
    assert requests[0].params["countTotal"] == "true"
    assert pages[0].total_count == 2


def test_follows_next_page_tokens_to_the_last_page(registry_client, registry, monkeypatch):
    monkeypatch.setattr("trials.registry.client.PAGE_SIZE", 5)
    params = {"query.term": "a"}
    pages = list(registry_client.iter_pages(params))
    total = len(registry.store)
    assert total > 15
    full, rest = divmod(total, 5)
    assert [len(p.studies) for p in pages] == [5] * full + ([rest] if rest else [])
    assert sum(len(p.studies) for p in pages) == total
    assert pages[0].total_count == total
    assert all(p.total_count is None for p in pages[1:])
    assert pages[-1].next_page_token is None
    requests = registry.studies_requests()
    assert "pageToken" not in requests[0].params
    for request in requests[1:]:
        assert request.params["pageToken"]
        assert "countTotal" not in request.params
        # every other parameter repeated unchanged
        same = {k: v for k, v in request.params.items() if k != "pageToken"}
        first = {k: v for k, v in requests[0].params.items() if k != "countTotal"}
        assert same == first
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for p in pages for s in p.studies]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("nct_id", "sites"),
    [
        ("NCT99000015", 11),
        pytest.param("NCT02513394", 437, marks=pytest.mark.reference_records),
    ],
)
def test_fields_projection_returns_only_what_is_stored(registry_client, nct_id, sites):
    page = registry_client.studies_page({"filter.ids": nct_id})
    (study,) = page.studies
    assert set(study) <= {"protocolSection", "hasResults"}
    assert "resultsSection" not in study
    locations = study["protocolSection"]["contactsLocationsModule"]["locations"]
    assert len(locations) == sites
    # the sites' place, status and geoPoint (#13); never their contacts
    site_keys = {"facility", "city", "state", "zip", "country", "status", "geoPoint"}
    assert all(set(loc) <= site_keys for loc in locations)
    assert all(loc.get("country") for loc in locations)


def test_user_agent_names_the_product(registry_client, registry):
    registry_client.study("NCT99000009")
    agent = registry.requests[-1].headers["User-Agent"]
    assert agent.startswith("ClinicalMetric-CMS/")
    assert "registry sync" in agent


def test_single_study_unknown_is_none_and_malformed_is_a_clear_error(registry_client):
    assert registry_client.study("NCT99000009")["protocolSection"]["identificationModule"][
        "nctId"
    ] == ("NCT99000009")
    assert registry_client.study("NCT09999999") is None
    with pytest.raises(RegistryRequestError) as excinfo:
        registry_client.study("NCT123")
    assert excinfo.value.status == 400
    assert "incorrect format" in excinfo.value.message


def test_an_alias_redirects_to_the_current_record(registry_client, registry):
    registry.store.edit(
        "NCT99000009",
        lambda s: s["protocolSection"]["identificationModule"].update(nctIdAliases=["NCT01111111"]),
    )
    study = registry_client.study("NCT01111111")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT99000009"


def test_bad_query_is_not_retried_and_carries_the_registry_message(registry_client, registry):
    with pytest.raises(RegistryRequestError) as excinfo:
        registry_client.studies_page({"query.cond": "lymphoma ("})
    assert excinfo.value.status == 400
    assert "missing ')'" in excinfo.value.message
    assert len(registry.studies_requests()) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_retried_with_exponential_backoff(
    registry_client, registry, sleeps, status
):
    registry.add_fault(Fault.http(status, times=2))
    page = registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert len(page.studies) == 1
    assert len(registry.studies_requests()) == 3
    assert len(sleeps.calls) == 2
    base = registry_client.backoff_base
    # equal jitter: between half and all of base * 2**n
    assert base / 2 <= sleeps.calls[0] <= base
    assert base <= sleeps.calls[1] <= 2 * base


def test_429_with_retry_after_waits_what_the_registry_asks(registry_client, registry, sleeps):
    registry.add_fault(Fault.http(429, "Too Many Requests", retry_after="7"))
    registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert sleeps.calls == [7.0]


def test_429_with_an_http_date_retry_after(registry_client, registry, sleeps):
    when = datetime.now(UTC) + timedelta(seconds=30)
    registry.add_fault(Fault.http(429, retry_after=format_datetime(when, usegmt=True)))
    registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert 27 <= sleeps.calls[0] <= 30


def test_429_without_retry_after_backs_off(registry_client, registry, sleeps):
    registry.add_fault(Fault.http(429, "Too Many Requests"))
    registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert len(sleeps.calls) == 1
    assert 0 < sleeps.calls[0] <= registry_client.backoff_base


def test_gives_up_after_max_retries(registry, sleeps):
    registry.add_fault(Fault.http(503, "Service Unavailable", times=10))
    client = RegistryClient(registry.url, sleep=sleeps, max_retries=2)
    with pytest.raises(RegistryUnavailable, match=r"after 3 attempts.*HTTP 503"):
        client.studies_page({"filter.ids": "NCT99000009"})
    assert len(registry.studies_requests()) == 3


def test_connection_reset_mid_body_is_retried(registry_client, registry, sleeps):
    registry.add_fault(Fault.reset_mid_body())
    page = registry_client.studies_page({"filter.ids": "NCT99000015"})
    assert len(page.studies) == 1
    assert len(sleeps.calls) == 1


def test_read_timeout_is_retried(registry_client, registry, sleeps):
    registry.add_fault(Fault.stall(2 * CLIENT_READ_TIMEOUT))  # longer than the client waits
    page = registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert len(page.studies) == 1
    assert len(sleeps.calls) == 1


@pytest.mark.parametrize("fault", [Fault.invalid_json, Fault.html])
def test_a_200_that_is_not_json_is_retried(registry_client, registry, sleeps, fault):
    registry.add_fault(fault())
    page = registry_client.studies_page({"filter.ids": "NCT99000009"})
    assert len(page.studies) == 1
    assert len(sleeps.calls) == 1


def test_rate_limit_spaces_requests(registry, sleeps):
    now = [100.0]

    def clock():
        return now[0]

    def sleep(seconds):
        sleeps(seconds)
        now[0] += seconds

    client = RegistryClient(registry.url, requests_per_second=2, sleep=sleep, clock=clock)
    for _ in range(3):
        client.study("NCT99000009")
    assert sleeps.calls == [0.5, 0.5]


def test_rate_limit_zero_disables_waiting(registry, sleeps):
    client = RegistryClient(registry.url, requests_per_second=0, sleep=sleeps)
    for _ in range(3):
        client.study("NCT99000009")
    assert sleeps.calls == []


def test_settings_configure_the_client(settings):
    settings.CTGOV_API_URL = "http://127.0.0.1:1/api/v2/"
    settings.CTGOV_TIMEOUT_CONNECT = 3.0
    settings.CTGOV_TIMEOUT_READ = 7.0
    settings.CTGOV_MAX_RETRIES = 4
    settings.CTGOV_REQUESTS_PER_SECOND = 0.5
    client = RegistryClient()
    assert client.base_url == "http://127.0.0.1:1/api/v2"
    assert client.timeout == (3.0, 7.0)
    assert client.max_retries == 4
    assert client.min_interval == 2.0


def test_backoff_is_capped():
    client = RegistryClient("http://127.0.0.1:1", backoff_base=1, backoff_max=10, jitter=lambda: 1)
    assert [client.backoff_delay(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 10, 10]
    assert client.backoff_delay(1, retry_after=10_000) == 300


def test_parse_retry_after():
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now=now) == 60.0


@pytest.mark.parametrize(
    "text",
    [
        '{"studies": [{"a": 1}, {"b": [1, 2]}], "nextPageToken": "x", "totalCount": 2}',
        '{"totalCount":2,"studies":[{"a":1},{"b":[1,2]}],"nextPageToken":"x"}',
        '  {\n "studies" : [ {"a": 1} ,\n {"b": [1, 2]} ] ,"nextPageToken":"x","totalCount":2 }\n',
    ],
)
def test_page_decoder_keeps_each_study_text(text):
    data, raw = decode_studies_page(text)
    assert data == json.loads(text)
    assert [json.loads(r) for r in raw] == data["studies"]
    assert raw[0].startswith("{") and raw[-1].endswith("}")


def test_page_decoder_handles_empty_pages_and_other_shapes():
    assert decode_studies_page('{"studies": []}') == ({"studies": []}, [])
    assert decode_studies_page("[1, 2]") == ([1, 2], None)
    assert decode_studies_page('{"nextPageToken": "x"}') == ({"nextPageToken": "x"}, None)


@pytest.mark.parametrize(
    "text",
    [
        '{"studies": [{"a": 1}',
        '{"studies": [{"a": 1}] "x": 1}',
        '{"studies": []} trailing',
        "<html>",
    ],
)
def test_page_decoder_rejects_invalid_json(text):
    with pytest.raises(ValueError):
        decode_studies_page(text)


def test_pages_carry_the_registry_text_of_each_study(registry_client):
    page = registry_client.studies_page({"filter.ids": "NCT99000009,NCT99000002"})
    assert len(page.raw) == 2
    assert [json.loads(r) for r in page.raw] == page.studies
