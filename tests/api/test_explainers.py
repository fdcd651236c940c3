"""Contract of explainers in /api/v2/pages/: every field a front-end needs."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, CollectionViewRestriction

from home.models import HomePage
from tests.api.factories import (
    DocumentFactory,
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
    complete_review,
    disclaimer_block,
    document_link,
    page_link,
    paragraph,
    rich,
    risk,
    risks_block,
    trial_list_block,
)
from tests.trials.factories import TrialFactory
from trials.models import Trial

pytestmark = pytest.mark.django_db

TYPE = "insights.ExplainerPage"


@pytest.fixture
def explainer():
    """A published explainer with two authors, a hero image, topics, cited trials and a
    completed three-stage review."""
    TrialFactory(nct_id="NCT01234567", brief_title="Axi-cel in lymphoma", phases=["PHASE2"])
    first = PersonFactory(name="Ada Writer", credentials="PhD", photo=ImageFactory())
    second = PersonFactory(name="Bo Analyst", credentials="MSc")
    page = ExplainerPageFactory(
        title="CAR-T explained",
        subtitle="Cells that find cancer.",
        therapy_name="CAR-T cell therapy",
        hero_image=ImageFactory(
            title="Hero", description="A T-cell", file=get_test_image_file(size=(1600, 1000))
        ),
        topics=["Oncology", "Immunotherapy"],
        authors=[first, second],
        summary=rich(f"Read {page_link(HomePage.objects.get(), 'the home page')}."),
        body=[
            paragraph(rich("The trial NCT07654321 is cited in the text.")),
            trial_list_block("NCT01234567"),
            risks_block(risk(name="Cytokine release syndrome", shows="<p>Fever.</p>")),
            disclaimer_block(),
        ],
    )
    page.trial_citations.filter(nct_id="NCT01234567").update(
        stated_status="RECRUITING", stated_phase="PHASE2"
    )
    complete_review(
        page,
        research=first,
        medical=PersonFactory(name="Dr Med", credentials="MD, Oncology", role="medical_review"),
        registry=PersonFactory(name="Vera Verifier", credentials="BSc"),
        when=timezone.make_aware(dt.datetime(2026, 3, 1, 10, 0)),
    )
    return page


def test_listing_gives_wagtail_defaults_and_every_field_on_request(api, explainer):
    default = api("pages/", type=TYPE).json()
    assert default["meta"]["total_count"] == 1
    item = default["items"][0]
    assert set(item) == {"id", "meta", "title"}
    assert item["meta"]["type"] == TYPE
    assert item["meta"]["html_url"].endswith("/insights/car-t-explained/")

    full = api("pages/", type=TYPE, fields="*").json()["items"][0]
    assert {
        "subtitle",
        "therapy_name",
        "topics",
        "hero_image",
        "authors",
        "summary",
        "reading_time_minutes",
        "body",
        "cited_trials",
        "review",
        "json_ld",
    } <= set(full)
    # Neighbours cost queries: detail only.
    assert "previous_explainer" not in full
    assert full["meta"]["last_published_at"]


def test_detail_has_authors_in_byline_order_with_public_fields(api, explainer):
    data = api(f"pages/{explainer.pk}/").json()
    authors = data["authors"]
    assert [a["name"] for a in authors] == ["Ada Writer", "Bo Analyst"]
    first = authors[0]
    assert set(first) == {
        "id",
        "name",
        "initials",
        "role",
        "role_label",
        "job_title",
        "credentials",
        "photo",
        "detail_url",
    }
    assert first["credentials"] == "PhD"
    assert first["role"] == "research"
    assert first["role_label"] == "Research & Analysis"
    assert first["detail_url"].endswith(f"/api/v2/people/{first['id']}/")
    avatar = first["photo"]["renditions"]["avatar"]
    assert avatar["width"] == 160 and avatar["height"] == 160
    assert avatar["url"].endswith(".png")


def test_detail_has_topics_hero_image_renditions_and_resolved_summary(api, explainer):
    data = api(f"pages/{explainer.pk}/").json()
    assert data["topics"] == [
        {"name": "Immunotherapy", "slug": "immunotherapy"},
        {"name": "Oncology", "slug": "oncology"},
    ]
    hero = data["hero_image"]
    assert hero["alt"] == "A T-cell"
    assert set(hero["renditions"]) == {"hero", "medium", "thumbnail"}
    renditions = hero["renditions"]
    assert (renditions["hero"]["width"], renditions["hero"]["height"]) == (1200, 630)
    assert (renditions["medium"]["width"], renditions["medium"]["height"]) == (800, 500)
    assert renditions["hero"]["url"].startswith("/media/images/")
    assert hero["renditions"]["thumbnail"]["alt"] == "A T-cell"
    assert data["summary"] == '<p>Read <a href="/">the home page</a>.</p>'
    assert data["reading_time_minutes"] == 1
    assert data["subtitle"] == "Cells that find cancer."


def test_cited_trials_carry_the_pages_claims_and_the_registry_data(api, explainer):
    cited = {t["nct_id"]: t for t in api(f"pages/{explainer.pk}/").json()["cited_trials"]}
    synced = cited["NCT01234567"]
    assert synced["in_registry"] is True
    assert synced["title"] == "Axi-cel in lymphoma"
    assert synced["status"] == "RECRUITING"
    assert synced["status_label"] == "Recruiting"
    assert synced["phases"] == ["PHASE2"]
    assert synced["stated_status"] == "RECRUITING"
    assert synced["stated_phase"] == "PHASE2"
    trial = Trial.objects.get(nct_id="NCT01234567")
    assert synced["detail_url"].endswith(f"/api/v2/trials/{trial.pk}/")
    # Mentioned in the text but not synced yet: listed, registry fields empty.
    unsynced = cited["NCT07654321"]
    assert unsynced["in_registry"] is False
    assert unsynced["title"] is None and unsynced["detail_url"] is None
    assert unsynced["registry_url"] == "https://clinicaltrials.gov/study/NCT07654321"


def test_review_record_has_stages_reviewers_and_dates(api, explainer, settings):
    review = api(f"pages/{explainer.pk}/").json()["review"]
    assert [s["name"] for s in review["stages"]] == [
        "Primary research",
        "Medical accuracy review",
        "Registry verification",
    ]
    medical = review["stages"][1]
    assert medical["reviewer"]["name"] == "Dr Med"
    assert medical["reviewer"]["credentials"] == "MD, Oncology"
    assert medical["approved_at"].startswith("2026-03-01")
    assert review["medically_reviewed_by"]["name"] == "Dr Med"
    assert review["registry_verified_at"].startswith("2026-03-01")
    assert review["last_reviewed"] == "2026-03-01"
    due = dt.date(2026, 3, 1) + dt.timedelta(days=settings.REVIEW_INTERVAL_DAYS)
    assert review["next_review_due"] == due.isoformat()


def test_never_reviewed_explainer_has_an_empty_record(api):
    page = ExplainerPageFactory()
    review = api(f"pages/{page.pk}/").json()["review"]
    assert review["stages"] == []
    assert review["medically_reviewed_by"] is None
    assert review["last_reviewed"] is None


def test_json_ld_is_the_pages_own(api, explainer):
    data = api(f"pages/{explainer.pk}/").json()["json_ld"]
    assert data == explainer.json_ld()
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == "2026-03-01"
    assert {p["name"] for p in data["reviewedBy"]} >= {"Dr Med"}
    assert data["about"]["adverseOutcome"][0]["name"] == "Cytokine release syndrome"


def test_detail_links_to_neighbouring_explainers(api, explainer):
    later = ExplainerPageFactory(title="Later one")
    data = api(f"pages/{explainer.pk}/").json()
    assert data["previous_explainer"] is None
    assert data["next_explainer"]["id"] == later.pk
    assert data["next_explainer"]["detail_url"].endswith(f"/api/v2/pages/{later.pk}/")
    assert api(f"pages/{later.pk}/").json()["previous_explainer"]["title"] == "CAR-T explained"


def test_unpublished_authors_are_left_out(api):
    hidden = PersonFactory(name="Hidden Author", live=False)
    page = ExplainerPageFactory(authors=[PersonFactory(name="Shown Author"), hidden])
    data = api(f"pages/{page.pk}/").json()
    assert [a["name"] for a in data["authors"]] == ["Shown Author"]
    assert "Hidden Author" not in str(data)


def test_rich_text_links_to_drafts_private_pages_and_private_documents_lose_their_href(api):
    draft = ExplainerPageFactory(title="Secret draft", slug="secret-draft-slug", publish=False)
    private = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type="password", password="x"
    )
    secret_doc = DocumentFactory(collection=private)
    public_doc = DocumentFactory()
    html = rich(
        f"{page_link(draft, 'draft')} {document_link(secret_doc, 'secret')} "
        f"{document_link(public_doc, 'public')}"
    )
    page = ExplainerPageFactory(body=[paragraph(html), disclaimer_block()], summary=html)
    data = api(f"pages/{page.pk}/").json()
    for text in (data["body"][0]["value"], data["summary"]):
        assert "<a>draft</a>" in text
        assert "<a>secret</a>" in text
        assert f'<a href="{public_doc.url}">public</a>' in text
        assert "secret-draft-slug" not in text


def test_filter_by_topic(api):
    ExplainerPageFactory(title="About cells", topics=["Oncology"])
    ExplainerPageFactory(title="About sugar", topics=["Diabetes"])
    ExplainerPageFactory(title="About both", topics=["Oncology", "Diabetes"])

    def titles(**params):
        return sorted(i["title"] for i in api("pages/", type=TYPE, **params).json()["items"])

    assert titles(topic="oncology") == ["About both", "About cells"]
    assert titles(topic="diabetes,oncology") == ["About both", "About cells", "About sugar"]
    assert titles(topic="nothing-here") == []


def test_search_and_topic_combine(search_index, api):
    ExplainerPageFactory(title="Cell therapy basics", topics=["Oncology"])
    ExplainerPageFactory(title="Cell therapy for diabetes", topics=["Diabetes"])
    ExplainerPageFactory(title="Insulin pumps", topics=["Diabetes"])
    data = api("pages/", type=TYPE, search="cell therapy", topic="diabetes").json()
    assert [i["title"] for i in data["items"]] == ["Cell therapy for diabetes"]
    found = api("pages/", type=TYPE, search="insulin").json()["items"]
    assert [i["title"] for i in found] == ["Insulin pumps"]


def test_filter_by_cited_trial(api):
    citing = ExplainerPageFactory(
        title="Citing", body=[trial_list_block("NCT01111111"), disclaimer_block()]
    )
    ExplainerPageFactory(title="Silent")
    data = api("pages/", type=TYPE, cites="nct01111111").json()
    assert [i["id"] for i in data["items"]] == [citing.pk]


def test_other_page_types_keep_wagtails_fields(api):
    home = HomePage.objects.get()
    data = api(f"pages/{home.pk}/").json()
    assert data["meta"]["type"] == "home.HomePage"
    assert "authors" not in data


def test_order_by_publication_date_newest_first(search_index, api):
    for title in ("Oldest", "Middle", "Newest"):
        ExplainerPageFactory(title=title)
    items = api("pages/", type=TYPE, order="-first_published_at").json()["items"]
    assert [i["title"] for i in items] == ["Newest", "Middle", "Oldest"]
    items = api("pages/", type=TYPE, order="-last_published_at", search="middle").json()["items"]
    assert [i["title"] for i in items] == ["Middle"]
    assert api("pages/", type=TYPE, first_published_at="2026-01-01").status_code == 400
