"""The reader-facing review record: derived from approvals, cheap, shown on the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.models import CompletedReview, ExplainerPage, StageSignOff
from insights.review_record import newest_review_first, review_record_for
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import advance_to_stage, make_explainer, reload

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def reviewed(team, title="CAR-T cell therapy"):
    page = make_explainer(team["writer"], title=title)
    advance_to_stage(page, 4, team)
    return reload(page)


def test_record_names_each_stage_approver_with_dates(team, fresh_trial, settings):
    settings.REVIEW_INTERVAL_DAYS = 30
    page = reviewed(team)
    review = CompletedReview.objects.get(page=page)
    assert review.revision_id == page.live_revision_id
    record = review_record_for(page)
    assert [s.person.name for s in record.stages] == [
        "Analyst2 Tester",
        "Medical2 Tester",
        "Verifier2 Tester",
    ]
    sign_offs = {s.stage: s for s in StageSignOff.objects.filter(review=review)}
    assert record.medically_reviewed_at == sign_offs[2].approved_at
    assert record.registry_verified_at == sign_offs[3].approved_at
    assert record.last_reviewed == timezone.localdate(review.completed_at)
    assert record.next_review_due == record.last_reviewed + dt.timedelta(days=30)
    assert sign_offs[2].person_credentials == "MD, Haematology"
    assert sign_offs[2].comment == "Checked."


def test_record_costs_one_query_whatever_the_history(team, fresh_trial, django_assert_num_queries):
    page = reviewed(team)
    with django_assert_num_queries(1):
        review_record_for(page)
    # A second complete review: still one query, and it is the newest that counts.
    page.get_latest_revision_as_object().save_revision(user=team["writer"])
    advance_to_stage(page, 4, team)
    assert CompletedReview.objects.filter(page=page).count() == 2
    assert CompletedReview.objects.filter(page=page, is_current=True).count() == 1
    page = reload(page)
    with django_assert_num_queries(1):
        record = review_record_for(page)
    newest = CompletedReview.objects.get(page=page, is_current=True)
    assert record.registry_verified_at == newest.sign_offs.get(stage=3).approved_at


def test_listing_costs_a_fixed_number_of_queries_newest_review_first(team, fresh_trial):
    def listed():
        with CaptureQueriesContext(connection) as queries:
            pages = list(newest_review_first(ExplainerPage.objects.live()))
            records = [review_record_for(p) for p in pages]
        return pages, records, len(queries)

    first = reviewed(team, "First reviewed")
    _, _, one = listed()
    never = make_explainer(team["writer"], title="Published directly")
    reload(never).get_latest_revision().publish(user=team["boss"])
    second = reviewed(team, "Second reviewed")
    pages, records, three = listed()
    assert three == one
    assert [p.pk for p in pages] == [second.pk, first.pk, never.pk]
    assert records[2].stages == [] and records[0].medically_reviewed_by is not None


def test_direct_publish_by_a_superuser_keeps_the_last_review_but_claims_no_review(
    client, team, fresh_trial
):
    page = reviewed(team)
    before = review_record_for(page)
    assert before.covers_live_version
    page.get_latest_revision_as_object().save_revision(user=team["boss"]).publish(user=team["boss"])
    page = reload(page)
    after = review_record_for(page)
    # The review happened and stays on record, but it did not review what is published.
    assert after.stages == before.stages and after.last_reviewed == before.last_reviewed
    assert not after.covers_live_version and after.claimed_reviewers == []
    html = client.get(page.url).content.decode()
    reviewed_on = before.last_reviewed.strftime("%-d %B %Y")
    assert "Updated since its last review on <time datetime=" in html and reviewed_on in html
    assert "Medically reviewed by" not in html and "Reviewed by" not in html
    data = page.json_ld()
    assert data["reviewedBy"] == [] and "lastReviewed" not in data


def test_deleting_a_reviewer_keeps_their_name_on_the_record(team, fresh_trial):
    page = reviewed(team)
    Person.objects.filter(user=team["medical2"]).delete()
    record = review_record_for(reload(page))
    assert record.medically_reviewed_by.name == "Medical2 Tester"
    assert record.medically_reviewed_by.credentials == "MD, Haematology"


def test_the_published_page_and_its_json_ld_show_the_record(client, team, fresh_trial):
    page = reviewed(team)
    html = client.get(page.url).content.decode()
    record = review_record_for(page)
    reviewed_on = record.medically_reviewed_at.strftime("%-d %B %Y")
    assert "Medically reviewed by" in html
    assert "Medical2 Tester, MD, Haematology on <time" in html
    assert reviewed_on in html
    assert "Registry verified" in html and "Next review due" in html
    data = page.json_ld()
    assert data["lastReviewed"] == record.last_reviewed.isoformat()
    assert {p["name"] for p in data["reviewedBy"]} >= {"Medical2 Tester", "Verifier2 Tester"}
