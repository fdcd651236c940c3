"""home.StandardPage: a plain rich-text page (About, Editorial policy)."""

import pytest
from bs4 import BeautifulSoup

from home.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


def test_standard_page_renders_title_intro_and_body(client):
    home = HomePage.objects.get()
    page = StandardPage(
        title="Editorial policy",
        slug="editorial-policy",
        intro="How we write and check explainers.",
        body='<h2>Sources</h2><p>Primary sources <a href="https://clinicaltrials.gov">first</a>.</p>',
    )
    home.add_child(instance=page)
    soup = BeautifulSoup(client.get("/editorial-policy/").content, "html.parser")
    assert soup.find("h1").get_text() == "Editorial policy"
    assert soup.find("p", class_="lead").get_text() == "How we write and check explainers."
    assert soup.find("h2").get_text() == "Sources"
    assert soup.find("meta", attrs={"name": "description"})["content"] == page.intro
    assert soup.find("link", rel="canonical")["href"] == page.full_url


def test_standard_page_lives_under_the_home_page():
    assert HomePage in StandardPage.allowed_parent_page_models()
