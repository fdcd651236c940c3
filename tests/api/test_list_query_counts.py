"""Explainer lists in API v2 and v3: 50 items with every field in at most 20 queries, and
the same number of queries for 2 items as for 6.

The 50 explainers (each with a photo'd author pair, hero image, topics, every block type,
links, cited trials and a completed review) cost tens of seconds to build: they are built
once for the module (``module_transaction``), and the tests only read them.
"""

import pytest

from tests.api.test_query_counts import count_queries as v2_queries
from tests.api.test_query_counts import rich_explainers
from tests.api.v3.conftest import V3Client
from tests.api.v3.test_explainers import count_queries as v3_queries

pytestmark = pytest.mark.django_db

V2_EXPLAINERS = "pages/?type=insights.ExplainerPage&fields=*&limit={limit}"


@pytest.fixture(scope="module")
def fifty(module_transaction, django_db_blocker):
    from django.test import Client
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from insights.serving import api_cache

    assert module_transaction
    # The lists read no usages: indexing 50 pages' references was ~18 % of the module.
    with django_db_blocker.unblock(), disable_reference_index_auto_update():
        pks = [page.pk for page in rich_explainers(50)]
        # The images' renditions, made once here: made on first use inside a test, they
        # were rolled back with it and made again by the next (a fifth of the module).
        client = Client()
        for path in ("/api/v2/" + V2_EXPLAINERS.format(limit=50), "/api/v3/explainers/?limit=50"):
            assert client.get(path).status_code == 200, path
        api_cache.forget_everything()
        return pks


@pytest.fixture
def v3(client):
    return V3Client(client)


def test_v2_list_with_50_items_and_every_field_is_at_most_20_queries(api, fifty):
    count, data = v2_queries(api, V2_EXPLAINERS.format(limit=50))
    assert sorted(item["id"] for item in data["items"]) == sorted(fifty)
    assert all(len(item["authors"]) == 2 for item in data["items"])
    assert all(item["review"]["medically_reviewed_by"] for item in data["items"])
    assert count <= 20, f"{count} queries"


def test_v2_list_queries_do_not_grow_with_items(api, fifty):
    small, _ = v2_queries(api, V2_EXPLAINERS.format(limit=2))
    large, data = v2_queries(api, V2_EXPLAINERS.format(limit=6))
    assert len(data["items"]) == 6
    assert large == small


def test_v3_list_of_50_with_every_field_is_at_most_20_queries(v3, fifty):
    count, data = v3_queries(v3, "explainers/", limit=50)
    assert len(data["items"]) == 50
    assert count <= 20, f"{count} queries"


def test_v3_list_queries_do_not_grow_with_items(v3, fifty):
    small, _ = v3_queries(v3, "explainers/", limit=2)
    large, data = v3_queries(v3, "explainers/", limit=6)
    assert len(data["items"]) == 6
    assert large == small
