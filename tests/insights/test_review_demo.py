"""The review demo: logins per group, a drafted explainer waiting at each stage, CAR-T reviewed."""

import pytest
from django.core.management import call_command

from insights.models import CompletedReview, ExplainerPage
from insights.review_record import review_record_for
from people.models import Person
from trials.models import Trial

pytestmark = pytest.mark.django_db


def _stages():
    return {
        p.slug: (p.current_workflow_task.name if p.current_workflow_task else None)
        for p in ExplainerPage.objects.all()
    }


def test_demo_review_is_complete_and_reruns_change_nothing(capsys, client):
    # The trials demo loader runs first, so CAR-T's citations have fresh registry data
    # and its stage 3 checks pass on the first run.
    call_command("load_demo_content")
    out = capsys.readouterr().out
    for username in ("efi", "ioannis", "dimitra", "georgios", "achi"):
        assert f"user {username!r}" in out
    assert "is published with a complete review record" in out
    car_t_citations = ExplainerPage.objects.get(slug="car-t-cell-therapy").trial_citations.all()
    assert car_t_citations
    assert set(
        Trial.objects.filter(nct_id__in=[c.nct_id for c in car_t_citations]).values_list(
            "nct_id", flat=True
        )
    ) == {c.nct_id for c in car_t_citations}
    car_t = ExplainerPage.objects.get(slug="car-t-cell-therapy")
    assert car_t.live and car_t.current_workflow_task is None
    record = review_record_for(car_t)
    assert [s.reviewer.name for s in record.stages] == [
        "Dimitra Alexiou",
        "Georgios Anagas",
        "Achi Anagas",
    ]
    # Three people, none of them an author of the page.
    authors = {a.person_id for a in car_t.authors.all()}
    assert len({s.reviewer.person_id for s in record.stages}) == 3
    assert not authors & {s.reviewer.person_id for s in record.stages}
    assert record.covers_live_version
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
        "dimitra": ["Research analysts"],
        "georgios": ["Medical reviewers"],
        "achi": ["Registry verifiers"],
    }

    # Every other published explainer says it has not been reviewed.
    for page in ExplainerPage.objects.live().exclude(pk=car_t.pk):
        assert not CompletedReview.objects.filter(page=page).exists()
        html = client.get(page.url).content.decode()
        assert "Not yet reviewed under our three-stage process" in html
        assert "Medically reviewed by" not in html and '"reviewedBy": []' in html
    html = client.get(car_t.url).content.decode()
    assert "Medically reviewed by" in html and "Dimitra Alexiou" in html

    counts = (ExplainerPage.objects.count(), CompletedReview.objects.count())
    call_command("load_demo_content")
    assert (ExplainerPage.objects.count(), CompletedReview.objects.count()) == counts
    assert _stages() == stages
