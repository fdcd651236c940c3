"""API v3 people and trials: typed, validated, filtered, query counts constant."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights.serving import api_cache
from tests.api.factories import ImageFactory, PersonFactory
from tests.trials.factories import TrialFactory
from trials import api_v3

pytestmark = pytest.mark.django_db


def count_queries(v3, path, **params):
    v3.get(path, **params)  # renditions are created on first use
    api_cache.forget_everything()  # measure a render, not the response cache
    with CaptureQueriesContext(connection) as queries:
        response = v3.get(path, **params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


# People ---------------------------------------------------------------------------------


def test_only_published_people_with_public_fields(v3):
    shown = PersonFactory(name="Ada Shown", photo=ImageFactory())
    PersonFactory(name="Bo Hidden", live=False)
    data = v3.get("people/").json()
    assert [p["name"] for p in data["items"]] == ["Ada Shown"]
    assert set(data["items"][0]) == {
        "id",
        "name",
        "initials",
        "role",
        "role_label",
        "job_title",
        "credentials",
        "photo",
        "detail_url",
    }
    detail = v3.get(f"people/{shown.pk}/").json()
    assert detail["bio"] and "user" not in detail and "email" not in detail


def test_an_unpublished_person_is_404(v3):
    hidden = PersonFactory(live=False)
    assert v3.get(f"people/{hidden.pk}/").status_code == 404


def test_people_filter_by_role_and_bad_role_is_422(v3):
    PersonFactory(name="Med", role="medical_review")
    PersonFactory(name="Res", role="research")
    assert [p["name"] for p in v3.get("people/", role="medical_review").json()["items"]] == ["Med"]
    response = v3.get("people/", role="chef")
    assert response.status_code == 422
    assert "role" in response.content.decode()


def test_people_list_queries_do_not_grow_with_items(v3):
    for _ in range(3):
        PersonFactory(photo=ImageFactory())
    small, _ = count_queries(v3, "people/", limit=1)
    for _ in range(10):
        PersonFactory(photo=ImageFactory())
    large, data = count_queries(v3, "people/", limit=13)
    assert len(data["items"]) == 13
    assert large == small


# Trials ---------------------------------------------------------------------------------


def test_trials_list_and_detail_are_typed(v3):
    trial = TrialFactory(
        nct_id="NCT01234567",
        interventions=[{"name": "CMX-19", "type": "BIOLOGICAL", "arms": ["A"]}],
        secondary_ids=[{"id": "2024-1", "type": "CTIS"}],
        site_statuses={"RECRUITING": 3},
    )
    data = v3.get("trials/").json()
    assert data["items"][0]["nct_id"] == "NCT01234567"
    detail = v3.get(f"trials/{trial.pk}/").json()
    assert detail["interventions"][0]["type_label"]
    assert detail["site_statuses"][0]["count"] == 3
    assert v3.get("trials/nct01234567/").json()["id"] == trial.pk


@pytest.mark.parametrize(
    "params, message",
    [
        ({"status": "SLEEPING"}, "status"),
        ({"phase": "PHASE9"}, "phase"),
        ({"nct_id": "NCT1"}, "nct_id"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"order": "title"}, "order"),
        ({"search": "x" * 201}, "search"),
        ({"condition": "a\x00b"}, "null characters"),
    ],
)
def test_bad_trial_filters_are_a_4xx_with_a_message(v3, params, message):
    response = v3.get("trials/", **params)
    assert response.status_code in (400, 422), response.content
    assert message in response.content.decode()


def test_trial_filters(v3):
    TrialFactory(nct_id="NCT00000001", overall_status="COMPLETED", phases=["PHASE3"])
    TrialFactory(nct_id="NCT00000002", overall_status="RECRUITING", phases=["PHASE1"])
    ids = [t["nct_id"] for t in v3.get("trials/", status="completed").json()["items"]]
    assert ids == ["NCT00000001"]
    ids = [t["nct_id"] for t in v3.get("trials/", phase="PHASE1").json()["items"]]
    assert ids == ["NCT00000002"]
    ids = [t["nct_id"] for t in v3.get("trials/", order="nct_id").json()["items"]]
    assert ids == ["NCT00000001", "NCT00000002"]


def test_an_unknown_trial_is_404_and_a_bad_key_400(v3):
    assert v3.get("trials/NCT99999999/").status_code == 404
    assert v3.get("trials/nonsense/").status_code == 400


def test_a_filterset_plugs_in(v3, monkeypatch):
    import django_filters

    from trials.models import Trial

    class SponsorFilterSet(django_filters.FilterSet):
        lead_sponsor = django_filters.CharFilter(lookup_expr="iexact")
        enrollment_min = django_filters.NumberFilter(field_name="enrollment", lookup_expr="gte")

        class Meta:
            model = Trial
            fields = []

    TrialFactory(nct_id="NCT00000003", lead_sponsor="Acme")
    TrialFactory(nct_id="NCT00000004", lead_sponsor="Other")
    monkeypatch.setattr(api_v3, "TRIAL_FILTERS", api_v3.filterset_filters(SponsorFilterSet))
    ids = [t["nct_id"] for t in v3.get("trials/", lead_sponsor="acme").json()["items"]]
    assert ids == ["NCT00000003"]
    response = v3.get("trials/", enrollment_min="many")
    assert response.status_code == 400
    assert "enrollment_min" in response.json()["detail"]


def test_trials_list_of_100_is_at_most_5_queries(v3):
    for n in range(100):
        TrialFactory(phases=["PHASE1", "PHASE2"], conditions=["Lymphoma", f"Condition {n}"])
    count, data = count_queries(v3, "trials/", limit=100)
    assert len(data["items"]) == 100
    assert count <= 5, f"{count} queries"
