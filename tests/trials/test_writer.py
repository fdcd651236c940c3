"""store_page(): what one page of registry studies does to the stored trials."""

import copy

import pytest
from django.db import transaction
from django.utils import timezone

from trials.demo.loader import example_studies
from trials.models import Trial, TrialAlias
from trials.registry.fields import project
from trials.sync.writer import store_page

pytestmark = pytest.mark.django_db


def study(nct_id="NCT99000009", **identification):
    """An example record, copied, with its identification module changed."""
    by_id = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in example_studies()}
    record = project(copy.deepcopy(by_id["NCT99000009"]))
    module = record["protocolSection"]["identificationModule"]
    module["nctId"] = nct_id
    module.update(identification)
    return record


def store(studies):
    with transaction.atomic():
        return store_page(studies, timezone.now())


def test_studies_without_a_usable_nct_id_are_counted_failed_and_not_stored():
    no_id = study()
    del no_id["protocolSection"]["identificationModule"]["nctId"]
    result = store([no_id, study("NCT123"), study("NCT99000009")])
    assert (result.created, result.failed) == (1, 2)
    assert [w for w in result.warnings if w.startswith("study not stored")] == [
        "study not stored: study without protocolSection.identificationModule.nctId",
        "study not stored: malformed NCT ID 'NCT123'",
    ]
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT99000009"]
    assert result.nct_ids == {"NCT99000009"}


def test_aliases_are_tracked_as_seen_and_point_at_the_current_id():
    merged = study("NCT99000009", nctIdAliases=["NCT00100000", "NCT99000009"])
    result = store([merged])
    # the page answered for the old ID too (a cited trial under its old ID is not missing)
    assert result.seen_ids == {"NCT99000009", "NCT00100000"}
    assert result.nct_ids == {"NCT99000009"}
    assert list(TrialAlias.objects.values_list("alias", "nct_id")) == [
        ("NCT00100000", "NCT99000009")
    ]
    # the registry moves the alias to another record: it follows
    moved = study("NCT99000010", nctIdAliases=["NCT00100000"])
    store([moved])
    assert TrialAlias.objects.get(alias="NCT00100000").nct_id == "NCT99000010"
