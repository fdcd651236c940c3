"""A cited trial's status changed in the registry without a new update date: a plain
``sync_trials`` picks it up and flags the explainers citing it (issue #11)."""

import pytest
from django.core.management import call_command

from insights.review.flags import registry_check_needed
from tests.insights.factories import ExplainerPageFactory
from tests.trials.fake_registry import FakeRegistry, StudyStore, study_record
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(settings):
    server = FakeRegistry(StudyStore([study_record("NCT99000002"), study_record("NCT99000004")]))
    server.start()
    settings.CTGOV_API_URL = server.url
    settings.CTGOV_REQUESTS_PER_SECOND = 0
    yield server
    server.stop()


def cite(page, nct_id):
    from insights.models import ExplainerTrialCitation

    ExplainerTrialCitation.objects.create(page=page, nct_id=nct_id)


def test_silent_status_change_of_a_cited_trial_is_synced_and_flags_its_explainer(registry):
    page, other = ExplainerPageFactory(), ExplainerPageFactory()
    cite(page, "NCT99000002")
    cite(other, "NCT99000004")
    call_command("sync_trials", "--no-progress")
    before = Trial.objects.get(nct_id="NCT99000002")
    assert before.overall_status != "UNKNOWN"
    assert not registry_check_needed(page)

    def turn_unknown(study):
        module = study["protocolSection"]["statusModule"]
        module["lastKnownStatus"] = module["overallStatus"]
        module["overallStatus"] = "UNKNOWN"  # lastUpdatePostDateStruct unchanged

    registry.store.edit("NCT99000002", turn_unknown)
    call_command("sync_trials", "--no-progress")  # plain: incremental
    after = Trial.objects.get(nct_id="NCT99000002")
    assert after.overall_status == "UNKNOWN"
    assert after.last_update_posted == before.last_update_posted
    assert registry_check_needed(page)
    assert not registry_check_needed(other)


def test_an_explainer_citing_an_old_nct_id_resolves_to_the_trial_and_gets_its_flags(
    registry, client
):
    from insights.models import ExplainerTrialCitation
    from insights.models.relations import attach_trials

    def aliased(study):
        study["protocolSection"]["identificationModule"]["nctIdAliases"] = ["NCT00100000"]

    registry.store.edit("NCT99000004", aliased)
    page = ExplainerPageFactory(title="Explainer citing the old ID")
    cite(page, "NCT00100000")
    call_command("sync_trials", "--no-progress")  # the alias is cited: fetched by filter.ids
    trial = Trial.objects.get(nct_id="NCT99000004")
    citation = ExplainerTrialCitation.objects.get(page=page)
    assert citation.trial == trial
    fresh = [ExplainerTrialCitation.objects.get(page=page)]
    attach_trials(fresh)
    assert fresh[0].trial == trial
    # the trial page lists the explainer that cites its old ID
    assert "Explainer citing the old ID" in client.get("/trials/NCT99000004/").content.decode()

    registry.store.edit(
        "NCT99000004",
        lambda s: s["protocolSection"]["statusModule"].update(overallStatus="WITHDRAWN"),
    )
    call_command("sync_trials", "--no-progress")
    assert registry_check_needed(page)
