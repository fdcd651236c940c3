"""Demo content: the reference's four people and three published explainers, loaded once."""

import io

import pytest
from django.core.management import call_command

from insights.models import ExplainerPage
from people.models import Person, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(module_transaction, django_db_blocker):
    """The demo content, loaded once for the module's tests (``module_transaction``)."""
    assert module_transaction
    with django_db_blocker.unblock():
        call_command("load_demo_content", stdout=io.StringIO())


@pytest.fixture
def demo(db, demo_loaded):
    return None


def test_loading_twice_changes_nothing(demo):
    # Live explainers: the review demo (insights.review_demo) adds drafts in review.
    counts = (Person.objects.count(), ExplainerPage.objects.live().count())
    revisions = sum(p.revisions.count() for p in ExplainerPage.objects.all())
    call_command("load_demo_content", stdout=io.StringIO())
    assert (Person.objects.count(), ExplainerPage.objects.live().count()) == counts == (5, 3)
    assert sum(p.revisions.count() for p in ExplainerPage.objects.all()) == revisions


def test_the_four_people_of_the_reference(demo):
    people = {p.name: p for p in Person.objects.all()}
    assert people["Efi Kara"].role == Role.FOUNDER
    assert people["Ioannis Anagnostopoulos"].role == Role.RESEARCH
    assert (
        people["Ioannis Anagnostopoulos"].job_title == "Clinical Research Analyst & ISO Inspector"
    )
    assert people["Georgios Anagas"].role == Role.MEDICAL_REVIEW
    assert people["Georgios Anagas"].credentials == "Physiotherapy student"
    assert people["Achi Anagas"].role == Role.TECHNICAL_REVIEW
    assert all(p.live and p.initials for p in people.values())


def test_car_t_explainer_structure(demo):
    page = ExplainerPage.objects.live().get(slug="car-t-cell-therapy")
    blocks = {b.block_type: b for b in page.body}
    assert len(blocks["steps"].value["steps"]) == 5
    assert [r["name"] for r in page.risks()] == [
        "Cytokine release syndrome (CRS)",
        "Neurological effects (ICANS)",
    ]
    assert page.has_disclaimer()
    assert "T-cells" in page.summary
    assert [a.person.name for a in page.authors.all()] == ["Ioannis Anagnostopoulos"]
    # The demo cites example records of our own, CAR-T-like ones.
    assert set(page.trial_citations.values_list("nct_id", flat=True)) == {
        "NCT99000001",
        "NCT99000002",
        "NCT99000004",
    }
    for citation in page.citations_with_trials():
        assert citation.trial.brief_title.startswith("Example record: ")
        keywords = citation.trial.raw["protocolSection"]["conditionsModule"]["keywords"]
        assert "CAR-T" in keywords
    assert page.live_revision is not None  # published through a revision


def test_demo_explainers_render_with_prev_next(client, demo):
    page = ExplainerPage.objects.live().get(slug="car-t-cell-therapy")
    html = client.get(page.url).content.decode()
    assert "GLP-1 Receptor Agonists Explained" in html  # previous
    assert "Checkpoint Inhibitors Explained" in html  # next
    index_html = client.get("/insights/").content.decode()
    assert index_html.count('class="explainer-card"') == 3
