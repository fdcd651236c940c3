"""The public explainer page, index, search, sitemap: every part a reader should see."""

import datetime as dt
import itertools
import json

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from insights import review_record
from insights.models import InsightsIndexPage
from insights.review_record import ReviewRecord, SignedOffReviewer, StageApproval
from people.models import Role
from tests.insights.factories import (
    ExplainerPageFactory,
    disclaimer_block,
    heading,
    paragraph,
    risk,
    risks_block,
    steps_block,
    trial_list_block,
)
from tests.people.factories import PersonFactory
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "founder": PersonFactory(name="Efi Kara", role=Role.FOUNDER, initials=""),
        "author": PersonFactory(
            name="Ioannis Anagnostopoulos",
            role=Role.RESEARCH,
            job_title="Clinical Research Analyst",
            credentials="B.Sc. Agricultural Sciences",
            bio="Writes from primary sources.",
        ),
        "reviewer": PersonFactory(
            name="Georgios Anagas",
            role=Role.MEDICAL_REVIEW,
            credentials="Physiotherapy student",
            bio="Checks medical accuracy.",
        ),
        "tech": PersonFactory(name="Achi Anagas", role=Role.TECHNICAL_REVIEW),
    }


@pytest.fixture
def explainer(people):
    before = ExplainerPageFactory(title="GLP-1 agonists")
    page = ExplainerPageFactory(
        title="CAR-T cell therapy explained",
        subtitle="A living drug made from your own cells.",
        therapy_name="CAR-T cell therapy",
        topics=["Oncology"],
        authors=[people["author"]],
        summary="<p>Short version: cells engineered to hunt cancer.</p>",
        body=[
            paragraph("Most cancer treatments are made in a factory."),
            heading("How it is made"),
            steps_block(5),
            risks_block(
                risk("Cytokine release syndrome"),
                risk("Neurological effects", management="<p>Steroids.</p>"),
            ),
            heading("What it treats"),
            paragraph("Blood cancers such as lymphoma."),
            trial_list_block("NCT01234567", "NCT07654321"),
            disclaimer_block(),
        ],
    )
    after = ExplainerPageFactory(title="Checkpoint inhibitors")
    Trial.objects.create(
        nct_id="NCT01234567",
        brief_title="A CAR-T study",
        overall_status="RECRUITING",
        phases=["PHASE2"],
    )
    return page, before, after


@pytest.fixture
def reviewed(monkeypatch, people):
    """Replace the placeholder review record with one naming people (as the workflow will)."""
    approved = timezone.make_aware(dt.datetime(2026, 6, 28, 9, 0))

    def signed(person):
        return SignedOffReviewer(person.name, person.credentials, person.pk, person)

    record = ReviewRecord(
        stages=[
            StageApproval("Primary research", signed(people["author"]), approved),
            StageApproval("Medical accuracy review", signed(people["reviewer"]), approved),
            StageApproval("Registry verification", signed(people["tech"]), approved),
        ],
        medically_reviewed_by=signed(people["reviewer"]),
        medically_reviewed_at=approved,
        registry_verified_at=approved,
        last_reviewed=dt.date(2026, 6, 28),
        next_review_due=dt.date(2026, 9, 26),
        covers_live_version=True,
    )
    monkeypatch.setattr(review_record, "review_record_for", lambda page: record)
    return record


def soup_of(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def text_of(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_explainer_shows_every_part_of_the_reference_page(client, explainer, reviewed, people):
    page, before, after = explainer
    soup = soup_of(client.get(page.url))
    main = soup.find("main")
    article = main.find("article", class_="explainer-article")

    back = article.find("p", class_="back-link").find("a")
    assert back["href"] == "/insights/" and "Treatment explainers" in back.text
    meta = text_of(article.find("p", class_="explainer-meta"))
    assert "Oncology" in meta and f"{page.reading_time_minutes} min read" in meta
    byline = text_of(article.find("p", class_="byline"))
    # One short line of names: credentials are in the people cards, never repeated here.
    assert byline.startswith("By Ioannis Anagnostopoulos · Reviewed by")
    assert "Georgios Anagas" in byline and "(" not in byline

    assert text_of(article.find("h1")) == "CAR-T cell therapy explained"
    assert len(soup.find_all("h1")) == 1
    assert text_of(article.find("p", class_="lead")) == "A living drug made from your own cells."

    steps = article.find("section", class_="steps").find("ol")
    assert [text_of(li.find("h3")) for li in steps.find_all("li", recursive=False)] == [
        f"Stage {n} : Step title {n}" for n in range(1, 6)
    ]
    risks = article.find("section", class_="risks")
    assert [text_of(h) for h in risks.find_all("h3")] == [
        "Cytokine release syndrome",
        "Neurological effects",
    ]
    assert "How it is managed" in text_of(risks) and "Steroids." in text_of(risks)
    assert "What it treats" in text_of(article)

    short = article.find("section", class_="short-version")
    assert "The short version" in text_of(short) and "cells engineered to hunt" in text_of(short)
    disclaimer = article.find("aside", class_="disclaimer")
    assert "Medical disclaimer" in text_of(disclaimer)
    # Reference order: body, the short version, then the disclaimer.
    html = str(article)
    assert html.index("short-version") < html.index('class="disclaimer')

    trials = article.find("section", class_="trial-list")
    assert "A CAR-T study" in text_of(trials) and "Recruiting" in text_of(trials)
    assert "NCT07654321" in text_of(trials) and "not loaded yet" in text_of(trials)

    nav = article.find("nav", class_="prev-next")
    assert nav.find("a", rel="prev")["href"] == before.url
    assert nav.find("a", rel="next")["href"] == after.url
    assert "GLP-1 agonists" in text_of(nav) and "Checkpoint inhibitors" in text_of(nav)

    dates = text_of(article.find("dl", class_="review-dates"))
    assert "Last reviewed 28 June 2026" in dates.replace(":", "")
    assert "Next review due 26 September 2026" in dates.replace(":", "")
    assert "Medically reviewed by Georgios Anagas, Physiotherapy student on 28 June 2026" in dates
    assert "Registry verified" in dates

    cards = main.find("section", class_="people").find_all("article", class_="person-card")
    names = [text_of(c.find("h3")) for c in cards]
    assert names == ["Efi Kara", "Ioannis Anagnostopoulos", "Georgios Anagas", "Achi Anagas"]
    author_card = cards[1]
    assert text_of(author_card.find(class_="avatar")) == "IA"
    assert text_of(author_card.find(class_="person-role")) == "Research & Analysis"
    assert "B.Sc. Agricultural Sciences" in text_of(author_card)
    assert "Writes from primary sources." in text_of(author_card)
    assert text_of(cards[0].find(class_="avatar")) == "EK"

    standards = text_of(main.find("section", class_="standards"))
    for stage in (
        "Stage 1 — Primary research",
        "Stage 2 — Medical accuracy review",
        "Stage 3 — Registry verification",
    ):
        assert stage in standards


def test_a_page_published_outside_the_review_shows_no_review_dates(client, explainer):
    # Review dates come only from completed editorial reviews (tests/insights/test_review_*).
    page, _before, _after = explainer
    soup = soup_of(client.get(page.url))
    assert soup.find("dl", class_="review-dates") is None
    status = text_of(soup.find("p", class_="review-status"))
    assert status == "Not yet reviewed under our three-stage process"
    assert "Reviewed by" not in text_of(soup.find("p", class_="byline"))
    assert "Last reviewed" not in text_of(soup.find("main"))
    data = page.json_ld()
    assert data["reviewedBy"] == [] and "lastReviewed" not in data


def test_page_landmarks_and_heading_order(client, explainer):
    page, _b, _a = explainer
    soup = soup_of(client.get(page.url))
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    assert soup.find("main", id="main") and soup.find("header") and soup.find("footer")
    assert soup.find("nav", attrs={"aria-label": "Main"})
    levels = [int(h.name[1]) for h in soup.find("main").find_all(["h1", "h2", "h3", "h4"])]
    assert levels[0] == 1
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, levels  # never skip a level going down


def test_seo_head(client, explainer):
    page, _b, _a = explainer
    soup = soup_of(client.get(page.url))
    assert text_of(soup.find("title")) == "CAR-T cell therapy explained · ClinicalMetric"
    assert soup.find("meta", attrs={"name": "description"})["content"] == page.subtitle
    assert soup.find("link", rel="canonical")["href"] == page.full_url
    og = {m["property"]: m["content"] for m in soup.find_all("meta", property=True)}
    assert og["og:title"] == page.title
    assert og["og:type"] == "article"
    assert og["og:url"] == page.full_url
    assert og["og:description"] == page.subtitle
    assert og["article:tag"] == "Oncology"


def test_no_inline_script_or_style_only_a_json_ld_data_block(client, explainer):
    page, _b, _a = explainer
    soup = soup_of(client.get(page.url))
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts if not s.get("src")] == ["application/ld+json"]
    assert not soup.find_all(style=True)
    assert not soup.find_all("style")


def json_ld_of(response) -> dict:
    soup = soup_of(response)
    return json.loads(soup.find("script", type="application/ld+json").string)


def test_json_ld_medical_web_page(client, explainer, reviewed, people):
    page, _b, _a = explainer
    data = json_ld_of(client.get(page.url))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalWebPage"
    assert data["headline"] == page.title
    assert data["url"] == page.full_url
    assert data["description"] == page.subtitle
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Ioannis Anagnostopoulos",
            "jobTitle": "Clinical Research Analyst",
            "hasCredential": {
                "@type": "EducationalOccupationalCredential",
                "name": "B.Sc. Agricultural Sciences",
            },
        }
    ]
    assert [p["name"] for p in data["reviewedBy"]] == [
        "Ioannis Anagnostopoulos",
        "Georgios Anagas",
        "Achi Anagas",
    ]
    assert data["lastReviewed"] == "2026-06-28"
    assert data["about"]["@type"] == "MedicalTherapy"
    assert data["about"]["name"] == "CAR-T cell therapy"
    assert [o["name"] for o in data["about"]["adverseOutcome"]] == [
        "Cytokine release syndrome",
        "Neurological effects",
    ]
    assert all(o["@type"] == "MedicalEntity" for o in data["about"]["adverseOutcome"])
    assert data["about"]["adverseOutcome"][0]["description"] == "Fever and low blood pressure."
    assert data["publisher"] == {"@type": "Organization", "name": "ClinicalMetric"}
    assert data["keywords"] == "Oncology"
    assert data["datePublished"].startswith(page.first_published_at.date().isoformat())
    # The page method gives the same data as the template (the API reuses it).
    assert page.json_ld(record=reviewed) == data


def test_json_ld_cannot_break_out_of_its_script_element(client, people):
    page = ExplainerPageFactory(title="Evil </script><script>alert(1)</script> page")
    response = client.get(page.url)
    assert b"</script><script>alert(1)" not in response.content
    assert json_ld_of(response)["headline"] == page.title


def test_draft_explainer_is_not_served(client):
    page = ExplainerPageFactory(publish=False)
    assert client.get(page.url or "/insights/" + page.slug + "/").status_code == 404


# Index ----------------------------------------------------------------------------------------


def test_index_lists_newest_review_first(client):
    older = ExplainerPageFactory(title="Older")
    newer = ExplainerPageFactory(title="Newer")
    ExplainerPageFactory(title="Unpublished", publish=False)
    older.save_revision().publish()  # re-reviewed: now the newest
    soup = soup_of(client.get("/insights/"))
    titles = [text_of(h) for h in soup.select(".explainer-list h3")]
    assert titles == ["Older", "Newer"]
    assert newer.url in str(soup)


def test_index_filters_by_topic(client):
    ExplainerPageFactory(title="Onco one", topics=["Oncology"])
    ExplainerPageFactory(title="Diabetes one", topics=["Diabetes"])
    soup = soup_of(client.get("/insights/", {"topic": "oncology"}))
    assert [text_of(h) for h in soup.select(".explainer-list h3")] == ["Onco one"]
    current = soup.select_one('.topic-filter a[aria-current="page"]')
    assert text_of(current) == "Oncology"
    assert "Oncology ·" in text_of(soup.find("title"))


def test_index_unknown_topic_is_an_empty_list_with_a_message(client):
    ExplainerPageFactory(title="Onco one", topics=["Oncology"])
    soup = soup_of(client.get("/insights/", {"topic": "<b>nope</b>"}))
    assert not soup.select(".explainer-list h3")
    assert "No explainers have the topic" in text_of(soup.find(class_="notice"))
    assert not soup.find("b", string="nope")  # escaped


def test_index_paginates(client, monkeypatch):
    monkeypatch.setattr(InsightsIndexPage, "page_size", 2)
    for n in range(5):
        ExplainerPageFactory(title=f"Explainer {n}")
    first = soup_of(client.get("/insights/"))
    assert len(first.select(".explainer-list h3")) == 2
    assert "Page 1 of 3" in text_of(first.find("nav", class_="pagination"))
    last = soup_of(client.get("/insights/", {"page": "3"}))
    assert [text_of(h) for h in last.select(".explainer-list h3")] == ["Explainer 0"]
    # Bad page numbers fall back to a real page, never an error.
    assert soup_of(client.get("/insights/", {"page": "abc"})).select(".explainer-list h3")
    assert len(soup_of(client.get("/insights/", {"page": "999"})).select(".explainer-list h3")) == 1


def test_index_query_count_does_not_grow_with_the_list(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.get("/insights/")  # warm caches (site root paths)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/insights/").status_code == 200
        return len(ctx)

    ExplainerPageFactory(topics=["Oncology"])
    small = count()
    for n in range(8):
        ExplainerPageFactory(title=f"More {n}", topics=["Oncology", f"Topic {n}"])
    assert count() == small


# Sitemap, robots (search: tests/sitesearch) ---------------------------------------------


def test_sitemap_lists_live_explainers_only(client):
    live = ExplainerPageFactory(title="Listed")
    draft = ExplainerPageFactory(title="Not listed", publish=False)
    body = client.get("/sitemap-pages.xml").content.decode()
    assert live.full_url in body
    assert "/insights/</loc>" in body
    assert draft.slug not in body


def test_robots_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_nav_links_to_explainers_and_search(client):
    soup = soup_of(client.get("/"))
    nav = soup.find("nav", attrs={"aria-label": "Main"})
    hrefs = {a["href"]: text_of(a) for a in nav.find_all("a")}
    assert hrefs["/insights/"] == "Treatment explainers"
    assert hrefs["/trials/"] == "Trials"
    assert hrefs["/methodology/"] == "Methodology"
    assert hrefs["/about/"] == "About"
    search = soup.find("header").find("form", attrs={"role": "search"})
    assert search["action"] == "/search/" and search.find("input", attrs={"name": "q"})
