"""Stage 3's automatic registry checks, unit by unit (the views are tested in test_review_rules)."""

import datetime as dt

import pytest
from django.utils import timezone

from insights.models import ExplainerPage, ExplainerTrialCitation
from insights.review.checks import registry_checks
from trials.models import Trial, TrialAlias

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def page_citing(*citations):
    page = ExplainerPage(title="x")
    page.trial_citations = [
        ExplainerTrialCitation(nct_id=nct, stated_status=status, stated_phase=phase)
        for nct, status, phase in citations
    ]
    return page


def trial(nct, status="RECRUITING", phases=("PHASE2",), age_days=1, **extra):
    return Trial.objects.create(
        nct_id=nct,
        overall_status=status,
        phases=list(phases),
        last_seen=NOW - dt.timedelta(days=age_days),
        **extra,
    )


def outcome(page):
    return [(c.subject, c.passed) for c in registry_checks(page, now=NOW)]


def test_no_trial_data_blocks_even_a_page_without_citations():
    results = registry_checks(page_citing(), now=NOW)
    assert [(c.passed, c.message.split(":")[0]) for c in results] == [(False, "No trial data")]


def test_a_page_citing_nothing_passes_once_trial_data_exists():
    trial("NCT00000001")
    assert outcome(page_citing()) == [("Citations", True)]


def test_each_citation_is_checked_against_its_trial():
    trial("NCT00000001")  # matches
    trial("NCT00000002", age_days=8)  # stale
    trial("NCT00000003", status="TERMINATED")  # status differs
    trial("NCT00000004", phases=("PHASE1",))  # phase differs
    trial("NCT00000005", missing_from_registry=True)
    trial("NCT00000007", age_days=7)  # exactly at the limit: still fresh enough
    page = page_citing(
        ("NCT00000001", "RECRUITING", "PHASE2"),
        ("NCT00000002", "", ""),
        ("NCT00000003", "RECRUITING", ""),
        ("NCT00000004", "", "PHASE2"),
        ("NCT00000005", "", ""),
        ("NCT00000006", "", ""),  # not synced
        ("NCT00000007", "", ""),
    )
    assert outcome(page) == [
        ("NCT00000001", True),
        ("NCT00000002", False),
        ("NCT00000003", False),
        ("NCT00000004", False),
        ("NCT00000005", False),
        ("NCT00000006", False),
        ("NCT00000007", True),
    ]
    messages = {c.subject: c.message for c in registry_checks(page, now=NOW)}
    assert "8 days old" in messages["NCT00000002"]
    assert "'Recruiting'" in messages["NCT00000003"] and "'Terminated'" in messages["NCT00000003"]
    assert "'Phase 2'" in messages["NCT00000004"] and "Phase 1" in messages["NCT00000004"]
    assert messages["NCT00000005"] == "No longer listed by the registry."
    assert messages["NCT00000006"] == "Not among the synced trials."


def test_a_citation_of_an_old_nct_id_is_checked_against_the_trial_it_now_names():
    trial("NCT00000001", status="TERMINATED", nct_id_aliases=["NCT00000901"])
    TrialAlias.objects.create(alias="NCT00000901", nct_id="NCT00000001")
    page = page_citing(("NCT00000901", "RECRUITING", ""))
    (result,) = registry_checks(page, now=NOW)
    assert (result.subject, result.passed) == ("NCT00000901", False)
    assert "'Terminated'" in result.message  # not "Not among the synced trials."


@pytest.mark.parametrize("count", [1, 20])
def test_two_queries_whatever_the_number_of_citations(count, django_assert_num_queries):
    ids = [f"NCT{n:08d}" for n in range(1, count + 1)]
    for nct in ids:
        trial(nct)
    page = page_citing(*[(nct, "RECRUITING", "PHASE2") for nct in ids])
    with django_assert_num_queries(2):
        results = registry_checks(page, now=NOW)
    assert all(c.passed for c in results) and len(results) == count
