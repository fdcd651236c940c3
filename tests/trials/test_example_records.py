"""Our invented example records never pass for registry studies: no link to a
ClinicalTrials.gov page that does not exist, in HTML, JSON-LD or the API."""

import json
import re

import pytest

from insights.blocks.sources import trial_row
from tests.insights.factories import ExplainerPageFactory, default_body, trial_list_block
from trials.models import is_example_nct_id, registry_url

from .factories import TrialFactory

pytestmark = pytest.mark.django_db


def test_the_example_range_has_no_registry_url():
    assert is_example_nct_id("NCT99000001") and is_example_nct_id("nct99000901")
    assert not is_example_nct_id("NCT03475563")
    assert registry_url("NCT99000001") == ""
    assert registry_url("NCT03475563") == "https://clinicaltrials.gov/study/NCT03475563"


def test_an_example_trial_page_says_what_it_is_and_links_nowhere_else(client):
    TrialFactory(nct_id="NCT99000003", brief_title="Example record: a study", has_results=True)
    html = client.get("/trials/NCT99000003/").content.decode()
    assert "clinicaltrials.gov/study/NCT99000003" not in html
    assert "Example record</span>: an invented study of this demo site" in html
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(ld)
    assert "url" not in data
    assert all("url" not in p for p in data.get("additionalProperty", []))
    api = client.get("/api/v2/trials/NCT99000003/").json()
    assert (api["meta"]["registry_url"], api["is_example"], api["results_url"]) == ("", True, "")


def test_a_real_trial_still_links_to_the_registry(client):
    TrialFactory(nct_id="NCT03475563")
    html = client.get("/trials/NCT03475563/").content.decode()
    assert 'href="https://clinicaltrials.gov/study/NCT03475563"' in html
    assert client.get("/api/v2/trials/NCT03475563/").json()["is_example"] is False


def test_an_explainer_citing_an_example_links_to_our_trial_page(client):
    trial = TrialFactory(nct_id="NCT99000001", brief_title="Example record: CAR-T")
    assert trial_row("NCT99000001", trial)["registry_url"] == ""
    page = ExplainerPageFactory(body=[*default_body(), trial_list_block("NCT99000001")])
    html = client.get(page.url).content.decode()
    assert "clinicaltrials.gov/study/NCT99000001" not in html
    assert 'href="/trials/NCT99000001/"' in html
