"""Block validation (clear messages) and the typed API representation of each block."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from insights.blocks import (
    CalloutBlock,
    DefinitionBlock,
    DisclaimerBlock,
    ExplainerBodyBlock,
    ExplainerRichTextBlock,
    ReferenceBlock,
    ReferencesBlock,
    RiskBlock,
    RisksBlock,
    SectionHeadingBlock,
    StepsBlock,
    TrialListBlock,
)
from tests.insights.factories import ExplainerPageFactory, risk, step


def messages_of(error: ValidationError) -> str:
    """All messages of a (nested) block validation error, flattened to one string."""
    data = error.as_json_data() if hasattr(error, "as_json_data") else {"messages": error.messages}
    out = []

    def walk(node):
        if isinstance(node, dict):
            out.extend(node.get("messages", []))
            for child in (node.get("blockErrors") or {}).values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(data)
    return " | ".join(out)


def clean(block, raw):
    return block.clean(block.to_python(raw))


# Steps ---------------------------------------------------------------------------------


def test_steps_need_at_least_two():
    block = StepsBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(block, {"heading": "", "steps": [step(1)]})
    assert "at least 2 steps" in messages_of(excinfo.value)
    with pytest.raises(StructBlockValidationError):
        clean(block, {"heading": "", "steps": []})


def test_two_steps_are_valid_and_numbered_in_the_api():
    block = StepsBlock()
    value = clean(block, {"heading": "How", "steps": [step(1), step(2)]})
    api = block.get_api_representation(value)
    assert api["heading"] == "How"
    assert [s["number"] for s in api["steps"]] == [1, 2]
    assert api["steps"][0] == {
        "number": 1,
        "title": "Step title 1",
        "short_label": "Stage 1",
        "text": "<p>Step 1.</p>",
    }


def test_step_needs_a_title():
    block = StepsBlock()
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(block, {"heading": "", "steps": [step(1), {**step(2), "title": ""}]})
    assert "required" in messages_of(excinfo.value)


# Risks ---------------------------------------------------------------------------------


def test_risk_without_management_is_refused_with_a_clear_message():
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(RiskBlock(), risk(management=""))
    assert "Say how this risk is managed" in messages_of(excinfo.value)
    assert "management" in excinfo.value.block_errors


def test_risk_without_name_is_refused():
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(RiskBlock(), risk(name=""))
    assert "A risk needs a name." in messages_of(excinfo.value)


def test_risk_management_of_only_whitespace_markup_counts_as_missing():
    with pytest.raises(StructBlockValidationError):
        clean(RiskBlock(), risk(management="<p> </p>"))


def test_risks_api_representation_is_typed():
    block = RisksBlock()
    value = clean(block, {"heading": "Risks", "intro": "", "risks": [risk()]})
    api = block.get_api_representation(value)
    assert api["risks"] == [
        {
            "name": "Cytokine release syndrome",
            "severity": "serious",
            "severity_label": "Serious",
            "how_it_shows": "<p>Fever and low blood pressure.</p>",
            "management": "<p>Watched in hospital.</p>",
            "frequency": "Common",
        }
    ]


def test_risk_with_unknown_severity_is_refused():
    with pytest.raises(StructBlockValidationError):
        clean(RiskBlock(), {**risk(), "severity": "apocalyptic"})


# Disclaimer, definition, callout, heading --------------------------------------------------


def test_disclaimer_api_gives_the_standard_text():
    block = DisclaimerBlock()
    value = clean(block, {"kind": "emergency", "extra": "Call 112 in the EU."})
    api = block.get_api_representation(value)
    assert api["kind"] == "emergency"
    assert api["title"] == "In an emergency"
    assert "emergency number" in api["text"]
    assert api["extra"] == "Call 112 in the EU."


def test_disclaimer_only_accepts_approved_texts():
    with pytest.raises(ValidationError):
        clean(DisclaimerBlock(), {"kind": "made-up", "extra": ""})


def test_definition_and_callout_api():
    definition = DefinitionBlock()
    value = clean(definition, {"term": "Antigen", "definition": "<p>A marker.</p>"})
    assert definition.get_api_representation(value) == {
        "term": "Antigen",
        "definition": "<p>A marker.</p>",
    }
    callout = CalloutBlock()
    value = clean(callout, {"kind": "warning", "title": "Careful", "text": "<p>Hot.</p>"})
    assert callout.get_api_representation(value) == {
        "kind": "warning",
        "title": "Careful",
        "text": "<p>Hot.</p>",
    }


def test_heading_api_has_an_anchor():
    assert SectionHeadingBlock().get_api_representation("What it treats") == {
        "text": "What it treats",
        "anchor": "what-it-treats",
    }


@pytest.mark.django_db
def test_rich_text_api_resolves_internal_links():
    target = ExplainerPageFactory(title="Linked explainer")
    block = ExplainerRichTextBlock()
    value = block.to_python(f'<p>See <a linktype="page" id="{target.pk}">this</a>.</p>')
    html = block.get_api_representation(value)
    assert 'href="/insights/linked-explainer/"' in html
    assert "linktype" not in html


def test_rich_text_feature_set_is_restricted():
    # Sections use the heading block (h2); no images, embeds or raw HTML inside text.
    features = set(ExplainerRichTextBlock().features)
    assert features == {"h3", "bold", "italic", "link", "document-link", "ol", "ul"}
    assert not features & {"h1", "h2", "image", "embed"}


# Trials and references --------------------------------------------------------------------


def test_trial_list_refuses_a_malformed_nct_id():
    with pytest.raises(ValidationError) as excinfo:
        clean(TrialListBlock(), {"heading": "", "nct_ids": ["NCT123", "NCT01234567"]})
    assert "NCT followed by 8 digits" in messages_of(excinfo.value)


def test_trial_list_api_lists_unique_ids_with_registry_links():
    block = TrialListBlock()
    value = clean(block, {"heading": "T", "nct_ids": ["NCT01234567", "NCT01234567"]})
    assert block.get_api_representation(value)["trials"] == [
        {"nct_id": "NCT01234567", "registry_url": "https://clinicaltrials.gov/study/NCT01234567"}
    ]


@pytest.mark.parametrize(
    ("doi", "pmid", "url", "field", "message"),
    [
        ("not-a-doi", "", "", "doi", "A DOI starts with 10."),
        ("", "12ab", "", "pmid", "A PubMed ID is a number"),
        ("", "0123", "", "pmid", "A PubMed ID is a number"),
        ("", "", "", "url", "at least one of URL, DOI or PMID"),
    ],
)
def test_reference_validation(doi, pmid, url, field, message):
    raw = {"citation": "Author A. Title. Journal. 2020.", "doi": doi, "pmid": pmid, "url": url}
    with pytest.raises(StructBlockValidationError) as excinfo:
        clean(ReferenceBlock(), raw)
    assert field in excinfo.value.block_errors
    assert message in messages_of(excinfo.value)


def test_reference_bad_url_is_refused():
    with pytest.raises(ValidationError):
        clean(ReferenceBlock(), {"citation": "X", "doi": "", "pmid": "", "url": "notaurl"})


def test_reference_normalises_a_doi_url_and_links_doi_and_pubmed():
    block = ReferencesBlock()
    value = clean(
        block,
        {
            "heading": "References",
            "references": [
                {
                    "citation": "Maude SL et al. NEJM 2018.",
                    "doi": "https://doi.org/10.1056/NEJMoa1709866",
                    "pmid": "29385370",
                    "url": "",
                }
            ],
        },
    )
    api = block.get_api_representation(value)["references"][0]
    assert api["doi"] == "10.1056/NEJMoa1709866"
    assert api["pmid"] == "29385370"
    assert api["url"] is None
    assert [link["url"] for link in api["links"]] == [
        "https://doi.org/10.1056/NEJMoa1709866",
        "https://pubmed.ncbi.nlm.nih.gov/29385370/",
    ]


# The body stream ---------------------------------------------------------------------------


def test_body_allows_only_one_disclaimer():
    block = ExplainerBodyBlock()
    raw = [
        {"type": "disclaimer", "value": {"kind": "medical", "extra": ""}},
        {"type": "disclaimer", "value": {"kind": "emergency", "extra": ""}},
    ]
    with pytest.raises(StreamBlockValidationError) as excinfo:
        block.clean(block.to_python(raw))
    assert "Disclaimer" in messages_of(excinfo.value)


def test_body_rejects_an_unknown_block_type_without_crashing():
    block = ExplainerBodyBlock()
    value = block.to_python(
        [{"type": "marquee", "value": "hello"}, {"type": "heading", "value": "Hi"}]
    )
    # Unknown block types are dropped on load, never rendered.
    assert [child.block_type for child in value] == ["heading"]
