"""Disclaimers, definitions and callouts: text set apart from the body."""

from wagtail import blocks

from .base import INLINE_FEATURES, ExplainerRichTextBlock, rich_text_html

STANDARD_DISCLAIMERS = {
    "medical": (
        "Medical disclaimer",
        "This article explains how a treatment works in general terms. It is not medical "
        "advice and cannot tell you whether a particular therapy suits you. Decisions about "
        "treatment, including joining a clinical trial, belong with your own doctor.",
    ),
    "not_advice": (
        "Not medical advice",
        "ClinicalMetric provides research information only. Always consult a qualified "
        "healthcare professional before making clinical decisions or taking part in a trial.",
    ),
    "emergency": (
        "In an emergency",
        "If you think you or someone else is having a medical emergency, call your local "
        "emergency number now. Do not wait for an answer online.",
    ),
}


class DisclaimerBlock(blocks.StructBlock):
    """One of the approved standard disclaimers, with optional extra text."""

    kind = blocks.ChoiceBlock(
        choices=[(key, title) for key, (title, _text) in STANDARD_DISCLAIMERS.items()],
        default="medical",
        label="Standard text",
    )
    extra = blocks.TextBlock(required=False, max_length=600, help_text="Optional, added after.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["title"], context["text"] = STANDARD_DISCLAIMERS[value["kind"]]
        return context

    def get_api_representation(self, value, context=None):
        title, text = STANDARD_DISCLAIMERS[value["kind"]]
        return {"kind": value["kind"], "title": title, "text": text, "extra": value["extra"]}

    class Meta:
        icon = "warning"
        label = "Disclaimer"
        template = "insights/blocks/disclaimer.html"


class DefinitionBlock(blocks.StructBlock):
    """A term and what it means (rendered as a description list)."""

    term = blocks.CharBlock(max_length=120)
    definition = ExplainerRichTextBlock(features=INLINE_FEATURES)

    def get_api_representation(self, value, context=None):
        return {"term": value["term"], "definition": rich_text_html(value["definition"])}

    class Meta:
        icon = "help"
        label = "Definition"
        template = "insights/blocks/definition.html"


class CalloutBlock(blocks.StructBlock):
    """A key fact or a warning set apart from the text."""

    kind = blocks.ChoiceBlock(
        choices=[("key_fact", "Key fact"), ("warning", "Warning")], default="key_fact"
    )
    title = blocks.CharBlock(max_length=120, required=False)
    text = ExplainerRichTextBlock(features=INLINE_FEATURES)

    def get_api_representation(self, value, context=None):
        return {
            "kind": value["kind"],
            "title": value["title"],
            "text": rich_text_html(value["text"]),
        }

    class Meta:
        icon = "pick"
        label = "Callout"
        template = "insights/blocks/callout.html"
