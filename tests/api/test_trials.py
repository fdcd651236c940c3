"""Contract of /api/v2/trials/: filters, ordering, page size, detail by id or NCT ID."""

import datetime as dt

import pytest

from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(days=n)


@pytest.fixture
def trials():
    return {
        "lymphoma": TrialFactory(
            nct_id="NCT00000001",
            brief_title="CAR-T for lymphoma",
            overall_status="RECRUITING",
            phases=["PHASE1", "PHASE2"],
            phase_label="PHASE1|PHASE2",
            conditions=["Diffuse Large B-Cell Lymphoma"],
            last_update_posted=day(30),
        ),
        "myeloma": TrialFactory(
            nct_id="NCT00000002",
            brief_title="Cell therapy in myeloma",
            overall_status="COMPLETED",
            phases=["PHASE3"],
            phase_label="PHASE3",
            conditions=["Multiple Myeloma"],
            last_update_posted=day(10),
        ),
        "diabetes": TrialFactory(
            nct_id="NCT00000003",
            brief_title="Insulin pump study",
            overall_status="TERMINATED",
            phases=["PHASE2"],
            phase_label="PHASE2",
            conditions=["Type 1 Diabetes"],
            last_update_posted=day(20),
        ),
    }


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["nct_id"] for item in response.json()["items"]]


def test_listing_is_ordered_by_last_update_newest_first(api, trials):
    data = api("trials/").json()
    assert data["meta"]["total_count"] == 3
    assert [i["nct_id"] for i in data["items"]] == ["NCT00000001", "NCT00000003", "NCT00000002"]
    first = data["items"][0]
    assert first["status_label"] == "Recruiting"
    assert first["meta"]["registry_url"] == "https://clinicaltrials.gov/study/NCT00000001"
    assert first["last_update_posted"] == "2026-01-31"
    assert ids(api("trials/", order="last_update_posted")) == [
        "NCT00000002",
        "NCT00000003",
        "NCT00000001",
    ]
    assert ids(api("trials/", order="-nct_id"))[0] == "NCT00000003"


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "recruiting"}, ["NCT00000001"]),
        ({"status": "COMPLETED,TERMINATED"}, ["NCT00000003", "NCT00000002"]),
        ({"phase": "PHASE2"}, ["NCT00000001", "NCT00000003"]),
        ({"phase": "phase3"}, ["NCT00000002"]),
        ({"phase": "PHASE4"}, []),
        ({"condition": "myeloma"}, ["NCT00000002"]),
        ({"condition": "LYMPHOMA"}, ["NCT00000001"]),
        ({"nct_id": "nct00000002,NCT00000003"}, ["NCT00000003", "NCT00000002"]),
        ({"updated_since": "2026-01-22"}, ["NCT00000001"]),
        ({"updated_since": "2026-01-21"}, ["NCT00000001", "NCT00000003"]),
        ({"search": "therapy"}, ["NCT00000002"]),
        ({"search": "cell"}, ["NCT00000001", "NCT00000002"]),
        ({"search": "insulin pump"}, ["NCT00000003"]),
        ({"search": "NCT00000001"}, ["NCT00000001"]),
        ({"status": "RECRUITING", "phase": "PHASE3"}, []),
    ],
)
def test_filters(api, trials, params, expected):
    assert ids(api("trials/", **params)) == expected


def test_every_field_on_request(api, trials):
    item = api("trials/", fields="*", nct_id="NCT00000001").json()["items"][0]
    assert item["phases"] == ["PHASE1", "PHASE2"]
    assert item["phase_labels"] == ["Phase 1", "Phase 2"]
    assert item["conditions"] == ["Diffuse Large B-Cell Lymphoma"]
    assert {"lead_sponsor", "enrollment", "start_date", "countries", "study_type"} <= set(item)
    # Internal bookkeeping stays internal.
    assert not {"raw", "content_hash", "search_text", "phase_label"} & set(item)


def test_detail_by_id_and_by_nct_id(api, trials):
    trial = trials["myeloma"]
    by_id = api(f"trials/{trial.pk}/").json()
    by_nct = api("trials/nct00000002/").json()
    assert by_id == by_nct
    assert by_id["nct_id"] == "NCT00000002"
    assert by_id["meta"]["detail_url"].endswith(f"/api/v2/trials/{trial.pk}/")
    assert api("trials/NCT09999999/").status_code == 404
    assert api("trials/99999/").status_code == 404


def test_find_redirects_to_the_detail(api, trials):
    response = api("trials/find/", nct_id="NCT00000003")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/trials/{trials['diabetes'].pk}/?")


def test_page_size_is_capped_at_100(api):
    for n in range(101):
        TrialFactory(nct_id=f"NCT{n:08d}")
    assert len(api("trials/", limit=100).json()["items"]) == 100
    assert len(api("trials/").json()["items"]) == 20
    response = api("trials/", limit=101)
    assert response.status_code == 400
    assert response.json() == {"message": "limit cannot be higher than 100"}
    page_two = api("trials/", limit=100, offset=100).json()
    assert len(page_two["items"]) == 1 and page_two["meta"]["total_count"] == 101
