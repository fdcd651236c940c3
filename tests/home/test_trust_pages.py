"""Trust pages (About, Methodology, Disclaimer, Corrections, Contact, Privacy): created by
migration, maintained by editors, linked from every page."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from home.trust_pages import TRUST_SLUGS, CorrectionsPage, TrustPage
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.trials.factories import TrialSyncRunFactory
from trials.models import TrialSyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_migration_creates_every_trust_page_at_its_contract_slug(client):
    for slug in TRUST_SLUGS:
        response = client.get(f"/{slug}/")
        assert response.status_code == 200, slug
        assert soup_of(response).find("h1").get_text(strip=True)
    assert TrustPage.objects.live().count() == 5
    assert CorrectionsPage.objects.live().get().slug == "corrections"


def test_methodology_names_the_three_stages_and_the_data_sources(client):
    soup = soup_of(client.get("/methodology/"))
    headings = [h.get_text(strip=True) for h in soup.find("article").find_all("h2")]
    assert headings[:4] == [
        "Stage 1: primary research",
        "Stage 2: medical accuracy review",
        "Stage 3: registry verification",
        "Data sources",
    ]


def test_registry_freshness_comes_from_the_last_successful_sync(client):
    assert "No registry refresh" in client.get("/").content.decode()
    assert "have not been refreshed" in client.get("/methodology/").content.decode()
    day = timezone.now() - timedelta(days=3)
    TrialSyncRunFactory(finished=day)
    TrialSyncRunFactory(status=TrialSyncRun.Status.FAILED, finished=timezone.now())
    text = soup_of(client.get("/methodology/")).find("p", class_="registry-freshness")
    expected = timezone.localtime(day).date()
    assert text.find("time")["datetime"] == expected.isoformat()
    assert f"{expected.day} {expected:%B %Y}" in text.get_text()


def test_a_new_successful_sync_shows_at_once(client):
    TrialSyncRunFactory(finished=timezone.now() - timedelta(days=5))
    client.get("/methodology/")  # cached now
    newer = TrialSyncRunFactory(finished=timezone.now())
    footer = soup_of(client.get("/about/")).find("p", class_="footer-sync")
    assert footer.find("time")["datetime"] == timezone.localtime(newer.finished).date().isoformat()


def test_header_and_footer_link_the_publisher_pages(client):
    soup = soup_of(client.get("/"))
    footer_hrefs = {a["href"] for a in soup.find("footer").find_all("a")}
    assert {f"/{slug}/" for slug in TRUST_SLUGS} <= footer_hrefs
    footer_text = soup.find("footer").get_text(" ", strip=True)
    assert "Not affiliated with the NIH, ClinicalTrials.gov, the FDA" in footer_text
    assert "independent publisher" in footer_text
    for href in footer_hrefs | {a["href"] for a in soup.find("header").find_all("a")}:
        assert client.get(href).status_code == 200, href


def test_explainer_links_methodology_and_disclaimer(client):
    page = ExplainerPageFactory(body=[paragraph("Text."), disclaimer_block()])
    article = soup_of(client.get(page.url)).find("article", class_="explainer-article")
    hrefs = {a["href"] for a in article.find("p", class_="publisher-links").find_all("a")}
    assert {"/methodology/", "/disclaimer/", "/corrections/"} <= hrefs


def test_corrections_form_stores_a_submission_for_the_admin(client):
    page = CorrectionsPage.objects.get()
    form = soup_of(client.get("/corrections/")).find("form", attrs={"method": "post"})
    names = [field["name"] for field in form.find_all(["input", "textarea"])]
    assert names == [
        "csrfmiddlewaretoken", "page_address", "what_is_wrong", "source", "your_email",
    ]  # fmt: skip
    response = client.post(
        "/corrections/",
        {
            "page_address": "https://clinicalmetric.example/insights/car-t/",
            "what_is_wrong": "The phase of NCT00000001 is 2, not 3.",
        },
    )
    assert response.status_code == 200
    assert "Report received" in response.content.decode()
    submission = FormSubmission.objects.get(page=page)
    assert submission.get_data()["what_is_wrong"] == "The phase of NCT00000001 is 2, not 3."


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"page_address": "not a url", "what_is_wrong": "x"},
        {
            "page_address": "https://clinicalmetric.example/",
            "what_is_wrong": "x",
            "your_email": "nope",
        },
    ],
)
def test_bad_correction_reports_are_form_errors_and_store_nothing(client, data):
    response = client.post("/corrections/", data)
    assert response.status_code == 200
    soup = soup_of(response)
    errors = soup.find_all(class_="field-error")
    assert errors
    for error in errors:  # each error is named by its field's aria-describedby
        field = soup.find(attrs={"aria-describedby": lambda v, e=error: v and e["id"] in v})
        assert field is not None and field.get("aria-invalid") == "true"
    assert FormSubmission.objects.count() == 0


def test_trust_pages_are_editable_page_types_under_home():
    from home.models import HomePage

    assert HomePage in TrustPage.allowed_parent_page_models()
    assert TrustPage.allowed_subpage_models() == []
    assert HomePage in CorrectionsPage.allowed_parent_page_models()
