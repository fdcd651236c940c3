"""The OpenAPI document of API v3: served, complete for our types, docs switchable."""

import pytest
from django.urls import clear_url_caches

from .openapi import document

pytestmark = pytest.mark.django_db

BLOCKS = [
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


def test_the_document_and_the_docs_are_served(client):
    response = client.get("/api/v3/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "ClinicalMetric API"
    assert client.get("/api/v3/docs/").status_code == 200


def test_a_setting_turns_the_docs_off(client, settings):
    settings.WAGTAILAPI_DOCS_ENABLED = False
    clear_url_caches()
    assert client.get("/api/v3/openapi.json").status_code == 404
    assert client.get("/api/v3/docs/").status_code == 404


def test_every_body_block_has_its_own_type():
    schemas = document()["components"]["schemas"]
    body = schemas["Explainer"]["properties"]["body"]["items"]
    assert body["discriminator"]["propertyName"] == "type"
    mapping = body["discriminator"]["mapping"]
    assert sorted(mapping) == sorted(BLOCKS)
    for name in BLOCKS:
        block = schemas[mapping[name].rsplit("/", 1)[-1]]
        assert block["properties"]["type"]["const"] == name
        assert block["required"] == ["type", "value", "id"]
    # Values are typed down to their fields, e.g. a risk's severity is an enum.
    risk = schemas["RiskValue"]["properties"]["severity"]
    assert set(risk["enum"]) == {"mild", "moderate", "serious", "life_threatening"}


def test_the_review_record_is_typed():
    schemas = document()["components"]["schemas"]
    review = schemas["ReviewRecord"]
    assert set(review["properties"]["status"]["enum"]) == {
        "reviewed",
        "updated_since_review",
        "not_reviewed",
    }
    assert "stages" in review["required"]


def test_explainers_in_wagtails_pages_endpoint_use_the_typed_schema():
    detail = document()["paths"]["/api/v3/pages/{page_id}/"]["get"]["responses"]["200"]
    members = detail["content"]["application/json"]["schema"]["oneOf"]
    assert {"$ref": "#/components/schemas/ExplainerPageSchema"} in members
    fields = document()["components"]["schemas"]["ExplainerPageSchema"]["properties"]
    assert {"body", "review", "authors", "cited_trials"} <= set(fields)


def test_people_and_trials_are_documented_with_their_filters():
    paths = document()["paths"]
    for path in ("/api/v3/people/", "/api/v3/trials/", "/api/v3/explainers/"):
        assert "get" in paths[path]
    names = {p["name"] for p in paths["/api/v3/trials/"]["get"]["parameters"]}
    assert {"status", "phase", "condition", "nct_id", "updated_since", "search", "order"} <= names
