"""StreamField blocks of an explainer's body.

Each block has its own template under ``templates/insights/blocks/`` and a typed
``get_api_representation`` for the headless API (rich text as HTML with internal
links resolved). Validation errors carry messages an editor can act on.
"""

from .base import (
    INLINE_FEATURES,
    NCT_ID_PATTERN,
    NCT_ID_RE,
    PARAGRAPH_FEATURES,
    ExplainerRichTextBlock,
    SectionHeadingBlock,
    rich_text_html,
    validate_nct_id,
)
from .body import ExplainerBodyBlock
from .notices import STANDARD_DISCLAIMERS, CalloutBlock, DefinitionBlock, DisclaimerBlock
from .risks import SEVERITY_LABELS, RiskBlock, RisksBlock, Severity
from .sources import ReferenceBlock, ReferencesBlock, TrialListBlock, reference_links
from .steps import StepBlock, StepsBlock

__all__ = [
    "INLINE_FEATURES",
    "NCT_ID_PATTERN",
    "NCT_ID_RE",
    "PARAGRAPH_FEATURES",
    "SEVERITY_LABELS",
    "STANDARD_DISCLAIMERS",
    "CalloutBlock",
    "DefinitionBlock",
    "DisclaimerBlock",
    "ExplainerBodyBlock",
    "ExplainerRichTextBlock",
    "ReferenceBlock",
    "ReferencesBlock",
    "RiskBlock",
    "RisksBlock",
    "SectionHeadingBlock",
    "Severity",
    "StepBlock",
    "StepsBlock",
    "TrialListBlock",
    "reference_links",
    "rich_text_html",
    "validate_nct_id",
]
