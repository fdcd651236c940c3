"""The explainer page costs the same number of queries whatever its size."""

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
from trials.signals import trials_changed

pytestmark = pytest.mark.django_db

# Ceilings for the whole request (session-less anonymous GET through Wagtail's serve).
# Warm: the page cache answers before any routing; cold: routing and the page's data.
WARM_MAX_QUERIES = 0
# (+1 since #13: the count of trials of the treatment recruiting now, trials.recruiting)
# +1 the last registry sync, +1 to 3 the change log (public site)
COLD_MAX_QUERIES = 24


def nct(n: int) -> str:
    return f"NCT{n:08d}"


def small_page():
    return ExplainerPageFactory(
        title="Small",
        authors=[PersonFactory(photo=wagtail_factories.ImageFactory())],
        body=[paragraph("Only a little text, citing NCT00000001."), disclaimer_block()],
    )


def big_page():
    """60 blocks, 6 authors with photos, 20 cited trials (15 of them synced)."""
    ids = [nct(n) for n in range(100, 120)]
    for nct_id in ids[:15]:
        Trial.objects.create(nct_id=nct_id, brief_title=f"Trial {nct_id}", phases=["PHASE1"])
    blocks = []
    for n in range(14):
        blocks += [heading(f"Section {n}"), paragraph(f"Text about {ids[n]} and more.")]
        blocks += [steps_block(3), risks_block(risk(f"Risk {n}"))]
    blocks += [
        trial_list_block(*ids[14:]),
        paragraph("The end."),
        paragraph("Really."),
        disclaimer_block(),
    ]
    assert len(blocks) == 60
    page = ExplainerPageFactory(
        title="Big",
        authors=[PersonFactory(photo=wagtail_factories.ImageFactory()) for _ in range(6)],
        body=blocks,
        topics=["Oncology", "Immunotherapy", "Cell therapy"],
    )
    assert page.trial_citations.count() == 20
    return page


def queries_for(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def pages(client):
    small, big = small_page(), big_page()
    # First views create image renditions (a one-off write per photo); not what we measure.
    client.get(small.url)
    client.get(big.url)
    return small, big


def test_cold_render_costs_the_same_queries_for_small_and_big_pages(client, pages):
    small, big = pages
    cache.clear()
    small_count, _ = queries_for(client, small.url)
    cache.clear()
    big_count, big_sql = queries_for(client, big.url)
    assert small_count == big_count, "\n".join(big_sql)
    assert big_count <= COLD_MAX_QUERIES, "\n".join(big_sql)


def test_warm_render_costs_the_same_queries_for_small_and_big_pages(client, pages):
    small, big = pages
    client.get(small.url)
    client.get(big.url)
    small_count, _ = queries_for(client, small.url)
    big_count, big_sql = queries_for(client, big.url)
    assert small_count == big_count, "\n".join(big_sql)
    assert big_count <= WARM_MAX_QUERIES, "\n".join(big_sql)


def test_body_fragment_is_cached_per_live_revision(client, pages):
    _small, big = pages
    first = client.get(big.url).content
    big.title = big.title  # publish a new revision with a changed body
    big.body = [
        (
            "paragraph",
            big.body.stream_block.child_blocks["paragraph"].to_python("<p>Rewritten body.</p>"),
        ),
        ("disclaimer", big.body[-1].value),
    ]
    big.save_revision().publish()
    second = client.get(big.url).content
    assert first != second
    assert b"Rewritten body." in second
    assert b"Section 3" not in second


def test_trial_changes_show_without_a_new_publication(client, pages):
    _small, big = pages
    assert b"Trial NCT00000114" in client.get(big.url).content
    Trial.objects.filter(nct_id="NCT00000114").update(
        brief_title="Renamed trial", last_changed="2030-01-01T00:00:00Z"
    )
    # The sync writes in bulk and then says which trials it wrote.
    trials_changed.send(sender=Trial, nct_ids=["NCT00000114"])
    assert b"Renamed trial" in client.get(big.url).content
