"""Public trial pages: filters, search, pagination, the detail page, the citations hook,
and query counts that do not grow with the content."""

import ast
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import trials
from trials import citations
from trials.citations import CitingPage
from trials.models import VECTORS, Trial

from .factories import TrialFactory, TrialSiteFactory, TrialSyncRunFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

LIST = "/trials/"


@pytest.fixture
def catalogue():
    day = timezone.localdate()
    TrialFactory(
        nct_id="NCT00000101",
        brief_title="CAR-T cells for relapsed lymphoma",
        overall_status="RECRUITING",
        phases=["PHASE1", "PHASE2"],
        conditions=["Diffuse Large B-cell Lymphoma"],
        last_update_posted=day,
    )
    TrialFactory(
        nct_id="NCT00000102",
        brief_title="Stent registry in bifurcated lesions",
        overall_status="UNKNOWN",
        phases=[],
        conditions=["Coronary Artery Disease"],
        study_type="OBSERVATIONAL",
        last_update_posted=day - timezone.timedelta(days=400),
    )
    TrialFactory(
        nct_id="NCT00000103",
        brief_title="Myeloma maintenance after transplant",
        overall_status="TERMINATED",
        phases=["PHASE3"],
        conditions=["Multiple Myeloma"],
        last_update_posted=day - timezone.timedelta(days=30),
    )


@pytest.fixture
def citing_provider():
    """A provider like the one insights registers: one query for the whole page."""
    calls = []

    def provider(nct_ids):
        calls.append(list(nct_ids))
        cited = Trial.objects.filter(nct_id__in=nct_ids, overall_status="RECRUITING")
        return {
            t.nct_id: [CitingPage(title="What is CAR-T therapy?", url="/insights/car-t/")]
            for t in cited
        }

    citations.register_citing_pages_provider(provider)
    yield calls
    citations.unregister_citing_pages_provider(provider)


def titles(response) -> list[str]:
    return [t.brief_title for t in response.context["trials"]]


def test_listing_shows_trials_newest_update_first(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == [
        "CAR-T cells for relapsed lymphoma",
        "Myeloma maintenance after transplant",
        "Stent registry in bifurcated lesions",
    ]
    content = response.content.decode()
    assert "3 trials" in content
    assert '<link rel="canonical" href="http://testserver/trials/">' in content
    assert "<title>Clinical trials · ClinicalMetric</title>" in content


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "TERMINATED"}, ["Myeloma maintenance after transplant"]),
        ({"phase": "PHASE2"}, ["CAR-T cells for relapsed lymphoma"]),
        ({"phase": "PHASE1"}, ["CAR-T cells for relapsed lymphoma"]),
        ({"phase": "PHASE3"}, ["Myeloma maintenance after transplant"]),
        ({"condition": "coronary"}, ["Stent registry in bifurcated lesions"]),
        ({"q": "car-t lymphoma"}, ["CAR-T cells for relapsed lymphoma"]),
        ({"q": "nct00000103"}, ["Myeloma maintenance after transplant"]),
        ({"q": "myeloma", "status": "RECRUITING"}, []),
        ({"q": "LYMPHOMA relapsed"}, ["CAR-T cells for relapsed lymphoma"]),
        ({"condition": "artery coronary"}, ["Stent registry in bifurcated lesions"]),
        (
            {"sort": "nct"},
            [
                "CAR-T cells for relapsed lymphoma",
                "Stent registry in bifurcated lesions",
                "Myeloma maintenance after transplant",
            ],
        ),
    ],
)
def test_filters_search_and_sort(client, catalogue, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert titles(response) == expected
    if not expected:
        assert b"No trials match these filters." in response.content


@pytest.mark.parametrize(
    "text", ["'; DROP TABLE trials_trial; --", "a & b | !c", "lymphoma:* (", "***", "é-ü ß"]
)
def test_search_text_with_query_syntax_is_harmless(client, catalogue, text):
    for params in ({"q": text}, {"condition": text}):
        response = client.get(LIST, params)
        assert response.status_code == 200
    assert Trial.objects.count() == 3


def test_bad_filter_value_is_a_400_with_a_message(client, catalogue):
    response = client.get(LIST, {"status": "NOT_A_STATUS", "phase": "PHASE9"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Unknown status NOT_A_STATUS; expected one of ACTIVE_NOT_RECRUITING," in content
    assert "Unknown phase PHASE9; expected one of NA, EARLY_PHASE1," in content


def test_pagination(client):
    TrialFactory.create_batch(45)
    first = client.get(LIST)
    assert len(first.context["trials"]) == 20
    assert b"Page 1 of 3" in first.content
    last = client.get(LIST, {"page": 3})
    assert len(last.context["trials"]) == 5
    assert b'rel="prev"' in last.content and b'rel="next"' not in last.content
    # nonsense page numbers fall back instead of failing
    assert client.get(LIST, {"page": "abc"}).status_code == 200
    assert len(client.get(LIST, {"page": 99}).context["trials"]) == 5


def test_pagination_links_keep_the_filters(client):
    TrialFactory.create_batch(25, overall_status="COMPLETED")
    response = client.get(LIST, {"status": "COMPLETED", "page": 1})
    assert b"?status=COMPLETED&amp;page=2" in response.content


def test_count_is_capped_on_broad_filters(client, monkeypatch):
    monkeypatch.setattr("trials.filters.facets.LIVE_LIMIT", 10)
    TrialFactory.create_batch(15)
    response = client.get(LIST)
    assert b"More than 10 trials" in response.content


def test_listing_says_when_the_data_was_refreshed(client, catalogue):
    TrialSyncRunFactory(status="failed")  # failures do not count as refreshed
    run = TrialSyncRunFactory()
    response = client.get(LIST)
    assert response.context["refreshed"] == run.finished
    assert f'refreshed <time datetime="{run.finished:%Y-%m-%d}'.encode() in response.content


def test_listing_links_to_the_explainers_that_cite_a_trial(client, catalogue, citing_provider):
    response = client.get(LIST)
    content = response.content.decode()
    assert 'Explained in:\n        <a href="/insights/car-t/">What is CAR-T therapy?</a>' in content
    assert content.count("What is CAR-T therapy?") == 1
    assert citing_provider == [["NCT00000101", "NCT00000103", "NCT00000102"]]


def test_listing_query_count_does_not_grow_with_content(client, citing_provider):
    TrialFactory.create_batch(3, overall_status="RECRUITING")
    TrialSyncRunFactory()
    client.get(LIST)  # the navigation's cached index URL (every test starts with no cache)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST, {"status": "RECRUITING"}).status_code == 200
    TrialFactory.create_batch(40, overall_status="RECRUITING")
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"status": "RECRUITING"})
    assert len(response.context["trials"]) == 20
    # page, the citations provider's one query, the last sync, the stored statuses
    # outside the documented enum (for the status filter), the three facets counted
    # live in two queries (status; phase and country, whose set's size is the count)
    assert len(few) == len(many) == 7


def test_detail_page(client, catalogue, citing_provider):
    response = client.get("/trials/NCT00000101/")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<h1 id="trial-title">CAR-T cells for relapsed lymphoma</h1>' in content
    assert "Phase 1 / Phase 2" in content
    assert "Recruiting" in content
    assert 'href="https://clinicaltrials.gov/study/NCT00000101"' in content
    assert "Explainers that cite this trial" in content
    assert '<a href="/insights/car-t/">What is CAR-T therapy?</a>' in content
    assert '<link rel="canonical" href="http://testserver/trials/NCT00000101/">' in content


def test_detail_without_citations_has_no_citing_section(client, catalogue):
    content = client.get("/trials/NCT00000102/").content.decode()
    assert "Explainers that cite this trial" not in content
    assert "Phase</dt><dd>—" in content
    assert "Unknown" in content


def test_detail_json_ld_is_valid_and_cannot_break_out(client):
    TrialFactory(nct_id="NCT00000201", brief_title="</script><script>alert(1)</script>")
    content = client.get("/trials/NCT00000201/").content.decode()
    assert "</script><script>alert(1)" not in content
    start = content.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(content[start : content.index("</script>", start)])
    assert data["@type"] == "MedicalTrial"
    assert data["identifier"] == "NCT00000201"
    assert data["name"] == "</script><script>alert(1)</script>"


def test_detail_redirects_lower_case_ids_and_404s_unknown_ones(client, catalogue):
    response = client.get("/trials/nct00000101/")
    assert response.status_code == 301
    assert response["Location"] == "/trials/NCT00000101/"
    assert client.get("/trials/NCT09999999/").status_code == 404
    assert client.get("/trials/NCT123/").status_code == 404


def test_detail_marks_trials_missing_from_the_registry(client):
    TrialFactory(nct_id="NCT00000301", missing_from_registry=True)
    content = client.get("/trials/NCT00000301/").content.decode()
    assert "could no longer be found in the ClinicalTrials.gov registry" in content


def test_detail_query_count_is_constant(client, citing_provider):
    trial = TrialFactory(conditions=[f"Condition {i}" for i in range(30)])
    TrialSiteFactory(trial=trial)
    # warm up: a cold cache (a fresh worker) adds Wagtail's one-off site lookups
    assert client.get(trial.get_absolute_url()).status_code == 200
    with CaptureQueriesContext(connection) as few:
        assert client.get(trial.get_absolute_url()).status_code == 200
    TrialSiteFactory.create_batch(30, trial=trial)
    with CaptureQueriesContext(connection) as many:
        assert client.get(trial.get_absolute_url()).status_code == 200
    assert len(few) == len(many) == 3  # the trial, its sites, the citations provider


def test_unknown_status_from_the_registry_is_shown_as_it_came(client):
    TrialFactory(nct_id="NCT00000401", overall_status="PAUSED_BY_REGULATOR")
    content = client.get("/trials/NCT00000401/").content.decode()
    assert "Paused by regulator" in content


def test_trials_app_imports_no_other_app():
    """Dependencies flow home -> insights -> trials: trials imports none of them."""
    root = Path(trials.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in {"insights", "people", "home", "site"}:
                    offenders.append(f"{path.relative_to(root)}: {name}")
    assert offenders == []


@pytest.mark.parametrize(
    ("param", "vector"),
    [
        ("q", "search_vector"),
        ("condition", "conditions_vector"),
        ("intervention", "interventions_vector"),
        ("sponsor", "sponsors_vector"),
    ],
)
def test_full_text_filters_compare_the_stored_vectors(client, param, vector):
    trial = TrialFactory(
        conditions=["Lymphoma"],
        conditions_text="lymphoma",
        search_text="lymphoma cart",
        interventions_text="cart",
        sponsors_text="cart",
    )
    TrialFactory(conditions_text="asthma", search_text="asthma", interventions_text="x")
    Trial.objects.filter(pk=trial.pk).update(sponsors_text="lymphoma group")
    text = "lymphoma" if param in ("q", "condition", "sponsor") else "cart"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {param: text})
    assert [t.nct_id for t in response.context["trials"]] == [trial.nct_id]
    if connection.vendor == "postgresql":
        # written by the database with the row (an UPDATE too), compared as stored: no
        # to_tsvector computed per row read
        filtered = [q["sql"] for q in queries if "@@" in q["sql"]]
        assert filtered and all(f'"{vector}" @@' in q for q in filtered)
        assert not any("to_tsvector" in q for q in filtered)
    else:  # SQLite has no full-text search: substrings, and no vector
        assert Trial.objects.filter(pk=trial.pk).values_list(vector, flat=True).get() is None


@pytest.mark.parametrize("url", ["/api/v2/trials/", "/api/v3/trials/", "detail"])
def test_readers_never_load_the_raw_record_the_search_columns_or_their_vectors(client, url):
    trial = TrialFactory()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(trial.get_absolute_url() if url == "detail" else url)
    assert response.status_code == 200
    read = [q["sql"] for q in queries if 'FROM "trials_trial"' in q["sql"]]
    assert read
    unshown = ("raw", "content_hash", "site_cells", *VECTORS, *VECTORS.values())
    for column in unshown:
        assert not any(f'"trials_trial"."{column}"' in q.split(" FROM ")[0] for q in read), column
