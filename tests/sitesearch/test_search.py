"""/search/: one search over explainers and trials, synonyms and spellings, no-results help."""

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sitesearch.models import SearchSynonym
from sitesearch.synonyms import variants
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.trials.factories import TrialFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("search_index")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def titles(soup, section_id) -> list[str]:
    section = soup.find(id=section_id).find_parent("section")
    return [h.get_text(strip=True) for h in section.select("h3")]


def explainer(title, text):
    return ExplainerPageFactory(title=title, body=[paragraph(text), disclaimer_block()])


def trial(nct_id, title, conditions, interventions=""):
    return TrialFactory(
        nct_id=nct_id,
        brief_title=title,
        conditions=conditions,
        search_text="\n".join([nct_id, title, *conditions, interventions]).lower(),
    )


def test_search_finds_explainers_by_body_text_and_never_drafts(client):
    explainer("CAR-T", "Leukapheresis collects cells.")
    explainer("Other", "Nothing relevant.")
    ExplainerPageFactory(
        title="Hidden draft", body=[paragraph("Leukapheresis too.")], publish=False
    )
    soup = soup_of(client.get("/search/", {"q": "leukapheresis"}))
    assert titles(soup, "explainer-results-title") == ["CAR-T"]
    assert soup.find(id="explainer-results-title").get_text(strip=True) == "1 explainer"


def test_one_search_shows_explainers_and_trials_and_filters_by_type(client):
    explainer("Lymphoma treatments", "How lymphoma is treated.")
    trial("NCT00000001", "A lymphoma study", ["Lymphoma"])
    both = soup_of(client.get("/search/", {"q": "lymphoma"}))
    assert titles(both, "explainer-results-title") == ["Lymphoma treatments"]
    assert titles(both, "trial-results-title") == ["A lymphoma study"]
    only_trials = soup_of(client.get("/search/", {"q": "lymphoma", "type": "trials"}))
    assert only_trials.find(id="explainer-results-title") is None
    assert titles(only_trials, "trial-results-title") == ["A lymphoma study"]
    only_pages = soup_of(client.get("/search/", {"q": "lymphoma", "type": "explainers"}))
    assert only_pages.find(id="trial-results-title") is None


def test_unknown_result_type_is_a_400_with_a_message(client):
    response = client.get("/search/", {"q": "lymphoma", "type": "<b>people</b>"})
    assert response.status_code == 400
    soup = soup_of(response)
    assert "Unknown result type" in soup.find(id="search-type-error").get_text()
    assert soup.find("select")["aria-describedby"] == "search-type-error"
    assert soup.find("b", string="people") is None


def test_uk_spelling_finds_us_spelling_and_back(client):
    explainer("Blood cancer", "Acute leukemia in adults.")
    trial("NCT00000002", "Leukaemia in children", ["Leukaemia"])
    uk = soup_of(client.get("/search/", {"q": "leukaemia"}))
    assert titles(uk, "explainer-results-title") == ["Blood cancer"]
    assert titles(uk, "trial-results-title") == ["Leukaemia in children"]
    us = soup_of(client.get("/search/", {"q": "leukemia"}))
    assert titles(us, "trial-results-title") == ["Leukaemia in children"]


def test_brand_name_finds_the_generic_name(client):
    explainer("GLP-1 agonists", "Semaglutide lowers blood sugar.")
    trial("NCT00000003", "Semaglutide in obesity", ["Obesity"], "semaglutide")
    soup = soup_of(client.get("/search/", {"q": "Ozempic"}))
    assert titles(soup, "explainer-results-title") == ["GLP-1 agonists"]
    assert titles(soup, "trial-results-title") == ["Semaglutide in obesity"]
    assert "semaglutide" in soup.find(class_="search-also").get_text()


def test_editors_synonyms_apply_at_once(client):
    explainer("Heart failure", "Sacubitril and valsartan together.")
    assert "No results" in client.get("/search/", {"q": "entresto"}).content.decode()
    SearchSynonym.objects.create(terms="Entresto, sacubitril")
    soup = soup_of(client.get("/search/", {"q": "entresto"}))
    assert titles(soup, "explainer-results-title") == ["Heart failure"]


def test_spelling_rules_need_no_synonym_entry():
    SearchSynonym.objects.all().delete()
    assert variants("Oesophageal tumour") == ["esophageal tumor"]
    assert variants("four hours") == []  # no false UK spellings


@pytest.mark.parametrize("terms", ["only-one", "a, " + ", ".join(f"t{n}" for n in range(12))])
def test_a_synonym_group_needs_two_to_twelve_terms(terms):
    with pytest.raises(ValidationError):
        SearchSynonym(terms=terms).full_clean()


def test_no_results_page_suggests_spellings_and_the_finder(client):
    soup = soup_of(client.get("/search/", {"q": "paediatric xyzzy"}))
    section = soup.find("section", class_="no-results")
    assert "No results for “paediatric xyzzy”" in section.find("h2").get_text()
    assert "pediatric xyzzy" in section.get_text()
    hrefs = [a["href"] for a in section.find_all("a")]
    assert "/trials/?q=paediatric%20xyzzy" in hrefs and "/insights/" in hrefs


def test_search_without_query_or_with_nonsense_is_not_an_error(client):
    soup = soup_of(client.get("/search/"))
    assert not soup.find(class_="no-results")
    response = client.get("/search/", {"q": "<script>x</script>" + "a" * 500})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find(class_="no-results")
    assert not soup.find("script", string="x")
    assert client.post("/search/").status_code == 405


def test_query_count_does_not_grow_with_the_results(client):
    for n in range(3):
        trial(f"NCT1000000{n}", f"Lymphoma study {n}", ["Lymphoma"])
    client.get("/search/", {"q": "lymphoma"})  # warm the shell's caches
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "lymphoma"})
    for n in range(3, 30):
        trial(f"NCT100000{n:02d}", f"Lymphoma study {n}", ["Lymphoma"])
    with CaptureQueriesContext(connection) as many:
        client.get("/search/", {"q": "lymphoma"})
    assert len(few) == len(many) <= 6
