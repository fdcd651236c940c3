"""From an explainer to the finder (#13): the "trials being tested now" block and its API
field give the true count of recruiting trials of the explainer's treatment, with a link
into the finder with those filters set."""

import pytest

from tests.insights.factories import ExplainerPageFactory
from trials.recruiting import explainer_finder_params

from .factories import TrialFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


@pytest.fixture
def car_t():
    for status in ("RECRUITING", "RECRUITING", "COMPLETED"):
        TrialFactory(
            overall_status=status,
            interventions=[{"name": "CMX-19 CAR-T cells", "type": "BIOLOGICAL", "arms": []}],
            interventions_text="cmx-19 car-t cells",
        )
    TrialFactory(interventions_text="pembrolizumab")  # recruiting, another treatment
    return ExplainerPageFactory(title="CAR-T explained", therapy_name="CAR-T cell therapy")


def test_the_treatment_is_the_therapy_name_without_the_generic_word():
    page = ExplainerPageFactory.build(title="GLP-1 explained", therapy_name="CAR-T cell therapy")
    assert explainer_finder_params(page) == {"intervention": "CAR-T cell", "status": "RECRUITING"}
    page.therapy_name = ""
    assert explainer_finder_params(page)["intervention"] == "GLP-1 explained"


def test_the_explainer_shows_the_true_count_and_links_into_the_finder(client, car_t):
    html = client.get(car_t.url).content.decode()
    assert '<h2 id="recruiting-now-title">Trials being tested now</h2>' in html
    assert '<strong class="recruiting-now-count">2</strong> trials of CAR-T cell are' in html
    link = "/trials/?intervention=CAR-T+cell&amp;status=RECRUITING"
    assert f'href="{link}"' in html
    # the link lists exactly the trials counted
    listed = client.get("/trials/", {"intervention": "CAR-T cell", "status": "RECRUITING"})
    assert listed.context["paginator"].count == 2


def test_no_recruiting_trial_says_so_and_still_links(client):
    page = ExplainerPageFactory(title="Rare", therapy_name="Xylo therapy")
    html = client.get(page.url).content.decode()
    assert "No trial of Xylo is recruiting participants" in html
    assert 'href="/trials/?intervention=Xylo&amp;status=RECRUITING"' in html


def test_the_explainer_api_gives_the_count_and_the_finder_url(client, car_t):
    data = client.get(f"/api/v2/pages/{car_t.pk}/").json()
    assert data["recruiting_trials"] == {
        "count": 2,
        "url": "/trials/?intervention=CAR-T+cell&status=RECRUITING",
        "filters": {"intervention": "CAR-T cell", "status": "RECRUITING"},
    }
    listing = client.get("/api/v2/pages/", {"type": "insights.ExplainerPage", "fields": "*"})
    assert listing.status_code == 200
    assert all("recruiting_trials" not in item for item in listing.json()["items"])
