"""API v3 explainers: every field typed and validated, drafts for token holders, previews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from insights.api.preview import preview_token
from insights.serving import api_cache
from tests.api.factories import (
    ExplainerPageFactory,
    ImageFactory,
    PersonFactory,
    callout_block,
    complete_review,
    definition_block,
    disclaimer_block,
    heading,
    paragraph,
    references_block,
    risk,
    risks_block,
    steps_block,
    trial_list_block,
)
from tests.insights.review_support import make_user
from tests.trials.factories import TrialFactory

from .conftest import token_for

pytestmark = pytest.mark.django_db

EVERY_BLOCK = [
    heading(),
    paragraph(),
    steps_block(3),
    risks_block(risk(), risk(name="Infection")),
    definition_block(),
    callout_block(),
    trial_list_block("NCT10000000", "NCT10000001"),
    references_block(),
    disclaimer_block(),
]


def count_queries(v3, path, **params):
    v3.get(path, **params)  # renditions are created on first use; measure the steady state
    api_cache.forget_everything()  # measure a render, not the response cache
    with CaptureQueriesContext(connection) as queries:
        response = v3.get(path, **params)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_list_types_every_block_and_the_review_record(v3):
    TrialFactory(nct_id="NCT10000000")
    page = ExplainerPageFactory(body=EVERY_BLOCK, hero_image=ImageFactory(), topics=["Oncology"])
    complete_review(page, medical=PersonFactory(photo=ImageFactory()), registry=PersonFactory())
    data = v3.get("explainers/").json()  # validated against the OpenAPI document
    assert data["count"] == 1
    item = data["items"][0]
    assert [block["type"] for block in item["body"]] == [
        "heading",
        "paragraph",
        "steps",
        "risks",
        "definition",
        "callout",
        "trial_list",
        "references",
        "disclaimer",
    ]
    trials = item["body"][6]["value"]["trials"]
    assert trials[0]["in_registry"] and trials[0]["detail_url"].endswith(
        f"/api/v3/trials/{TrialFactory._meta.model.objects.get(nct_id='NCT10000000').pk}/"
    )
    assert trials[1]["in_registry"] is False
    assert item["review"]["status"] == "reviewed"
    assert item["review"]["medically_reviewed_by"]["profile"]["photo"]["renditions"]
    assert item["meta"]["detail_url"] == f"http://testserver/api/v3/explainers/{page.pk}/"


def test_a_draft_or_private_explainer_is_not_listed(v3):
    ExplainerPageFactory(title="Draft only", publish=False)
    assert v3.get("explainers/").json()["count"] == 0
    assert v3.get("explainers/999999/").status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"topic": "bad slug!"}, "topic"),
        ({"topic": ","}, "topic"),
        ({"cites": "NCT123"}, "cites"),
        ({"limit": 1000}, "limit"),
        ({"offset": 10**12}, "offset"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_filters_are_400_or_422_with_a_message(v3, params, message):
    response = v3.get("explainers/", **params)
    assert response.status_code in (400, 422), response.content
    assert message in response.content.decode()


def test_topic_and_cites_filters(v3):
    first = ExplainerPageFactory(
        topics=["Oncology"], body=[paragraph("<p>See NCT10000007.</p>"), disclaimer_block()]
    )
    ExplainerPageFactory(topics=["Cardiology"])
    assert [i["id"] for i in v3.get("explainers/", topic="oncology").json()["items"]] == [first.pk]
    assert [i["id"] for i in v3.get("explainers/", cites="nct10000007").json()["items"]] == [
        first.pk
    ]


def test_detail_has_neighbours_and_validates(v3):
    first, second = ExplainerPageFactory(), ExplainerPageFactory()
    data = v3.get(f"explainers/{second.pk}/").json()
    assert data["previous_explainer"]["id"] == first.pk
    assert data["next_explainer"] is None


def test_an_explainer_in_wagtails_pages_endpoint_is_typed(v3):
    page = ExplainerPageFactory(body=EVERY_BLOCK)
    data = v3.get(f"pages/{page.pk}/").json()  # validated against ExplainerPageSchema
    assert data["meta"]["type"] == "insights.ExplainerPage"
    assert data["body"][-1]["value"]["title"] == "Medical disclaimer"
    assert data["review"]["status"] == "not_reviewed"


# Drafts and previews -------------------------------------------------------------------


def edited(page, subtitle="Changed in the draft"):
    draft = page.get_latest_revision_as_object()
    draft.subtitle = subtitle
    draft.save_revision()
    return page


def test_a_draft_needs_a_token(v3):
    page = edited(ExplainerPageFactory())
    response = v3.get(f"explainers/{page.pk}/", version="draft")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_token_of_a_user_who_may_not_edit_sees_no_draft(v3):
    page = edited(ExplainerPageFactory())
    outsider = make_user("outsider")  # no group: no page permission
    response = v3.get(f"explainers/{page.pk}/", bearer=token_for(outsider), version="draft")
    assert response.status_code == 403
    unpublished = ExplainerPageFactory(publish=False)
    response = v3.get(f"explainers/{unpublished.pk}/", bearer=token_for(outsider), version="draft")
    assert response.status_code == 404


def test_a_revoked_or_unknown_token_is_anonymous(v3):
    page = edited(ExplainerPageFactory())
    writer = make_user("writer", "Editors")
    key = token_for(writer)
    APIToken.objects.get(user=writer).revoke()
    assert v3.get(f"explainers/{page.pk}/", bearer=key, version="draft").status_code == 401
    assert (
        v3.get(f"explainers/{page.pk}/", bearer="wagtail_nope", version="draft").status_code == 401
    )


def test_an_editors_token_reads_the_draft_privately(v3):
    page = edited(ExplainerPageFactory())
    writer = make_user("writer", "Editors")
    response = v3.get(f"explainers/{page.pk}/", bearer=token_for(writer), version="draft")
    assert response.status_code == 200
    assert response.json()["subtitle"] == "Changed in the draft"
    assert "no-store" in response["Cache-Control"]
    # The live version is unchanged for everyone.
    assert v3.get(f"explainers/{page.pk}/").json()["subtitle"] != "Changed in the draft"


def test_the_draft_in_wagtails_pages_endpoint_needs_a_token(v3):
    page = edited(ExplainerPageFactory())
    writer = make_user("writer", "Editors")
    anonymous = v3.get(f"pages/{page.pk}/", version="draft").json()
    assert anonymous["subtitle"] != "Changed in the draft"
    draft = v3.get(f"pages/{page.pk}/", bearer=token_for(writer), version="draft").json()
    assert draft["subtitle"] == "Changed in the draft"


def test_the_v2_preview_token_works_on_v3(v3):
    page = edited(ExplainerPageFactory())
    token = preview_token(page.get_latest_revision())
    response = v3.get("explainers/preview/", token=token)
    assert response.status_code == 200, response.content
    assert response.json()["subtitle"] == "Changed in the draft"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["", "forged", "a:b:c"])
def test_a_bad_preview_token_is_403_with_a_message(v3, token):
    response = v3.get("explainers/preview/", token=token)
    assert response.status_code == 403
    assert "token" in response.json()["detail"]
