"""The review demo: logins per group, a drafted explainer waiting at each stage, CAR-T reviewed."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from insights.models import CompletedReview, ExplainerPage
from insights.review_record import review_record_for
from people.models import Person
from trials.models import Trial

pytestmark = pytest.mark.django_db


def _fresh_trials_for_car_t():
    car_t = ExplainerPage.objects.get(slug="car-t-cell-therapy")
    for citation in car_t.trial_citations.all():
        Trial.objects.update_or_create(
            nct_id=citation.nct_id,
            defaults={
                "overall_status": citation.stated_status or "RECRUITING",
                "phases": [citation.stated_phase] if citation.stated_phase else [],
                "last_seen": timezone.now() - dt.timedelta(hours=2),
            },
        )


def _stages():
    return {
        p.slug: (p.current_workflow_task.name if p.current_workflow_task else None)
        for p in ExplainerPage.objects.all()
    }


def test_demo_review_is_complete_once_fresh_trial_data_exists_and_reruns_change_nothing(capsys):
    call_command("load_demo_content")
    out = capsys.readouterr().out
    for username in ("efi", "ioannis", "georgios", "achi"):
        assert f"user {username!r}" in out
    # Without trial data the CAR-T review honestly waits at registry verification.
    assert "No trial data" in out
    assert _stages()["car-t-cell-therapy"] == "Registry verification"

    _fresh_trials_for_car_t()
    call_command("load_demo_content")
    car_t = ExplainerPage.objects.get(slug="car-t-cell-therapy")
    assert car_t.live and car_t.current_workflow_task is None
    record = review_record_for(car_t)
    assert [s.person.name for s in record.stages] == [
        "Ioannis Anagnostopoulos",
        "Georgios Anagas",
        "Achi Anagas",
    ]
    assert record.medically_reviewed_by.name == "Georgios Anagas"
    assert record.registry_verified_at and record.last_reviewed and record.next_review_due

    stages = _stages()
    assert stages["mrna-cancer-vaccines"] == "Primary research"
    assert stages["bispecific-antibodies"] == "Medical accuracy review"
    assert stages["gene-therapy-sickle-cell"] == "Registry verification"
    groups = {
        p.user.username: list(p.user.groups.values_list("name", flat=True))
        for p in Person.objects.exclude(user=None)
    }
    assert groups == {
        "efi": ["Editors"],
        "ioannis": ["Research analysts"],
        "georgios": ["Medical reviewers"],
        "achi": ["Registry verifiers"],
    }

    counts = (ExplainerPage.objects.count(), CompletedReview.objects.count())
    call_command("load_demo_content")
    assert (ExplainerPage.objects.count(), CompletedReview.objects.count()) == counts
    assert _stages() == stages
