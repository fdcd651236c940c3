"""OpenAPI types of an explainer's body blocks (API v3).

Each body block is ``{"type": <block name>, "value": {...}, "id": <uuid>}``; the value's
shape is what the block's ``get_api_representation`` returns (``insights/blocks``), plus
the registry data the API adds to trial lists. ``BodyBlock`` is the union, told apart by
``type``, so a generated client gets one precise type per block.
"""

from typing import Annotated, Literal, Union

from ninja import Schema
from pydantic import Field


class HeadingValue(Schema):
    text: str
    anchor: str = Field(description="The heading's anchor (slug) readers can link to.")


class StepValue(Schema):
    number: int = Field(description="The step's position, from 1.")
    title: str
    short_label: str
    text: str = Field(description="HTML.")


class StepsValue(Schema):
    heading: str
    steps: list[StepValue]


class RiskValue(Schema):
    name: str
    severity: Literal["mild", "moderate", "serious", "life_threatening"]
    severity_label: str
    how_it_shows: str = Field(description="HTML; empty when not given.")
    management: str = Field(description="HTML.")
    frequency: str


class RisksValue(Schema):
    heading: str
    intro: str = Field(description="HTML; empty when not given.")
    risks: list[RiskValue]


class DefinitionValue(Schema):
    term: str
    definition: str = Field(description="HTML.")


class CalloutValue(Schema):
    kind: Literal["key_fact", "warning"]
    title: str
    text: str = Field(description="HTML.")


class TrialSummary(Schema):
    """A trial as an explainer shows it; registry fields are null until the trial is synced."""

    nct_id: str
    registry_url: str
    in_registry: bool
    title: str | None
    status: str | None
    status_label: str | None
    phases: list[str]
    phase_labels: list[str]
    last_update_posted: str | None = Field(description="ISO date.")
    detail_url: str | None = Field(description="The trial in the trials endpoint.")


class TrialListValue(Schema):
    heading: str
    trials: list[TrialSummary]


class ReferenceLink(Schema):
    label: str
    url: str


class ReferenceValue(Schema):
    citation: str
    url: str | None
    doi: str | None
    pmid: str | None
    links: list[ReferenceLink]


class ReferencesValue(Schema):
    heading: str
    references: list[ReferenceValue]


class DisclaimerValue(Schema):
    kind: Literal["medical", "not_advice", "emergency"]
    title: str
    text: str
    extra: str


def _block(name: str, value_type, doc: str) -> type[Schema]:
    annotations = {"type": Literal[name], "value": value_type, "id": str}  # ty: ignore
    title = "".join(part.title() for part in name.split("_"))
    return type(f"{title}Block", (Schema,), {"__annotations__": annotations, "__doc__": doc})


HeadingBlock = _block("heading", HeadingValue, "A section heading.")
ParagraphBlock = _block("paragraph", str, "A paragraph of HTML.")
StepsBlock = _block("steps", StepsValue, "Numbered steps.")
RisksBlock = _block("risks", RisksValue, "Risks and side effects.")
DefinitionBlock = _block("definition", DefinitionValue, "A term and its meaning.")
CalloutBlock = _block("callout", CalloutValue, "A key fact or a warning.")
TrialListBlock = _block("trial_list", TrialListValue, "Trials by NCT ID, with registry data.")
ReferencesBlock = _block("references", ReferencesValue, "A numbered list of sources.")
DisclaimerBlock = _block("disclaimer", DisclaimerValue, "One of the standard disclaimers.")

BODY_BLOCKS = {
    "heading": HeadingBlock,
    "paragraph": ParagraphBlock,
    "steps": StepsBlock,
    "risks": RisksBlock,
    "definition": DefinitionBlock,
    "callout": CalloutBlock,
    "trial_list": TrialListBlock,
    "references": ReferencesBlock,
    "disclaimer": DisclaimerBlock,
}

# A union of the block types, told apart by "type" (a discriminator in the OpenAPI document).
BodyBlock = Annotated[Union[tuple(BODY_BLOCKS.values())], Field(discriminator="type")]  # noqa: UP007
