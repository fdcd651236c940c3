"""Queries per request do not grow with the number of items, authors, blocks or trials."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import HomePage
from insights.serving import api_cache
from tests.api.factories import (
    DocumentFactory,
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
    callout_block,
    complete_review,
    definition_block,
    disclaimer_block,
    document_link,
    heading,
    page_link,
    paragraph,
    references_block,
    rich,
    risk,
    risks_block,
    steps_block,
    trial_list_block,
)
from tests.trials.factories import TrialFactory

pytestmark = pytest.mark.django_db

EXPLAINERS_URL = "pages/?type=insights.ExplainerPage&fields=*&limit={limit}"


def rich_explainers(count: int) -> list:
    """COUNT explainers, each with a photo'd author pair, hero image, topics, every block
    type, internal page and document links, cited trials and a completed review."""
    target = HomePage.objects.get()
    leaflet = DocumentFactory()
    reviewer = PersonFactory(photo=ImageFactory())
    verifier = PersonFactory()
    pages = []
    for n in range(count):
        nct_a, nct_b = f"NCT{10000000 + 2 * n:08d}", f"NCT{10000001 + 2 * n:08d}"
        TrialFactory(nct_id=nct_a)
        linked = rich(f"See {page_link(target)} and {document_link(leaflet)}.")
        page = ExplainerPageFactory(
            title=f"Explainer {n}",
            hero_image=ImageFactory(),
            topics=["Oncology", f"Topic {n % 5}"],
            authors=[PersonFactory(photo=ImageFactory()), PersonFactory()],
            body=[
                heading(),
                paragraph(linked),
                steps_block(3, text=linked),
                risks_block(risk(shows=linked), risk(name="Infection")),
                definition_block(html=linked),
                callout_block(html=linked),
                trial_list_block(nct_a, nct_b),
                references_block(),
                disclaimer_block(),
            ],
            summary=linked,
        )
        complete_review(page, medical=reviewer, registry=verifier)
        pages.append(page)
    return pages


def count_queries(api, path) -> tuple[int, dict]:
    api(path)  # renditions are created on first use; measure the steady state
    api_cache.forget_everything()  # measure a render, not the response cache
    with CaptureQueriesContext(connection) as queries:
        response = api(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_explainer_detail_queries_do_not_grow_with_blocks(api):
    one, many = rich_explainers(1)[0], None
    small, _ = count_queries(api, f"pages/{one.pk}/")
    many = ExplainerPageFactory(
        title="Long",
        hero_image=ImageFactory(),
        authors=[PersonFactory(photo=ImageFactory()) for _ in range(4)],
        body=[paragraph(rich(page_link(one))) for _ in range(30)]
        + [trial_list_block(*(f"NCT{20000000 + i:08d}" for i in range(10))), disclaimer_block()],
    )
    complete_review(many, medical=PersonFactory(), registry=PersonFactory())
    large, data = count_queries(api, f"pages/{many.pk}/")
    assert len(data["body"]) == 32
    assert large <= small


def test_trials_list_with_100_items_is_at_most_5_queries(api):
    for n in range(100):
        TrialFactory(phases=["PHASE1", "PHASE2"], conditions=["Lymphoma", f"Condition {n}"])
    count, data = count_queries(api, "trials/?fields=*&limit=100")
    assert len(data["items"]) == 100
    assert count <= 5, f"{count} queries"


def test_people_list_queries_do_not_grow_with_items(api):
    for _ in range(3):
        PersonFactory(photo=ImageFactory())
    small, _ = count_queries(api, "people/?fields=*&limit=1")
    for _ in range(10):
        PersonFactory(photo=ImageFactory())
    large, data = count_queries(api, "people/?fields=*&limit=13")
    assert len(data["items"]) == 13
    assert large == small


CARDS_URL = (
    "pages/?type=insights.ExplainerPage&limit={limit}"
    "&fields=subtitle,topics,hero_image,authors,summary,reading_time_minutes,review"
)


def test_card_list_without_body_loads_no_body_and_stays_constant(api):
    rich_explainers(6)
    small, _ = count_queries(api, CARDS_URL.format(limit=2))
    large, data = count_queries(api, CARDS_URL.format(limit=6))
    assert large == small
    assert len(data["items"]) == 6
    assert "body" not in data["items"][0]
    # Links in the summary are still resolved (in bulk).
    assert '<a href="/">a related page</a>' in data["items"][0]["summary"]
    full, _ = count_queries(api, EXPLAINERS_URL.format(limit=6))
    assert small <= full
