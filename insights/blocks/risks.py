"""Risks and side effects; their names feed the JSON-LD adverse outcomes."""

from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.rich_text import RichText

from .base import INLINE_FEATURES, ExplainerRichTextBlock, rich_text_html, struct_error


class Severity(blocks.ChoiceBlock):
    """How serious a risk can be."""

    CHOICES = [
        ("mild", "Mild"),
        ("moderate", "Moderate"),
        ("serious", "Serious"),
        ("life_threatening", "Potentially life-threatening"),
    ]

    def __init__(self, **kwargs):
        super().__init__(choices=self.CHOICES, default="moderate", **kwargs)


SEVERITY_LABELS = dict(Severity.CHOICES)


class RiskBlock(blocks.StructBlock):
    """A side effect or risk: what it is, how serious, how it shows, how it is managed."""

    name = blocks.CharBlock(max_length=120, help_text="e.g. Cytokine release syndrome (CRS)")
    severity = Severity()
    how_it_shows = ExplainerRichTextBlock(
        features=INLINE_FEATURES, required=False, label="How it shows"
    )
    management = ExplainerRichTextBlock(features=INLINE_FEATURES, label="How it is managed")
    frequency = blocks.CharBlock(
        max_length=160, required=False, help_text='e.g. "Common: most patients, usually mild"'
    )

    REQUIRED_MESSAGES = {
        "name": "A risk needs a name.",
        "management": "Say how this risk is managed: readers need to know what is done about it.",
    }

    def clean(self, value):
        missing = {
            name: message
            for name, message in self.REQUIRED_MESSAGES.items()
            if not value.get(name)
            or (isinstance(value[name], RichText) and not strip_tags(value[name].source).strip())
        }
        if missing:
            raise struct_error(missing)
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        return {
            "name": value["name"],
            "severity": value["severity"],
            "severity_label": SEVERITY_LABELS.get(value["severity"], value["severity"]),
            "how_it_shows": rich_text_html(value["how_it_shows"]),
            "management": rich_text_html(value["management"]),
            "frequency": value["frequency"],
        }

    class Meta:
        icon = "warning"
        label = "Risk"


class RisksBlock(blocks.StructBlock):
    """The risks of a treatment; their names feed the JSON-LD adverse outcomes."""

    heading = blocks.CharBlock(max_length=120, required=False)
    intro = ExplainerRichTextBlock(features=INLINE_FEATURES, required=False)
    risks = blocks.ListBlock(RiskBlock(), min_num=1)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["risk_rows"] = [
            (risk, SEVERITY_LABELS.get(risk["severity"], risk["severity"]))
            for risk in value["risks"]
        ]
        return context

    def get_api_representation(self, value, context=None):
        risk_block = self.child_blocks["risks"].child_block
        return {
            "heading": value["heading"],
            "intro": rich_text_html(value["intro"]),
            "risks": [risk_block.get_api_representation(risk) for risk in value["risks"]],
        }

    class Meta:
        icon = "warning"
        label = "Risks"
        template = "insights/blocks/risks.html"
