"""Numbered steps: an ordered process such as how a therapy is made."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from .base import INLINE_FEATURES, ExplainerRichTextBlock, rich_text_html


class StepBlock(blocks.StructBlock):
    """One step of a process; its number is its position in the list."""

    title = blocks.CharBlock(max_length=120, help_text="e.g. Collecting the T-cells")
    short_label = blocks.CharBlock(
        max_length=30, required=False, help_text="One or two words, e.g. Collection"
    )
    text = ExplainerRichTextBlock(features=INLINE_FEATURES + ["ul"])

    def get_api_representation(self, value, context=None):
        return {
            "title": value["title"],
            "short_label": value["short_label"],
            "text": rich_text_html(value["text"]),
        }

    class Meta:
        icon = "list-ol"
        label = "Step"


class StepsBlock(blocks.StructBlock):
    """An ordered process (rendered as a numbered list): needs at least two steps."""

    heading = blocks.CharBlock(max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock(), min_num=2)

    MIN_STEPS = 2

    def clean(self, value):
        # Wagtail's own min_num message is generic; say what an editor should do.
        steps = value.get("steps") or []
        if len(steps) < self.MIN_STEPS:
            raise StructBlockValidationError(
                block_errors={
                    "steps": ListBlockValidationError(
                        non_block_errors=ErrorList(
                            [
                                ValidationError(
                                    f"A step list needs at least {self.MIN_STEPS} steps "
                                    f"(it has {len(steps)}). Use a paragraph for a single step.",
                                    code="too_few_steps",
                                )
                            ]
                        )
                    )
                }
            )
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        return {
            "heading": value["heading"],
            "steps": [
                {
                    "number": number,
                    **self.child_blocks["steps"].child_block.get_api_representation(step),
                }
                for number, step in enumerate(value["steps"], start=1)
            ],
        }

    class Meta:
        icon = "list-ol"
        label = "Numbered steps"
        template = "insights/blocks/steps.html"
