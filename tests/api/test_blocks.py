"""Contract of each body block type in the API: ``{"type", "value", "id"}`` with typed values.

Rich text is front-end HTML with internal links resolved; docs/api.md documents each shape.
"""

import pytest

from home.models import HomePage
from tests.api.factories import (
    ExplainerPageFactory,
    callout_block,
    definition_block,
    disclaimer_block,
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


def body_of(api, *blocks) -> list[dict]:
    page = ExplainerPageFactory(body=[*blocks, disclaimer_block(extra="Ask your doctor.")])
    body = api(f"pages/{page.pk}/", fields="body").json()["body"]
    for block in body:
        assert set(block) == {"type", "value", "id"}
        assert len(block["id"]) == 36  # a UUID: stable across edits, a key for front-ends
    return body[:-1] if len(body) > 1 else body


def home_link() -> tuple[str, str]:
    return rich(
        f"See {page_link(HomePage.objects.get(), 'home')}."
    ), '<p>See <a href="/">home</a>.</p>'


def test_heading_block(api):
    (block,) = body_of(api, heading("How it works"))
    assert block["type"] == "heading"
    assert block["value"] == {"text": "How it works", "anchor": "how-it-works"}


def test_paragraph_block_is_html_with_resolved_links(api):
    source, html = home_link()
    (block,) = body_of(api, paragraph(source))
    assert block == {"type": "paragraph", "value": html, "id": block["id"]}


def test_steps_block_numbers_its_steps(api):
    source, html = home_link()
    (block,) = body_of(api, steps_block(3, text=source))
    assert block["type"] == "steps"
    assert block["value"]["heading"] == "How it is made"
    assert block["value"]["steps"][0] == {
        "number": 1,
        "title": "Step title 1",
        "short_label": "Stage 1",
        "text": html,
    }
    assert [s["number"] for s in block["value"]["steps"]] == [1, 2, 3]


def test_risks_block(api):
    source, html = home_link()
    (block,) = body_of(api, risks_block(risk(name="CRS", shows=source)))
    assert block["type"] == "risks"
    value = block["value"]
    assert value["heading"] == "Risks"
    assert value["intro"] == "<p>Know them.</p>"
    assert value["risks"] == [
        {
            "name": "CRS",
            "severity": "serious",
            "severity_label": "Serious",
            "how_it_shows": html,
            "management": "<p>Watched in hospital.</p>",
            "frequency": "Common",
        }
    ]


def test_definition_block(api):
    (block,) = body_of(api, definition_block("Antigen", "<p>A marker.</p>"))
    assert block["value"] == {"term": "Antigen", "definition": "<p>A marker.</p>"}


def test_callout_block(api):
    (block,) = body_of(api, callout_block("warning", "<p>Call a doctor.</p>"))
    assert block["value"] == {
        "kind": "warning",
        "title": "Key fact",
        "text": "<p>Call a doctor.</p>",
    }


def test_trial_list_block_carries_registry_data(api):
    TrialFactory(nct_id="NCT01234567", brief_title="A study", overall_status="COMPLETED")
    (block,) = body_of(api, trial_list_block("NCT01234567", "NCT07654321"))
    assert block["type"] == "trial_list"
    known, unknown = block["value"]["trials"]
    assert block["value"]["heading"] == "Trials"
    assert known["nct_id"] == "NCT01234567"
    assert known["title"] == "A study"
    assert known["status"] == "COMPLETED" and known["status_label"] == "Completed"
    assert known["phases"] == ["PHASE2"] and known["phase_labels"] == ["Phase 2"]
    assert known["in_registry"] is True and "/api/v2/trials/" in known["detail_url"]
    assert unknown["nct_id"] == "NCT07654321"
    assert unknown["in_registry"] is False and unknown["title"] is None
    assert unknown["registry_url"] == "https://clinicaltrials.gov/study/NCT07654321"


def test_references_block(api):
    (block,) = body_of(api, references_block())
    (reference,) = block["value"]["references"]
    assert block["value"]["heading"] == "References"
    assert reference["citation"] == "Author A. A trial. Journal. 2018."
    assert reference["doi"] == "10.1056/NEJMoa1707447"
    assert reference["pmid"] == "29226797"
    assert reference["url"] is None
    assert {"label": "PMID 29226797", "url": "https://pubmed.ncbi.nlm.nih.gov/29226797/"} in (
        reference["links"]
    )


def test_disclaimer_block_gives_the_approved_text(api):
    (block,) = body_of(api)
    assert block["type"] == "disclaimer"
    assert block["value"]["kind"] == "medical"
    assert block["value"]["title"] == "Medical disclaimer"
    assert "not medical advice" in block["value"]["text"]
    assert block["value"]["extra"] == "Ask your doctor."
