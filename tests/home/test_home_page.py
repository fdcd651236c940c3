"""The home page: featured explainers and the trial counter, from real data."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.models import HomeFeaturedExplainer, HomePage, trial_counter
from tests.insights.factories import ExplainerPageFactory
from tests.trials.factories import TrialFactory, TrialSyncRunFactory
from trials.models import TrialSyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_newest_explainers_are_featured_when_none_are_chosen(client):
    pages = [ExplainerPageFactory(title=f"Explainer number {n}") for n in range(4)]
    ExplainerPageFactory(title="Unpublished draft explainer", publish=False)
    html = client.get("/").content.decode()
    assert "Featured explainers" in html
    # Three newest, newest first; the oldest and the draft are not shown.
    positions = [html.index(p.title) for p in reversed(pages[1:])]
    assert positions == sorted(positions)
    assert pages[0].title not in html
    assert "Unpublished draft explainer" not in html


def test_chosen_explainers_keep_the_editors_order_and_skip_unpublished(client):
    first, second = (
        ExplainerPageFactory(title="Chosen first"),
        ExplainerPageFactory(title="Chosen second"),
    )
    ExplainerPageFactory(title="Not chosen")
    home = HomePage.objects.get()
    for order, page in enumerate([second, first]):
        HomeFeaturedExplainer.objects.create(page=home, explainer=page, sort_order=order)
    first.unpublish()
    html = client.get("/").content.decode()
    assert "Chosen second" in html
    assert "Chosen first" not in html
    assert "Not chosen" not in html


def test_trial_counter_counts_tracked_studies_and_last_successful_run(client):
    TrialFactory.create_batch(4)
    TrialFactory(missing_from_registry=True)
    finished = timezone.now() - dt.timedelta(days=1)
    TrialSyncRunFactory(finished=finished)
    TrialSyncRunFactory(status=TrialSyncRun.Status.FAILED, finished=timezone.now())

    counter = trial_counter()
    assert counter.tracked == 4
    assert counter.refreshed_at == finished

    html = client.get("/").content.decode()
    assert "<strong>4</strong> studies tracked" in html
    assert f'datetime="{finished.isoformat()}"' in html or finished.strftime("%-d %B %Y") in html


def test_trial_counter_without_any_run_shows_no_refresh_date(client):
    TrialFactory()
    html = client.get("/").content.decode()
    assert "<strong>1</strong> study tracked" in html
    assert "refreshed from ClinicalTrials.gov" not in html


def test_a_new_successful_run_refreshes_the_count():
    TrialFactory.create_batch(2)
    TrialSyncRunFactory()
    assert trial_counter().tracked == 2
    TrialFactory.create_batch(3)
    TrialSyncRunFactory()
    assert trial_counter().tracked == 5


def test_home_page_queries_do_not_grow_with_featured_explainers(client):
    def count_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    ExplainerPageFactory(topics=["Oncology"])
    # warm up: the process's own one-off lookups (content types) depend on test order
    count_queries()
    one = count_queries()
    for n in range(3):
        ExplainerPageFactory(topics=["Oncology", f"Topic {n}"])
    assert count_queries() == one
